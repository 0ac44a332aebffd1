"""Recording internship periods with their attestation, changing them, downloading the attestation."""

import datetime
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from lib.models import PendingFileDeletion
from lib.storage import purge_deleted_files
from passeport.models import InternshipPeriod
from passeport.tests import evidence_samples as samples


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _data(**overrides):
    data = {
        "kind": "stage",
        "organisation": "Maisons Rhône",
        "start_date": "2026-01-05",
        "end_date": "2026-02-27",
        "weeks": "8",
        "tutor_name": "M. Durand",
    }
    data.update(overrides)
    return data


def _create_url(cast):
    return reverse("passeport:internship_create", args=[cast.student.pk])


def test_a_student_records_a_period_with_its_attestation(cast, login):
    client = login(cast.student)
    attestation = samples.upload("Attestation de stage.pdf", samples.PDF_BYTES)
    response = client.post(_create_url(cast), _data(attestation=attestation), follow=True)
    period = InternshipPeriod.objects.get(student=cast.student)
    assert period.weeks == Decimal(8)
    assert period.attestation_name == "Attestation de stage.pdf"
    assert period.attestation_content_type == "application/pdf"
    page = response.content.decode()
    assert "Période en entreprise enregistrée." in page
    assert "durée réductible" in page
    assert AuditEntry.objects.filter(action="internship.created").exists()


def test_the_summary_and_missing_attestation_are_shown(cast, login):
    login(cast.student).post(_create_url(cast), _data(weeks="4", end_date="2026-01-30"))
    page = login(cast.student).get(_create_url(cast)).content.decode()
    assert "Insuffisante" in page
    assert "1 période n&#x27;a pas son attestation" in page


def test_an_executable_attestation_is_refused_and_nothing_is_stored(cast, login, private_media):
    response = login(cast.student).post(
        _create_url(cast), _data(attestation=samples.upload("attestation.pdf", samples.EXE_BYTES))
    )
    assert response.status_code == 200
    assert "« attestation.pdf » n&#x27;est pas d&#x27;un type accepté" in response.content.decode()
    assert not InternshipPeriod.objects.exists()
    assert samples.media_files(private_media) == []


def test_an_office_document_is_not_an_attestation(cast, login):
    response = login(cast.student).post(
        _create_url(cast), _data(attestation=samples.upload("attestation.docx", samples.docx_bytes()))
    )
    assert "PDF et images (JPEG, PNG, WebP)" in response.content.decode()
    assert not InternshipPeriod.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"weeks": "0"}, "Le nombre de semaines doit être supérieur à zéro."),
        ({"end_date": "2026-01-01"}, "La date de fin ne peut pas précéder la date de début."),
        ({"weeks": "80"}, "Ce nombre de semaines dépasse la durée entre les deux dates."),
    ],
    ids=["zero-weeks", "dates-reversed", "more-weeks-than-days"],
)
def test_inconsistent_values_are_refused_in_french(cast, login, overrides, message):
    response = login(cast.student).post(_create_url(cast), _data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not InternshipPeriod.objects.exists()


def _period(cast):
    return InternshipPeriod.objects.create(
        student=cast.student,
        organisation="Maisons Rhône",
        start_date=datetime.date(2026, 1, 5),
        end_date=datetime.date(2026, 2, 27),
        weeks=Decimal(8),
    )


def test_the_student_changes_a_period_and_replaces_the_attestation(cast, login, django_capture_on_commit_callbacks):
    period = _period(cast)
    client = login(cast.student)
    url = reverse("passeport:internship_edit", args=[period.pk])
    client.post(url, _data(attestation=samples.upload("v1.pdf", samples.PDF_BYTES)))
    period.refresh_from_db()
    first = period.attestation.name
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, _data(weeks="7.5", attestation=samples.upload("v2.png", samples.image_bytes("PNG"), "image/png"))
        )
    assert response.status_code == 302
    period.refresh_from_db()
    assert period.weeks == Decimal("7.5")
    assert period.attestation_name == "v2.png"
    assert PendingFileDeletion.objects.filter(name=first).exists()
    purge_deleted_files(grace=timedelta(0))
    assert not period.attestation.storage.exists(first)
    assert AuditEntry.objects.filter(action="internship.updated").count() == 2


def test_the_attestation_downloads_as_an_attachment(cast, login):
    period = _period(cast)
    client = login(cast.student)
    client.post(
        reverse("passeport:internship_edit", args=[period.pk]),
        _data(attestation=samples.upload("attestation.pdf", samples.PDF_BYTES)),
    )
    response = login(cast.teacher).get(reverse("passeport:internship_attestation", args=[period.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="attestation.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_period_without_attestation_has_nothing_to_download(cast, login):
    period = _period(cast)
    assert login(cast.student).get(reverse("passeport:internship_attestation", args=[period.pk])).status_code == 404


def test_another_student_cannot_see_the_attestation(cast, login):
    period = _period(cast)
    assert login(cast.student2).get(reverse("passeport:internship_attestation", args=[period.pk])).status_code == 404
