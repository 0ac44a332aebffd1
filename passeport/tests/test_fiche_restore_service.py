import pytest

from passeport.models import FicheVersion
from passeport.services.fiches import restore_fiche_version
from tests.factories import make_fiche

pytestmark = pytest.mark.django_db


def _version(fiche, user, text, **fields):
    return FicheVersion.objects.create(
        fiche=fiche,
        number=fields.pop("number", 1),
        title=fields.pop("title", "Ancien titre"),
        recto={"phases": text},
        versos=[{"demarche": text}],
        author=user,
        **fields,
    )


def test_restoring_a_version_makes_it_the_current_text_as_a_new_version(cast):
    fiche = make_fiche(cast.student, text="Actuel {code}")
    old = _version(fiche, cast.student.user, "Ancien texte", is_conflict=True)

    result = restore_fiche_version(fiche=fiche, version=old, author=cast.student.user, base_version=1)

    fiche.refresh_from_db()
    assert result.status == "saved"
    assert fiche.version == 2
    assert fiche.title == "Ancien titre"
    assert fiche.recto["phases"] == "Ancien texte"
    assert fiche.recto["historique"] == ""
    assert fiche.versos.get().content["demarche"] == "Ancien texte"


def test_restoring_from_a_stale_page_changes_nothing(cast):
    fiche = make_fiche(cast.student, text="Actuel {code}")
    old = _version(fiche, cast.student.user, "Ancien texte")
    fiche.version = 5
    fiche.save()

    result = restore_fiche_version(fiche=fiche, version=old, author=cast.student.user, base_version=4)

    fiche.refresh_from_db()
    assert result.is_conflict
    assert fiche.recto["phases"] == "Actuel phases"
    assert fiche.versions.count() == 1
