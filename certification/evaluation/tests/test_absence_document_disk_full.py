"""A full disk while recording a justified absence: a French refusal, no Absence row, no document on disk."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from certification.models import Absence
from passeport.tests.evidence_samples import PDF_BYTES
from tests.disk_full import DiskFull, files_under
from tests.factories_certification_commissions import make_commission
from tests.factories_certification_marks import make_markable
from tests.factories_certification_planning import make_passage

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(autouse=True)
def _in_june():
    with time_machine.travel(datetime.datetime(2027, 6, 10, 12, tzinfo=PARIS)):
        yield


def test_a_full_disk_refuses_the_absence_in_french_and_keeps_no_document(cast, login, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    commission = make_commission(cast)
    make_markable(commission, cast.student)
    make_passage(commission, cast.student, datetime.datetime(2027, 6, 3, 10, tzinfo=PARIS))
    DiskFull(tmp_path, fail_at=1).install(monkeypatch)
    data = {
        "absence-situation": commission.situations.get(code="B").pk,
        "absence-absent_on": "2027-06-03",
        "absence-kind": "justified",
        "absence-reason": "Malade",
        "absence-document": SimpleUploadedFile("certificat.pdf", PDF_BYTES, content_type="application/pdf"),
    }
    url = reverse("certification:absence_record", args=[commission.pk, cast.student.pk])
    response = login(cast.teacher).post(url, data)
    assert response.status_code == 400
    assert "« certificat.pdf » : Espace disque insuffisant sur le serveur" in response.content.decode()
    assert not Absence.objects.exists()
    assert files_under(tmp_path) == []
