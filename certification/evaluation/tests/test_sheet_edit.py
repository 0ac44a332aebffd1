"""The evaluation sheet page: members write the verso (optimistic locking), administrators read it."""

import datetime

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from certification.evaluation.services.sheets import SheetError, SituationEntry, save_sheet
from certification.models import DossierFiche, EvaluationSheet, SituationAppraisal
from tests.factories_certification_commissions import make_commission, make_convocation, step_of
from tests.factories_certification_dossiers import complete_dossier
from tests.factories_certification_sheets import make_result, make_sheet, sign
from tests.factories_certification_subjects import make_sheet as make_subject_sheet


def _url(commission, student):
    return reverse("certification:evaluation_sheet", args=[commission.pk, student.pk])


def _post(client, commission, student, version=0, **overrides):
    data = {"version": version, "date_A": "2027-05-20", "text_A": "Bonne analyse.", "date_B": "", "text_B": ""}
    data.update(overrides)
    return client.post(_url(commission, student), data)


def test_a_member_saves_the_appraisals_and_it_is_audited(cast, login):
    commission = make_commission(cast)
    response = _post(login(cast.teacher), commission, cast.student)
    assert response.status_code == 302
    sheet = EvaluationSheet.objects.get(commission=commission, student=cast.student)
    assert sheet.version == 1
    appraisal = SituationAppraisal.objects.get(sheet=sheet, situation__code="A")
    assert appraisal.text == "Bonne analyse."
    assert appraisal.date == datetime.date(2027, 5, 20)
    assert AuditEntry.objects.filter(action="evaluation_sheet.saved", actor=cast.teacher).count() == 1


def test_saving_without_change_keeps_the_version(cast, login):
    commission = make_commission(cast)
    client = login(cast.teacher)
    _post(client, commission, cast.student)
    _post(client, commission, cast.student, version=1)
    assert EvaluationSheet.objects.get(commission=commission).version == 1


def test_a_stale_save_is_refused_and_keeps_the_members_text(cast, login):
    commission = make_commission(cast)
    make_sheet(commission, cast.student, {"A": "Texte d'un autre membre."})
    response = _post(login(cast.teacher), commission, cast.student, version=0, text_A="Mon appréciation à moi.")
    assert response.status_code == 200
    html = response.content.decode()
    assert "modifiée par un autre membre" in html
    assert "Mon appréciation à moi." in html
    assert "Texte d&#x27;un autre membre." in html
    assert SituationAppraisal.objects.get(sheet__commission=commission, situation__code="A").text == (
        "Texte d'un autre membre."
    )
    # The form now carries the current version: saving again on purpose goes through.
    assert 'name="version" value="1"' in html


def test_a_locked_sheet_refuses_writes(cast, login):
    commission = make_commission(cast)
    make_result(commission, cast.student, locked_at=datetime.datetime(2027, 6, 5, tzinfo=datetime.UTC))
    sheet = make_sheet(commission, cast.student)
    response = _post(login(cast.teacher), commission, cast.student, version=sheet.version, text_A="Changement")
    assert response.status_code == 302
    assert SituationAppraisal.objects.get(sheet=sheet, situation__code="A").text != "Changement"


def test_the_date_defaults_to_the_step_the_candidate_was_informed_of(cast, login):
    commission = make_commission(cast)
    make_convocation(step_of(commission, "B"), cast.student)
    response = login(cast.teacher).get(_url(commission, cast.student))
    assert 'name="date_B" value="2027-06-03"' in response.content.decode()


def test_situation_b_of_e4_uses_one_of_the_candidates_dossier_fiches(cast, login):
    commission = make_commission(cast)
    fiche = complete_dossier(cast.student).items.order_by("order").last().fiche
    _post(login(cast.teacher), commission, cast.student, fiche_B=fiche.pk, text_B="Simulation réussie.")
    appraisal = SituationAppraisal.objects.get(sheet__commission=commission, situation__code="B")
    assert appraisal.fiche == fiche


def test_a_fiche_of_another_student_is_refused(cast, login):
    commission = make_commission(cast)
    complete_dossier(cast.student)
    foreign = complete_dossier(cast.student2).items.first().fiche
    response = _post(login(cast.teacher), commission, cast.student, fiche_B=foreign.pk)
    assert response.status_code == 200
    assert not EvaluationSheet.objects.filter(commission=commission).exists()


def test_the_page_shows_the_mark_read_only_with_a_link_to_the_profiles(cast, login):
    commission = make_commission(cast)
    make_result(commission, cast.student, "13")
    html = login(cast.teacher).get(_url(commission, cast.student)).content.decode()
    assert "NOTE sur 20 : 13" in html
    assert reverse("certification:profiles", args=[commission.pk]) in html
    assert 'name="mark"' not in html


