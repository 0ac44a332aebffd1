import pytest
from django.urls import reverse

from passeport.models import FicheVersion
from passeport.rubrics import fiche_definition
from tests.factories import make_fiche

pytestmark = pytest.mark.django_db


def _url(fiche):
    return reverse("passeport:fiche_add_verso", args=[fiche.pk])


def test_it_adds_an_empty_verso_and_opens_it_in_the_editor(cast, login):
    fiche = make_fiche(cast.student)

    response = login(cast.student).post(_url(fiche))

    assert response.status_code == 302
    assert response.url == reverse("passeport:fiche_edit", args=[fiche.pk]) + "#verso-2"
    assert not any(fiche.versos.get(order=2).content.values())


def test_the_text_being_typed_is_saved_before_the_verso_is_added(cast, login):
    fiche = make_fiche(cast.student)
    form = fiche_definition(fiche.forms_session, "E4")
    data = {"base_version": 1, "title": fiche.title, "kind": fiche.kind_id}
    data.update({f"recto__{r.code}": "Tapé" for r in form.part("recto")})
    data.update({f"verso_1__{r.code}": "Tapé au verso" for r in form.part("verso")})

    login(cast.student).post(_url(fiche), data)

    fiche.refresh_from_db()
    assert fiche.recto["phases"] == "Tapé"
    assert fiche.versos.get(order=1).content["demarche"] == "Tapé au verso"
    assert fiche.versos.count() == 2
    assert fiche.version == 3


def test_a_stale_editor_gets_the_conflict_page_and_no_verso(cast, login):
    fiche = make_fiche(cast.student)
    fiche.version = 4
    fiche.save()
    data = {"base_version": 1, "title": "Vieux titre", "kind": fiche.kind_id, "recto__phases": "Vieux texte"}

    response = login(cast.student).post(_url(fiche), data)

    assert response.status_code == 409
    assert fiche.versos.count() == 1
    assert FicheVersion.objects.get(is_conflict=True).recto["phases"] == "Vieux texte"


def test_an_e6_fiche_has_no_verso(cast, login):
    fiche = make_fiche(cast.student, exam_code="E6", kind_code="partenaires", real_lived=True)

    response = login(cast.student).post(_url(fiche))

    assert response.status_code == 400
    assert "n'a pas de verso" in response.content.decode()


def test_only_the_student_adds_a_verso(cast, login):
    fiche = make_fiche(cast.student)

    assert login(cast.teacher).post(_url(fiche)).status_code == 403
    assert login(cast.student2).post(_url(fiche)).status_code == 404
    assert fiche.versos.count() == 1
