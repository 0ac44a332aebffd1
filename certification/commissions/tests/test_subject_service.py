"""The fiche sujet service: pre-fill from the deposited fiche, listed changes, warnings, conflicts."""

import pytest

from audit.models import AuditEntry
from certification.commissions.services import subjects
from certification.commissions.services.subjects import StaleSubject, SubjectError
from certification.models import Dossier, DossierFiche, DossierState, ParameterChange, SubjectPart, SubjectSheet
from passeport.models import Fiche
from tests.factories import make_fiche
from tests.factories_certification_commissions import make_commission
from tests.factories_certification_dossiers import complete_dossier, make_dossier
from tests.factories_certification_subjects import change, make_sheet, submitted_dossier

pytestmark = pytest.mark.django_db

CANDIDATE_CODES = [
    "objet", "dates", "lieu", "sequences", "historique", "relation", "objectifs", "informations", "contraintes",
    "acteurs_vous", "acteurs_jury",
]  # fmt: skip


def _first_item(dossier: Dossier) -> DossierFiche:
    item = dossier.items.first()
    assert item is not None
    return item


def test_it_prefills_both_parts_from_the_frozen_fiche(cast):
    sheet = make_sheet(cast)
    assert list(sheet.candidate) == CANDIDATE_CODES
    assert sheet.candidate["lieu"] == "Texte de la rubrique lieu."
    assert sheet.candidate["contraintes"] == "Texte de la rubrique difficultes."
    assert sheet.candidate["informations"] == "Texte de la rubrique informations."  # from the verso
    assert "Nom de l’organisation : Texte de la rubrique organisation." in sheet.candidate["relation"]
    assert sheet.jury["identite"] == "Texte de la rubrique acteurs."
    assert sheet.jury["objections"] == ""
    assert sheet.originals == {"candidate": sheet.candidate, "jury": sheet.jury}


def test_it_prefills_from_the_deposited_text_not_the_fiche_edited_since(cast):
    commission = make_commission(cast)
    submitted_dossier(cast.student)
    fiche = Fiche.objects.filter(student=cast.student).order_by("number").first()
    fiche.recto = {**fiche.recto, "lieu": "Modifié après le dépôt"}
    fiche.save(update_fields=["recto"])
    sheet = make_sheet(cast, commission)
    assert sheet.candidate["lieu"] == "Texte de la rubrique lieu."


def test_it_takes_number_title_and_kind_from_the_dossier(cast):
    nego = make_sheet(cast)
    assert (nego.fiche_number, nego.title, nego.activity_kind) == (1, "Négociation d'un contrat", "nego")
    event = make_sheet(cast, nego.commission, cast.student2, index=1)
    assert (event.fiche_number, event.title, event.activity_kind) == (2, "Salon de l'habitat", "event")


def test_it_refuses_a_draft_dossier(cast):
    commission = make_commission(cast)
    dossier = complete_dossier(cast.student)
    assert dossier.state == DossierState.DRAFT
    with pytest.raises(SubjectError) as refusal:
        subjects.start_subject_sheet(
            commission=commission, student=cast.student, dossier_fiche=_first_item(dossier), actor=cast.teacher
        )
    assert "dossier E4 déposé" in refusal.value.message
    assert not SubjectSheet.objects.exists()


def test_it_refuses_a_fiche_of_another_candidate(cast):
    commission = make_commission(cast)
    submitted_dossier(cast.student)
    other = submitted_dossier(cast.student2)
    with pytest.raises(SubjectError) as refusal:
        subjects.start_subject_sheet(
            commission=commission, student=cast.student, dossier_fiche=_first_item(other), actor=cast.teacher
        )
    assert refusal.value.message == subjects.NOT_IN_DOSSIER


def test_it_refuses_a_fiche_of_another_exam(cast):
    commission = make_commission(cast, "E6")
    dossier = make_dossier(
        cast.student, "E6", fiches=[make_fiche(cast.student, exam_code="E6", kind_code="partenaires")]
    )
    with pytest.raises(SubjectError) as refusal:
        subjects.start_subject_sheet(
            commission=commission, student=cast.student, dossier_fiche=_first_item(dossier), actor=cast.teacher
        )
    assert refusal.value.message == subjects.NOT_E4


def test_a_second_sheet_for_the_same_candidate_is_refused(cast):
    sheet = make_sheet(cast)
    with pytest.raises(SubjectError):
        subjects.start_subject_sheet(
            commission=sheet.commission,
            student=cast.student,
            dossier_fiche=subjects.dossier_fiches(sheet.commission, cast.student)[1],
            actor=cast.teacher,
        )


def test_it_lists_exactly_the_changed_rubrics(cast):
    sheet = make_sheet(cast)
    sheet = change(
        sheet,
        contraintes="Le client impose une livraison sous 48 heures.",
        acteurs_jury="M. Martin, nouveau gérant, prudent.",
        lieu="  Texte de la rubrique\n lieu.  ",  # the same text re-wrapped: not a change
    )
    rows = ParameterChange.objects.filter(sheet=sheet)
    assert sorted(r.rubric for r in rows) == ["acteurs_jury", "contraintes"]
    constraint = rows.get(rubric="contraintes")
    assert constraint.original_text == "Texte de la rubrique difficultes."
    assert constraint.new_text == "Le client impose une livraison sous 48 heures."
    # Saving the original text back removes the row.
    sheet = change(sheet, contraintes="Texte de la rubrique difficultes.")
    assert list(ParameterChange.objects.filter(sheet=sheet).values_list("rubric", flat=True)) == ["acteurs_jury"]


