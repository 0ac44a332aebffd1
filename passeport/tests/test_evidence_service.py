"""add_evidence and delete_evidence: checked content, random names on disk, audit, files kept for a grace period."""

import hashlib
from datetime import timedelta

import pytest

from audit.models import AuditEntry
from lib.models import PendingFileDeletion
from lib.storage import purge_deleted_files
from passeport.models import Evidence
from passeport.services.evidence import EvidenceRefused, add_evidence, delete_evidence
from passeport.tests import evidence_samples as samples
from tests.factories import make_activity


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_it_stores_the_file_under_a_random_name_with_the_detected_type(cast):
    activity = make_activity(cast.student)
    evidence = add_evidence(
        activity=activity,
        uploaded_file=samples.upload("Bon de commande.pdf", samples.PDF_BYTES),
        actor=cast.student.user,
    )
    assert evidence.original_name == "Bon de commande.pdf"
    assert evidence.content_type == "application/pdf"
    assert evidence.size == len(samples.PDF_BYTES)
    assert evidence.sha256 == hashlib.sha256(samples.PDF_BYTES).hexdigest()
    assert evidence.file.name.startswith(f"evidence/{cast.student.pk}/")
    assert "Bon" not in evidence.file.name and evidence.file.name.endswith(".pdf")
    with evidence.file.open("rb") as stored:
        assert stored.read() == samples.PDF_BYTES
    entry = AuditEntry.objects.get(action="evidence.added")
    assert entry.establishment_id == cast.establishment.pk
    assert entry.changes["sha256"] == evidence.sha256


def test_the_stored_extension_follows_the_content_not_the_name(cast):
    evidence = add_evidence(
        activity=make_activity(cast.student),
        uploaded_file=samples.upload("photo.pdf", samples.image_bytes("PNG")),
        actor=cast.student.user,
    )
    assert evidence.content_type == "image/png"
    assert evidence.file.name.endswith(".png")


def test_an_executable_renamed_pdf_is_refused_and_nothing_is_stored(cast, private_media):
    activity = make_activity(cast.student)
    with pytest.raises(EvidenceRefused, match="n'est pas d'un type accepté"):
        add_evidence(
            activity=activity, uploaded_file=samples.upload("devoir.pdf", samples.EXE_BYTES), actor=cast.student.user
        )
    assert not Evidence.objects.exists()
    assert samples.media_files(private_media) == []
    assert not AuditEntry.objects.filter(action="evidence.added").exists()


def test_a_file_over_the_limit_is_refused_before_being_read(cast, settings, private_media):
    settings.EVIDENCE_MAX_BYTES = 1000
    big = samples.upload("rapport.pdf", samples.PDF_BYTES + b"0" * 1000)
    with pytest.raises(EvidenceRefused, match="trop volumineux") as refused:
        add_evidence(activity=make_activity(cast.student), uploaded_file=big, actor=cast.student.user)
    assert "« rapport.pdf »" in refused.value.message
    assert not Evidence.objects.exists()
    assert samples.media_files(private_media) == []


def test_an_empty_file_is_refused(cast):
    with pytest.raises(EvidenceRefused, match="vide"):
        add_evidence(
            activity=make_activity(cast.student), uploaded_file=samples.upload("vide.pdf", b""), actor=cast.student.user
        )


def test_deleting_removes_the_row_and_keeps_the_file_until_the_grace_period_ends(cast):
    evidence = add_evidence(
        activity=make_activity(cast.student),
        uploaded_file=samples.upload("a.pdf", samples.PDF_BYTES),
        actor=cast.student.user,
    )
    storage, name = evidence.file.storage, evidence.file.name
    delete_evidence(evidence=evidence, actor=cast.student.user)
    assert not Evidence.objects.exists()
    assert storage.exists(name)
    assert PendingFileDeletion.objects.filter(name=name).exists()
    assert purge_deleted_files(grace=timedelta(hours=1)).removed == 0
    assert storage.exists(name)
    assert purge_deleted_files(grace=timedelta(0)).removed == 1
    assert not storage.exists(name)
    assert AuditEntry.objects.filter(action="evidence.deleted").exists()