def test_an_administrator_reads_without_a_form(cast, login):
    commission = make_commission(cast)
    make_sheet(commission, cast.student)
    response = login(cast.admin).get(_url(commission, cast.student))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<textarea" not in html
    assert "Ciblage pertinent" in html


def test_a_signature_given_before_a_change_is_shown_to_renew(cast, login):
    commission = make_commission(cast)
    make_result(commission, cast.student)
    sheet = make_sheet(commission, cast.student)
    sign(sheet, commission.members.get(user=cast.teacher))
    _post(login(cast.teacher), commission, cast.student, version=sheet.version, text_A="Appréciation revue.")
    html = login(cast.teacher).get(_url(commission, cast.student)).content.decode()
    assert "signature à renouveler" in html


def test_e6_situation_a_offers_the_real_lived_fiches_and_b_lists_the_others(cast, login):
    commission = make_commission(cast, "E6")
    complete_dossier(cast.student, "E6")
    html = login(cast.teacher).get(_url(commission, cast.student)).content.decode()
    assert 'name="fiche_A"' in html
    assert 'name="fiche_B"' not in html
    assert "Réseau de distributeurs (Animation de réseau de distributeurs)" in html
    assert "Fiches de la situation B : N° 2 – Réseau de partenaires" in html


def _subject_on_second_fiche(cast):
    """A fiche sujet written from the second fiche of the candidate's deposited dossier."""
    subject = make_subject_sheet(cast, index=1)
    return subject.commission, subject.dossier_fiche.fiche


def test_situation_b_shows_and_preselects_the_fiche_of_the_fiche_sujet(cast, login):
    commission, fiche = _subject_on_second_fiche(cast)
    html = login(cast.teacher).get(_url(commission, cast.student)).content.decode()
    assert f'<option value="{fiche.pk}" selected>' in html
    other = DossierFiche.objects.filter(dossier__student=cast.student).exclude(fiche=fiche).first().fiche
    assert f'<option value="{other.pk}"' not in html
    assert "Aucune fiche sujet n&#x27;est encore rédigée" not in html


def test_a_save_naming_another_fiche_than_the_fiche_sujets_is_refused(cast, login):
    commission, fiche = _subject_on_second_fiche(cast)
    client = login(cast.teacher)
    _post(client, commission, cast.student, fiche_B=fiche.pk, text_B="Simulation réussie.")
    sheet = EvaluationSheet.objects.get(commission=commission)
    other = DossierFiche.objects.filter(dossier__student=cast.student).exclude(fiche=fiche).first().fiche
    response = _post(client, commission, cast.student, version=sheet.version, fiche_B=other.pk, text_B="Autre.")
    html = response.content.decode()
    assert response.status_code == 200
    assert "la fiche sujet de ce candidat a été rédigée à partir de la fiche N°" in html
    assert "rien n&#x27;a été enregistré" in html
    appraisal = SituationAppraisal.objects.get(sheet=sheet, situation__code="B")
    assert (appraisal.fiche, appraisal.text) == (fiche, "Simulation réussie.")
    assert EvaluationSheet.objects.get(pk=sheet.pk).version == sheet.version


def test_the_service_refuses_another_fiche_than_the_fiche_sujets(cast):
    commission, fiche = _subject_on_second_fiche(cast)
    other = DossierFiche.objects.filter(dossier__student=cast.student).exclude(fiche=fiche).first().fiche
    entries = {"B": SituationEntry(date=None, text="Autre.", fiche=other)}
    with pytest.raises(SheetError, match="fiche sujet"):
        save_sheet(commission=commission, student=cast.student, version=0, entries=entries, actor=cast.teacher)
    assert not EvaluationSheet.objects.filter(commission=commission).exists()


def test_without_a_fiche_named_situation_b_records_the_fiche_sujets(cast, login):
    commission, fiche = _subject_on_second_fiche(cast)
    _post(login(cast.teacher), commission, cast.student, text_B="Simulation réussie.")
    assert SituationAppraisal.objects.get(sheet__commission=commission, situation__code="B").fiche == fiche


def test_without_a_fiche_sujet_the_sheet_warns(cast, login):
    commission = make_commission(cast)
    complete_dossier(cast.student)
    html = login(cast.teacher).get(_url(commission, cast.student)).content.decode()
    assert "Aucune fiche sujet n&#x27;est encore rédigée pour ce candidat" in html
