import pytest

from audit.models import AuditEntry
from passeport.rubrics import fiche_definition
from passeport.services.fiches import create_fiche
from referentiel.models import FicheKind
from tests.factories import exam, make_activity, make_fiche

pytestmark = pytest.mark.django_db


def _kind(student, exam_code, code):
    return FicheKind.objects.get(exam=exam(exam_code, student), code=code)


def test_an_e4_fiche_starts_with_empty_rubrics_and_one_empty_verso(cast):
    activity = make_activity(cast.student)

    fiche = create_fiche(
        activity=activity, author=cast.student.user, kind=_kind(cast.student, "E4", "nego-vente"), title="  Salon  "
    )

    form = fiche_definition(fiche.forms_session, "E4")
    assert fiche.title == "Salon"
    assert fiche.exam.code == "E4" and fiche.number == 1
    assert fiche.forms_session == cast.student.cohort.exam_session.forms_session
    assert fiche.real_lived is None
    assert set(fiche.recto) == {r.code for r in form.part("recto")}
    assert not any(fiche.recto.values())
    verso = fiche.versos.get()
    assert verso.order == 1 and not any(verso.content.values())
    assert fiche.versions.get().number == 1
    assert AuditEntry.objects.filter(action="fiche.created", object_id=str(fiche.pk)).exists()


def test_the_number_follows_the_students_fiches_of_the_same_exam(cast):
    make_fiche(cast.student, number=1)
    make_fiche(cast.student, number=3)
    make_fiche(cast.student, exam_code="E6", kind_code="partenaires", number=1)
    make_fiche(cast.student2, number=7)

    fiche = create_fiche(
        activity=make_activity(cast.student),
        author=cast.student.user,
        kind=_kind(cast.student, "E4", "evenement"),
        title="Journée portes ouvertes",
    )

    assert fiche.number == 4


def test_an_e6_fiche_has_no_verso_and_keeps_the_real_lived_flag(cast):
    fiche = create_fiche(
        activity=make_activity(cast.student),
        author=cast.student.user,
        kind=_kind(cast.student, "E6", "distributeurs"),
        title="Implantation en GMS",
        real_lived=True,
    )

    assert fiche.exam.code == "E6"
    assert fiche.real_lived is True
    assert not fiche.versos.exists()
