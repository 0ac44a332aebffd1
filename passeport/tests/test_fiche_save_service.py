import datetime

import pytest
import time_machine
from django.utils import timezone

from audit.models import AuditEntry
from passeport.models import FicheVersion
from passeport.rubrics import fiche_definition
from passeport.services.fiches import AUTOSAVE_COALESCE, save_fiche
from tests.factories import make_fiche

pytestmark = pytest.mark.django_db


def _content(fiche, text="Nouveau texte {code}."):
    form = fiche_definition(fiche.forms_session, fiche.exam.code)
    recto = {r.code: text.format(code=r.code) for r in form.part("recto")}
    versos = [{r.code: text.format(code=r.code) for r in form.part("verso")} for _ in fiche.versos.all()]
    return recto, versos


def _save(fiche, user, *, base=None, text="Nouveau texte {code}.", title="Titre", autosave=False):
    fiche.refresh_from_db()
    recto, versos = _content(fiche, text)
    return save_fiche(
        fiche=fiche,
        author=user,
        base_version=fiche.version if base is None else base,
        title=title,
        recto=recto,
        versos=versos,
        autosave=autosave,
    )


def test_a_save_writes_every_rubric_and_bumps_the_version(cast):
    fiche = make_fiche(cast.student)

    result = _save(fiche, cast.student.user, text="Écrit {code}.")

    fiche.refresh_from_db()
    assert result.status == "saved"
    assert fiche.version == 2
    assert fiche.title == "Titre"
    assert fiche.recto["historique"] == "Écrit historique."
    assert fiche.versos.get().content["demarche"] == "Écrit demarche."
    assert result.snapshot.number == 2 and not result.snapshot.is_autosave
    assert result.snapshot.versos[0]["demarche"] == "Écrit demarche."


def test_a_manual_save_is_audited_with_the_changed_rubrics_but_not_their_text(cast):
    fiche = make_fiche(cast.student)

    _save(fiche, cast.student.user, text="Secret {code}.")

    entry = AuditEntry.objects.get(action="fiche.saved")
    assert entry.changes["version"] == [1, 2]
    assert "historique" in entry.changes["rubriques"]
    assert "Secret" not in str(entry.changes)


def test_saving_is_never_blocked_by_length(cast):
    fiche = make_fiche(cast.student)
    long_text = "mot " * 20000

    result = _save(fiche, cast.student.user, text=long_text)

    fiche.refresh_from_db()
    assert result.status == "saved"
    assert fiche.recto["phases"] == long_text


def test_line_endings_are_stored_as_plain_newlines(cast):
    fiche = make_fiche(cast.student)

    _save(fiche, cast.student.user, text="Ligne 1\r\nLigne 2")

    fiche.refresh_from_db()
    assert fiche.recto["phases"] == "Ligne 1\nLigne 2"


def test_a_stale_save_does_not_overwrite_and_keeps_the_text_as_a_conflict_copy(cast):
    fiche = make_fiche(cast.student)
    _save(fiche, cast.student.user, text="Onglet 1 {code}.")

    result = _save(fiche, cast.student.user, base=1, text="Onglet 2 {code}.", title="Autre titre")

    fiche.refresh_from_db()
    assert result.is_conflict
    assert fiche.version == 2
    assert fiche.recto["phases"] == "Onglet 1 phases."
    copy = result.snapshot
    assert copy.is_conflict and copy.number == 1
    assert copy.title == "Autre titre"
    assert copy.recto["phases"] == "Onglet 2 phases."
    assert copy.versos[0]["demarche"] == "Onglet 2 demarche."
    assert AuditEntry.objects.filter(action="fiche.conflict").count() == 1


def test_an_identical_double_submit_counts_as_already_saved(cast):
    fiche = make_fiche(cast.student)
    _save(fiche, cast.student.user, text="Même texte {code}.")

    result = _save(fiche, cast.student.user, base=1, text="Même texte {code}.")

    assert result.status == "unchanged"
    assert not result.is_conflict
    assert result.version == 2
    assert not FicheVersion.objects.filter(fiche=fiche, is_conflict=True).exists()


def test_version_numbers_follow_each_save(cast):
    fiche = make_fiche(cast.student)

    numbers = [_save(fiche, cast.student.user, text=f"Version {n} {{code}}").version for n in range(3)]

    assert numbers == [2, 3, 4]
    assert list(fiche.versions.order_by("pk").values_list("number", flat=True)) == [2, 3, 4]


def test_a_manual_save_always_adds_a_snapshot(cast):
    fiche = make_fiche(cast.student)

    _save(fiche, cast.student.user, text="Texte {code}")
    _save(fiche, cast.student.user, text="Texte {code}")

    assert fiche.versions.filter(is_autosave=False).count() == 2


def test_autosaves_of_one_author_within_two_minutes_update_one_snapshot(cast):
    fiche = make_fiche(cast.student)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _save(fiche, cast.student.user, text="Premier jet {code}", autosave=True)
    with time_machine.travel(start + datetime.timedelta(seconds=40), tick=False):
        result = _save(fiche, cast.student.user, text="Deuxième jet {code}", autosave=True)

    snapshots = list(fiche.versions.all())
    assert len(snapshots) == 1
    assert snapshots[0].is_autosave
    assert snapshots[0].number == result.version == 3
    assert snapshots[0].recto["phases"] == "Deuxième jet phases"
    assert not AuditEntry.objects.filter(action="fiche.saved").exists()


def test_an_autosave_after_the_window_adds_a_new_snapshot(cast):
    fiche = make_fiche(cast.student)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _save(fiche, cast.student.user, text="Premier jet {code}", autosave=True)
    with time_machine.travel(start + AUTOSAVE_COALESCE + datetime.timedelta(seconds=1), tick=False):
        _save(fiche, cast.student.user, text="Plus tard {code}", autosave=True)

    assert fiche.versions.filter(is_autosave=True).count() == 2


def test_an_autosave_after_a_manual_save_does_not_rewrite_the_manual_snapshot(cast):
    fiche = make_fiche(cast.student)
    _save(fiche, cast.student.user, text="Manuel {code}")

    _save(fiche, cast.student.user, text="Auto {code}", autosave=True)

    manual, auto = fiche.versions.order_by("pk")
    assert manual.recto["phases"] == "Manuel phases" and not manual.is_autosave
    assert auto.recto["phases"] == "Auto phases" and auto.is_autosave


def test_an_autosave_with_nothing_new_writes_nothing(cast):
    fiche = make_fiche(cast.student)
    _save(fiche, cast.student.user, text="Texte {code}")

    result = _save(fiche, cast.student.user, text="Texte {code}", autosave=True)

    assert result.status == "unchanged"
    assert result.version == 2
    assert fiche.versions.count() == 1


def test_a_shorter_verso_list_leaves_the_other_versos_alone(cast):
    fiche = make_fiche(cast.student)
    second = fiche.versos.create(order=2, content={"demarche": "Deuxième verso"})
    recto, versos = _content(fiche, "Nouveau {code}")

    save_fiche(fiche=fiche, author=cast.student.user, base_version=1, title="T", recto=recto, versos=versos[:1])

    second.refresh_from_db()
    assert second.content == {"demarche": "Deuxième verso"}
    assert fiche.versos.get(order=1).content["demarche"] == "Nouveau demarche"
