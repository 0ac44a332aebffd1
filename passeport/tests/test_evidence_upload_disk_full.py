"""Issue 18, fault 7: a full disk during an evidence upload gave Django's English « Server Error (500) » and left a
truncated or empty file on disk. Now: a French message on the activity page, no file, no Evidence row."""

import datetime
import errno
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditEntry
from passeport.models import Evidence, InternshipPeriod
from passeport.services import evidence as evidence_services
from passeport.tests import evidence_samples as samples
from tests.disk_full import DiskFull
from tests.factories import make_activity

DISK_FULL = "Espace disque insuffisant sur le serveur : le fichier n&#x27;a pas été enregistré."


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _post(client, activity, *files):
    return client.post(reverse("passeport:evidence_upload", args=[activity.pk]), {"files": list(files)}, follow=True)


@pytest.mark.parametrize("fail_at", [1, 2, 4])
def test_fault_7_disk_full_during_an_evidence_upload_is_told_in_french_and_keeps_nothing(
    cast, login, private_media, monkeypatch, settings, fail_at
):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # spooled to a temporary file, copied in 64 KiB chunks
    activity = make_activity(cast.student)
    DiskFull(private_media, fail_at=fail_at).install(monkeypatch)
    # Four chunks: the disk fills on the first write, in the middle, or on the last one.
    big_pdf = samples.PDF_BYTES + b"%" + b"0" * (4 * 64 * 1024 - len(samples.PDF_BYTES) - 1)
    response = _post(login(cast.student), activity, samples.upload("rapport de stage.pdf", big_pdf))

    assert response.status_code == 200
    page = response.content.decode()
    assert f"« rapport de stage.pdf » : {DISK_FULL}" in page
    assert "Server Error" not in page
    assert not Evidence.objects.exists()
    assert not AuditEntry.objects.filter(action="evidence.added").exists()
    assert samples.media_files(private_media) == []


def test_a_full_disk_refuses_one_file_and_keeps_the_ones_stored_before(cast, login, private_media, monkeypatch):
    activity = make_activity(cast.student)
    DiskFull(private_media, fail_at=2).install(monkeypatch)
    response = _post(
        login(cast.student),
        activity,
        samples.upload("devis.pdf", samples.PDF_BYTES),
        samples.upload("stand.png", samples.image_bytes("PNG"), "image/png"),
    )
    page = response.content.decode()
    assert "Preuve ajoutée : « devis.pdf »." in page
    assert f"« stand.png » : {DISK_FULL}" in page
    (kept,) = Evidence.objects.all()
    assert [path.read_bytes() for path in samples.media_files(private_media)] == [samples.PDF_BYTES]
    assert kept.original_name == "devis.pdf"


def test_a_full_disk_during_an_attestation_upload_keeps_no_period_and_no_file(cast, login, private_media, monkeypatch):
    from passeport.services.internships import create_internship

    DiskFull(private_media, fail_at=1).install(monkeypatch)
    data = {
        "kind": "apprentissage",
        "organisation": "Maisons Rhône",
        "start_date": datetime.date(2025, 9, 1),
        "end_date": datetime.date(2026, 6, 30),
        "weeks": Decimal(40),
        "tutor_name": "Mme Martin",
    }
    with pytest.raises(evidence_services.EvidenceRefused, match="Espace disque insuffisant"):
        create_internship(
            student=cast.student,
            actor=cast.student.user,
            data=data,
            attestation=samples.upload("attestation.pdf", samples.PDF_BYTES),
        )
    assert not InternshipPeriod.objects.exists()
    assert samples.media_files(private_media) == []


def test_an_unexpected_disk_error_elsewhere_gets_the_french_500_page(cast, settings, monkeypatch):
    """Outside the checked writes (the database on a full disk, say), the error page is still the French one."""
    settings.DEBUG = False

    def full(**_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(evidence_services, "add_evidence", full)
    activity = make_activity(cast.student)
    client = Client(raise_request_exception=False)
    client.force_login(cast.student.user)
    response = _post(client, activity, samples.upload("devis.pdf", samples.PDF_BYTES))
    page = response.content.decode()
    assert response.status_code == 500
    assert "<h1>Erreur du serveur</h1>" in page and "n'a pas été enregistrée" in page
    assert "Server Error (500)" not in page