def test_jury_part_changes_are_listed_only_with_the_jury_part(cast):
    sheet = make_sheet(cast)
    sheet = change(sheet, contraintes="Budget réduit.", jury__objections="C'est trop cher.")
    assert set(ParameterChange.objects.filter(sheet=sheet).values_list("part", "rubric")) == {
        (SubjectPart.CANDIDATE, "contraintes"),
        (SubjectPart.JURY, "objections"),
    }
    sheet = subjects.save_subject_sheet(
        sheet=sheet, data={"with_jury_part": False}, expected_version=sheet.version, actor=cast.teacher
    )
    assert list(ParameterChange.objects.filter(sheet=sheet).values_list("part", flat=True)) == ["candidate"]


def test_it_warns_when_nothing_changed(cast):
    sheet = make_sheet(cast)
    analysis = subjects.analyse_changes(sheet)
    assert (analysis.changed, analysis.total) == (0, 11)
    assert len(analysis.warnings) == 1
    assert "rien de significatif n'a changé" in analysis.warnings[0]


def test_it_does_not_warn_for_a_measured_change(cast):
    sheet = change(make_sheet(cast), contraintes="Budget réduit de 20 %.", acteurs_jury="Nouvel acheteur.")
    analysis = subjects.analyse_changes(sheet)
    assert (analysis.changed, analysis.warnings) == (2, [])


def test_it_warns_when_every_rubric_is_replaced(cast):
    sheet = make_sheet(cast)
    sheet = change(sheet, actor=None, **{code: f"Tout autre chose pour {code}." for code in CANDIDATE_CODES})
    analysis = subjects.analyse_changes(sheet)
    assert analysis.changed == analysis.total == 11
    assert any("situation radicalement nouvelle" in w for w in analysis.warnings)


def test_it_warns_above_the_session_percentage(cast):
    cast.session.subject_max_changed_percent = 20
    cast.session.save(update_fields=["subject_max_changed_percent"])
    sheet = change(make_sheet(cast), contraintes="a", lieu="b", dates="c")  # 3/11 = 27 %
    assert any("situation radicalement nouvelle" in w for w in subjects.analyse_changes(sheet).warnings)


def test_warnings_never_block_saving(cast):
    sheet = make_sheet(cast)
    saved = subjects.save_subject_sheet(sheet=sheet, data={}, expected_version=1, actor=cast.teacher)
    assert saved.version == 2


def test_a_stale_version_is_refused_and_changes_nothing(cast):
    sheet = make_sheet(cast)
    change(sheet, contraintes="Premier membre.")
    with pytest.raises(StaleSubject) as conflict:
        subjects.save_subject_sheet(
            sheet=sheet, data={"candidate": {"contraintes": "Second membre."}}, expected_version=1, actor=cast.teacher
        )
    assert "modifiée par un autre membre" in conflict.value.message
    sheet.refresh_from_db()
    assert (sheet.version, sheet.candidate["contraintes"]) == (2, "Premier membre.")


def test_it_never_alters_the_students_fiche(cast):
    sheet = make_sheet(cast)
    fiche = sheet.dossier_fiche.fiche
    before = (fiche.recto, fiche.version, [v.content for v in fiche.versos.all()], fiche.updated_at)
    change(sheet, actor=None, **{code: "Nouveau." for code in CANDIDATE_CODES})
    fiche.refresh_from_db()
    assert (fiche.recto, fiche.version, [v.content for v in fiche.versos.all()], fiche.updated_at) == before


def test_saving_is_audited_with_the_changed_rubrics(cast):
    sheet = change(make_sheet(cast), contraintes="Budget réduit.")
    entry = AuditEntry.objects.filter(action="subject.saved").get()
    assert entry.changes["modifiees"] == {"candidate": ["contraintes"]}
    assert entry.object_id == str(sheet.pk)
    assert AuditEntry.objects.filter(action="subject.created").count() == 1


def test_changing_the_chosen_fiche_prefills_again(cast):
    sheet = change(make_sheet(cast), contraintes="Budget réduit.")
    event = subjects.dossier_fiches(sheet.commission, cast.student)[1]
    sheet = subjects.change_chosen_fiche(
        sheet=sheet, dossier_fiche=event, expected_version=sheet.version, actor=cast.teacher
    )
    assert (sheet.fiche_number, sheet.activity_kind, sheet.title) == (2, "event", "Salon de l'habitat")
    assert sheet.candidate["contraintes"] == "Texte de la rubrique difficultes."
    assert not ParameterChange.objects.filter(sheet=sheet).exists()
    assert AuditEntry.objects.filter(action="subject.fiche_changed").count() == 1


def test_part_rows_mark_the_changed_rubrics(cast):
    sheet = change(make_sheet(cast), contraintes="Budget réduit.")
    rows = {row["code"]: row for row in subjects.part_rows(sheet, "candidate")}
    assert rows["contraintes"]["changed"] and rows["contraintes"]["original"] == "Texte de la rubrique difficultes."
    assert not rows["lieu"]["changed"]
    assert rows["relation"]["help"].startswith("Objectif → Définir à quel moment")
    assert rows["acteurs_vous"]["sublabel"] == "VOUS :"
    assert set(rows["lieu"]) >= {"code", "label", "help", "text", "original", "changed"}
