"""create_internship / update_internship: the attestation file never outlives a failed write."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError

from audit.models import AuditEntry
from passeport.models import InternshipPeriod
from passeport.services.internships import create_internship, update_internship
from passeport.tests import evidence_samples as samples


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _data(**overrides):
    data = {
        "kind": "apprentissage",
        "organisation": "Maisons Rhône",
        "start_date": datetime.date(2025, 9, 1),
        "end_date": datetime.date(2026, 6, 30),
        "weeks": Decimal(40),
        "tutor_name": "Mme Martin",
    }
    data.update(overrides)
    return data


def test_a_refused_write_leaves_no_file_behind(cast, private_media):
    with pytest.raises(IntegrityError):
        create_internship(
            student=cast.student,
            actor=cast.student.user,
            data=_data(weeks=Decimal(0)),
            attestation=samples.upload("contrat.pdf", samples.PDF_BYTES),
        )
    assert not InternshipPeriod.objects.exists()
    assert samples.media_files(private_media) == []


def test_an_apprentice_contract_image_is_accepted(cast):
    period = create_internship(
        student=cast.student,
        actor=cast.student.user,
        data=_data(),
        attestation=samples.upload("contrat.jpg", samples.image_bytes("JPEG"), "image/jpeg"),
    )
    assert period.attestation_content_type == "image/jpeg"
    assert period.attestation.name.startswith(f"attestations/{cast.student.pk}/")


def test_an_update_that_changes_nothing_is_not_logged(cast):
    period = create_internship(student=cast.student, actor=cast.student.user, data=_data())
    update_internship(period=period, actor=cast.student.user, data=_data(weeks=Decimal("40.0")))
    assert not AuditEntry.objects.filter(action="internship.updated").exists()
