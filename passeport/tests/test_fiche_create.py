import pytest
from django.urls import reverse

from passeport.models import Fiche
from referentiel.models import FicheKind
from tests.factories import exam, make_activity

pytestmark = pytest.mark.django_db


def _kind(student, exam_code, code):
    return FicheKind.objects.get(exam=exam(exam_code, student), code=code)


def test_it_offers_the_official_kinds_of_both_exams(cast, login):
    activity = make_activity(cast.student)

    response = login(cast.student).get(reverse("passeport:fiche_create", args=[activity.pk]))

    assert response.status_code == 200
    for label in [
        "Négociation Vente et Accompagnement de la Relation Client",
        "Organisation et Animation d’un Évènement commercial",
        "Animation de réseau de distributeurs",
        "Animation de réseau de partenaires",
        "Animation de réseau de vente directe",
        "Activité(s) réelle(s) vécue(s)",
        "TITRE",
    ]:
        assert label in response.content.decode()


def test_it_creates_the_fiche_and_opens_the_editor(cast, login):
    activity = make_activity(cast.student)
    kind = _kind(cast.student, "E4", "nego-vente")

    response = login(cast.student).post(
        reverse("passeport:fiche_create", args=[activity.pk]), {"kind": kind.pk, "title": "Contrat d'entretien"}
    )

    fiche = Fiche.objects.get(activity=activity)
    assert response.status_code == 302
    assert response.url == reverse("passeport:fiche_edit", args=[fiche.pk])
    assert fiche.kind == kind and fiche.number == 1 and fiche.versos.count() == 1


def test_an_e6_fiche_needs_the_real_lived_answer(cast, login):
    activity = make_activity(cast.student)
    kind = _kind(cast.student, "E6", "vente-directe")

    response = login(cast.student).post(
        reverse("passeport:fiche_create", args=[activity.pk]), {"kind": kind.pk, "title": "Réunion à domicile"}
    )

    assert response.status_code == 200
    assert "indiquez si l&#x27;activité est réelle vécue" in response.content.decode()
    assert not Fiche.objects.exists()


def test_an_e6_fiche_records_the_real_lived_answer(cast, login):
    activity = make_activity(cast.student)
    kind = _kind(cast.student, "E6", "vente-directe")

    login(cast.student).post(
        reverse("passeport:fiche_create", args=[activity.pk]),
        {"kind": kind.pk, "title": "Réunion à domicile", "real_lived": "non"},
    )

    assert Fiche.objects.get().real_lived is False


def test_a_title_is_required(cast, login):
    activity = make_activity(cast.student)
    kind = _kind(cast.student, "E4", "evenement")

    response = login(cast.student).post(reverse("passeport:fiche_create", args=[activity.pk]), {"kind": kind.pk})

    assert response.status_code == 200
    assert not Fiche.objects.exists()


def test_a_teacher_cannot_create_a_fiche_for_a_student(cast, login):
    activity = make_activity(cast.student)

    response = login(cast.teacher).get(reverse("passeport:fiche_create", args=[activity.pk]))

    assert response.status_code == 403


def test_another_student_gets_a_404(cast, login):
    activity = make_activity(cast.student)

    response = login(cast.student2).get(reverse("passeport:fiche_create", args=[activity.pk]))

    assert response.status_code == 404
