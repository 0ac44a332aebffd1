"""composition_defects: every composition defect is detected and reported in French; none blocks anything."""

from certification.dossiers.services import composition
from certification.dossiers.services.composition import composition_defects, selection_defects
from certification.models import Dossier, DossierFiche
from referentiel.models import ExamRule
from tests.factories import exam, make_fiche
from tests.factories_certification_dossiers import (
    complete_dossier,
    e4_fiches,
    e6_fiches,
    make_dossier,
    make_internship,
)


def _codes(dossier) -> list[str]:
    return [d.code for d in composition_defects(dossier)]


def test_a_complete_e4_dossier_has_no_defect(cast):
    assert composition_defects(complete_dossier(cast.student, "E4")) == []


def test_a_complete_e6_dossier_has_no_defect(cast):
    assert composition_defects(complete_dossier(cast.student, "E6")) == []


def test_it_flags_a_missing_fiche(cast):
    nego, _ = e4_fiches(cast.student)
    dossier = make_dossier(cast.student, fiches=[nego], internships=[make_internship(cast.student)])

    defects = composition_defects(dossier)

    assert [d.code for d in defects] == [composition.MISSING_FICHE, composition.MISSING_KIND]
    assert "1 fiche dans le dossier pour 2 attendues" in defects[0].message
    assert "« " in defects[1].message


def test_it_flags_two_fiches_of_the_same_kind(cast):
    fiches = [make_fiche(cast.student, kind_code="nego-vente"), make_fiche(cast.student, kind_code="nego-vente")]
    dossier = make_dossier(cast.student, fiches=fiches, internships=[make_internship(cast.student)])

    assert _codes(dossier) == [composition.DUPLICATE_KIND, composition.MISSING_KIND]


def test_two_versos_of_one_fiche_count_as_two_fiches_of_the_same_kind(cast):
    fiche = make_fiche(cast.student, kind_code="nego-vente")
    second = fiche.versos.create(order=2, content={})
    dossier = make_dossier(cast.student, fiches=[fiche], internships=[make_internship(cast.student)])
    DossierFiche.objects.create(dossier=dossier, fiche=fiche, verso=second, order=2)

    assert _codes(dossier) == [composition.DUPLICATE_KIND, composition.MISSING_KIND]


def test_it_flags_too_many_fiches(cast):
    fiches = [*e4_fiches(cast.student), make_fiche(cast.student, kind_code="evenement")]
    dossier = make_dossier(cast.student, fiches=fiches, internships=[make_internship(cast.student)])

    defects = composition_defects(dossier)

    assert [d.code for d in defects] == [composition.TOO_MANY_FICHES, composition.DUPLICATE_KIND]
    assert "3 fiches dans le dossier, pour 2 attendues" in defects[0].message


def test_it_flags_an_e6_dossier_without_a_real_lived_fiche(cast):
    fiches = e6_fiches(cast.student)
    fiches[0].real_lived = False
    fiches[0].save(update_fields=["real_lived"])
    dossier = make_dossier(cast.student, "E6", fiches=fiches, internships=[make_internship(cast.student)])

    defects = composition_defects(dossier)

    assert [d.code for d in defects] == [composition.REAL_LIVED_MISSING]
    assert "réelle vécue" in defects[0].message


def test_it_flags_a_fiche_of_another_exam(cast):
    e6 = make_fiche(cast.student, exam_code="E6", kind_code="partenaires", real_lived=True, title="Réseau")
    dossier = make_dossier(
        cast.student, fiches=[*e4_fiches(cast.student), e6], internships=[make_internship(cast.student)]
    )

    defects = composition_defects(dossier)

    assert [d.code for d in defects] == [composition.FICHE_OUTSIDE_EXAM]
    assert "« Réseau »" in defects[0].message


def test_it_flags_a_dossier_without_attestation(cast):
    dossier = make_dossier(cast.student, fiches=e4_fiches(cast.student))

    assert _codes(dossier) == [composition.NO_ATTESTATION]


def test_it_flags_a_period_without_its_attestation_file(cast):
    periods = [make_internship(cast.student), make_internship(cast.student, with_file=False, organisation="Magasin")]
    dossier = make_dossier(cast.student, fiches=e4_fiches(cast.student), internships=periods)

    defects = composition_defects(dossier)

    assert [d.code for d in defects] == [composition.ATTESTATION_FILE_MISSING]
    assert "Magasin" in defects[0].message


def test_an_unsaved_dossier_counts_as_an_empty_selection(cast):
    unsaved = Dossier(student=cast.student, exam=exam("E6", cast.student), session=cast.session)

    codes = _codes(unsaved)

    assert codes[0] == composition.MISSING_FICHE
    assert codes.count(composition.MISSING_KIND) == 3
    assert composition.REAL_LIVED_MISSING in codes
    assert codes[-1] == composition.NO_ATTESTATION


def test_a_draft_selection_can_be_checked_before_any_save(cast):
    the_exam = exam("E4", cast.student)
    rule = ExamRule.objects.get(session=cast.session, exam=the_exam)

    defects = selection_defects(
        exam=the_exam, rule=rule, fiches=e4_fiches(cast.student), internships=[make_internship(cast.student)]
    )

    assert defects == []
