"""The author deletes a piece of evidence: the row at once, the file after the grace period that keeps backups whole."""

from datetime import timedelta

import pytest
from django.urls import reverse

from lib.models import PendingFileDeletion
from lib.storage import purge_deleted_files
from passeport.models import Evidence
from passeport.services.evidence import add_evidence
from passeport.tests import evidence_samples as samples
from tests.factories import make_activity


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _evidence(student):
    return add_evidence(
        activity=make_activity(student), uploaded_file=samples.upload("a.pdf", samples.PDF_BYTES), actor=student.user
    )


def test_the_author_deletes_evidence_and_the_file_goes_after_the_grace_period(cast, login):
    evidence = _evidence(cast.student)
    storage, name = evidence.file.storage, evidence.file.name
    response = login(cast.student).post(reverse("passeport:evidence_delete", args=[evidence.pk]))
    assert response.status_code == 302
    assert response.url == reverse("passeport:activity_detail", args=[evidence.activity_id])
    assert not Evidence.objects.exists()
    assert storage.exists(name)
    assert PendingFileDeletion.objects.filter(name=name).exists()
    purge_deleted_files(grace=timedelta(0))
    assert not storage.exists(name)


def test_a_teacher_may_not_delete_a_students_evidence(cast, login):
    evidence = _evidence(cast.student)
    assert login(cast.teacher).post(reverse("passeport:evidence_delete", args=[evidence.pk])).status_code == 403
    assert Evidence.objects.filter(pk=evidence.pk).exists()


def test_deleting_needs_a_post(cast, login):
    evidence = _evidence(cast.student)
    assert login(cast.student).get(reverse("passeport:evidence_delete", args=[evidence.pk])).status_code == 405
