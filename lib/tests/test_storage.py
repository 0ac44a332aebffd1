"""The tombstone storage: a deleted file stays at its path until the purge, after a grace period."""

import os
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from lib.models import PendingFileDeletion
from lib.storage import discard_file, purge_deleted_files
from passeport.services.evidence import add_evidence
from passeport.tests import evidence_samples as samples
from tests.factories import make_activity


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _file(name: str = "dossier/a.txt", content: bytes = b"one") -> str:
    return default_storage.save(name, ContentFile(content))


@pytest.mark.django_db
def test_delete_records_a_tombstone_and_keeps_the_file():
    name = _file()
    default_storage.delete(name)
    assert default_storage.exists(name)
    assert PendingFileDeletion.objects.get().name == name


@pytest.mark.django_db
def test_a_rolled_back_deletion_leaves_no_tombstone():
    name = _file()
    with pytest.raises(RuntimeError), transaction.atomic():
        default_storage.delete(name)
        raise RuntimeError("annulé")
    assert not PendingFileDeletion.objects.exists()


@pytest.mark.django_db
def test_the_purge_waits_for_the_grace_period():
    name = _file()
    default_storage.delete(name)
    later = timezone.now() + timedelta(hours=47)
    assert purge_deleted_files(grace=timedelta(hours=48), now=later).removed == 0
    assert default_storage.exists(name)
    result = purge_deleted_files(grace=timedelta(hours=48), now=later + timedelta(hours=2))
    assert result.removed == 1
    assert not default_storage.exists(name)
    assert not PendingFileDeletion.objects.exists()


@pytest.mark.django_db
def test_a_name_deleted_then_saved_again_is_overwritten_and_no_longer_purged():
    name = _file(content=b"old")
    default_storage.delete(name)
    assert default_storage.save(name, ContentFile(b"new")) == name
    assert default_storage.open(name).read() == b"new"
    assert not PendingFileDeletion.objects.exists()
    assert sorted(os.listdir(default_storage.path("dossier"))) == ["a.txt"]


@pytest.mark.django_db
def test_the_purge_keeps_a_file_rewritten_after_its_deletion():
    name = _file()
    default_storage.delete(name)
    PendingFileDeletion.objects.update(requested_at=timezone.now() - timedelta(days=3))
    assert purge_deleted_files().kept == 1
    assert default_storage.exists(name)
    assert not PendingFileDeletion.objects.exists()


def test_the_purge_keeps_a_file_a_row_names_again(cast):
    evidence = add_evidence(
        activity=make_activity(cast.student),
        uploaded_file=samples.upload("a.pdf", samples.PDF_BYTES),
        actor=cast.student.user,
    )
    # A tombstone for a file the database still names: e.g. a restore of a backup taken before the deletion.
    PendingFileDeletion.objects.create(name=evidence.file.name, requested_at=timezone.now() + timedelta(days=1))
    result = purge_deleted_files(grace=timedelta(0), now=timezone.now() + timedelta(days=2))
    assert (result.removed, result.kept) == (0, 1)
    assert default_storage.exists(evidence.file.name)


@pytest.mark.django_db
def test_the_command_refuses_a_grace_shorter_than_a_backup():
    with pytest.raises(CommandError, match="au moins 1"):
        call_command("purge_deleted_files", "--grace-hours", "0")


@pytest.mark.django_db
def test_the_command_purges_old_deletions(capsys):
    name = _file()
    default_storage.delete(name)
    PendingFileDeletion.objects.update(requested_at=timezone.now() - timedelta(days=3))
    os.utime(default_storage.path(name), (0, 0))
    call_command("purge_deleted_files")
    assert "1 fichier(s) supprimé(s)" in capsys.readouterr().out
    assert not default_storage.exists(name)


@pytest.mark.django_db
def test_a_file_a_failed_operation_wrote_is_discarded_at_once():
    # No committed row ever named it: no backup can need it, so it does not wait for the purge.
    name = _file()
    discard_file(default_storage, name)
    assert not default_storage.exists(name)
    assert not PendingFileDeletion.objects.exists()


@pytest.mark.django_db
def test_discarding_a_file_already_deleted_by_a_row_keeps_it_for_the_grace_period():
    name = _file()
    default_storage.delete(name)
    discard_file(default_storage, name)
    assert default_storage.exists(name)
