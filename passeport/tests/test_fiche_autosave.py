import pytest
from django.urls import reverse

from passeport.models import FicheVersion
from passeport.rubrics import fiche_definition
from tests.factories import make_fiche

pytestmark = pytest.mark.django_db


def _url(fiche):
    return reverse("passeport:fiche_autosave", args=[fiche.pk])


def _data(fiche, text, base):
    form = fiche_definition(fiche.forms_session, fiche.exam.code)
    data = {"base_version": base, "title": fiche.title, "kind": fiche.kind_id}
    data.update({f"recto__{r.code}": text.format(code=r.code) for r in form.part("recto")})
    data.update({f"verso_1__{r.code}": text.format(code=r.code) for r in form.part("verso")})
    return data


def test_it_saves_and_answers_the_new_version(cast, login):
    fiche = make_fiche(cast.student)

    response = login(cast.student).post(_url(fiche), _data(fiche, "Auto {code}", 1))

    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "saved" and body["version"] == 2
    assert len(body["saved_at_display"]) == 5
    fiche.refresh_from_db()
    assert fiche.recto["phases"] == "Auto phases"
    assert fiche.versions.get().is_autosave


def test_a_stale_autosave_answers_409_in_french_and_keeps_the_text(cast, login):
    fiche = make_fiche(cast.student)
    client = login(cast.student)
    client.post(_url(fiche), _data(fiche, "Onglet un {code}", 1))

    response = client.post(_url(fiche), _data(fiche, "Onglet deux {code}", 1))

    body = response.json()
    assert response.status_code == 409
    assert body["status"] == "conflict"
    assert "Votre texte n'a pas été perdu" in body["message"]
    copy = FicheVersion.objects.get(fiche=fiche, is_conflict=True)
    assert copy.recto["phases"] == "Onglet deux phases"
    assert body["conflict_url"] == reverse("passeport:fiche_version_diff", args=[fiche.pk, copy.pk])
    fiche.refresh_from_db()
    assert fiche.recto["phases"] == "Onglet un phases"


def test_it_refuses_a_request_without_base_version_with_a_french_message(cast, login):
    fiche = make_fiche(cast.student)
    data = _data(fiche, "x", 1)
    del data["base_version"]

    response = login(cast.student).post(_url(fiche), data)

    assert response.status_code == 400
    assert "Version de départ manquante" in response.json()["message"]


def test_only_the_student_autosaves(cast, login):
    fiche = make_fiche(cast.student)

    assert login(cast.teacher).post(_url(fiche), _data(fiche, "x", 1)).status_code == 403
    assert login(cast.student2).post(_url(fiche), _data(fiche, "x", 1)).status_code == 404
    fiche.refresh_from_db()
    assert fiche.version == 1


def test_get_is_not_allowed(cast, login):
    fiche = make_fiche(cast.student)

    assert login(cast.student).get(_url(fiche)).status_code == 405
