"""Downloading evidence: always an attachment, with its checked type, for people who can view the student."""

from pathlib import Path

import pytest
from django.urls import reverse

from passeport.services.evidence import add_evidence
from passeport.tests import evidence_samples as samples
from tests.factories import make_activity


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _evidence(student, name="Bon de commande signé.pdf", data=samples.PDF_BYTES):
    return add_evidence(activity=make_activity(student), uploaded_file=samples.upload(name, data), actor=student.user)


def test_it_is_served_as_an_attachment_with_its_original_name_and_checked_type(cast, login):
    evidence = _evidence(cast.student)
    response = login(cast.student).get(reverse("passeport:evidence_download", args=[evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''Bon%20de%20commande%20sign%C3%A9.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == samples.PDF_BYTES


def test_a_teacher_and_the_professional_who_follows_the_student_can_download(cast, login, client):
    evidence = _evidence(cast.student)
    url = reverse("passeport:evidence_download", args=[evidence.pk])
    assert login(cast.teacher).get(url).status_code == 200
    client.logout()
    assert login(cast.professional).get(url).status_code == 200


def test_another_students_evidence_url_answers_404_to_a_student(cast, login):
    evidence = _evidence(cast.student2, "mon devis.pdf")
    response = login(cast.student).get(reverse("passeport:evidence_download", args=[evidence.pk]))
    assert response.status_code == 404


def test_a_file_missing_from_the_storage_answers_404(cast, login):
    evidence = _evidence(cast.student)
    Path(evidence.file.path).unlink()  # lost from the disk (storage.delete only records a tombstone)
    assert login(cast.student).get(reverse("passeport:evidence_download", args=[evidence.pk])).status_code == 404


def test_a_file_cut_short_on_disk_is_never_served_as_a_whole_one(cast, login):
    evidence = _evidence(cast.student)
    with open(evidence.file.path, "wb"):
        pass  # emptied, as the full disk of issue 18 left some files
    response = login(cast.student).get(reverse("passeport:evidence_download", args=[evidence.pk]), follow=True)
    assert response.redirect_chain[0][1] == 302
    assert response["Content-Type"].startswith("text/html")
    assert "est incomplet ou absent sur le serveur" in response.content.decode()
