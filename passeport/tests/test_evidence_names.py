"""Issue 13, finding 6: an upload is stored and offered under a name ending with its detected type's extension."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from passeport.models import Evidence
from passeport.services.evidence import JPEG, PDF, name_for_type
from tests.factories import make_activity

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [
        ("rapport.pdf.bat", PDF, "rapport.pdf"),
        ("devis.pdf", JPEG, "devis.jpg"),
        ("scan", JPEG, "scan.jpg"),
        ("photo.jpeg", JPEG, "photo.jpeg"),
        ("compte.rendu.v2.pdf", PDF, "compte.rendu.v2.pdf"),
    ],
)
def test_the_name_ends_with_the_detected_types_extension(name, content_type, expected):
    assert name_for_type(name, content_type) == expected


def test_a_double_extension_is_stored_and_downloaded_under_the_pdf_name(cast, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    activity = make_activity(cast.student)
    client = login(cast.student)
    upload = SimpleUploadedFile("rapport.pdf.bat", PDF_BYTES, content_type="application/x-msdos-program")
    response = client.post(reverse("passeport:evidence_upload", args=[activity.pk]), {"files": [upload]})
    assert response.status_code == 302
    evidence = Evidence.objects.get(activity=activity)
    assert (evidence.original_name, evidence.content_type) == ("rapport.pdf", PDF)
    assert evidence.file.name.endswith(".pdf")
    download = client.get(reverse("passeport:evidence_download", args=[evidence.pk]))
    assert 'filename="rapport.pdf"' in download["Content-Disposition"]
    assert download["Content-Type"] == PDF and download["X-Content-Type-Options"] == "nosniff"


def test_a_name_stored_before_is_still_offered_with_the_types_extension(cast, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    activity = make_activity(cast.student)
    client = login(cast.student)
    client.post(
        reverse("passeport:evidence_upload", args=[activity.pk]),
        {"files": [SimpleUploadedFile("rapport.pdf", PDF_BYTES)]},
    )
    Evidence.objects.filter(activity=activity).update(original_name="ancien.pdf.bat")
    evidence = Evidence.objects.get(activity=activity)
    download = client.get(reverse("passeport:evidence_download", args=[evidence.pk]))
    assert 'filename="ancien.pdf"' in download["Content-Disposition"]


def test_an_html_page_is_refused_whatever_its_name(cast, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    activity = make_activity(cast.student)
    response = login(cast.student).post(
        reverse("passeport:evidence_upload", args=[activity.pk]),
        {"files": [SimpleUploadedFile("x.html", b"<html><script>alert(1)</script></html>")]},
        follow=True,
    )
    assert "n&#x27;est pas d&#x27;un type accepté" in response.content.decode()
    assert not Evidence.objects.exists()
