"""Uploading evidence: several files at once, each checked by size and content; a refusal stores nothing."""

import re

import pytest
from django.urls import reverse

from passeport.models import Evidence
from passeport.tests import evidence_samples as samples
from tests.factories import make_activity


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _post(client, activity, *files):
    return client.post(reverse("passeport:evidence_upload", args=[activity.pk]), {"files": list(files)}, follow=True)


def test_a_student_uploads_several_files_at_once(cast, login):
    activity = make_activity(cast.student)
    response = _post(
        login(cast.student),
        activity,
        samples.upload("devis.pdf", samples.PDF_BYTES),
        samples.upload("stand.png", samples.image_bytes("PNG"), "image/png"),
    )
    assert response.status_code == 200
    assert [e.original_name for e in Evidence.objects.filter(activity=activity)] == ["devis.pdf", "stand.png"]
    page = response.content.decode()
    assert "Preuves ajoutées : « devis.pdf », « stand.png »." in page
    assert "devis.pdf</a>" in page and "stand.png</a>" in page


def test_a_50_mb_upload_is_refused_with_a_clear_message_and_nothing_is_stored(cast, login, private_media):
    activity = make_activity(cast.student)
    huge = samples.upload("rapport de stage.pdf", samples.PDF_BYTES + b"0" * (50 * 1024 * 1024))
    response = _post(login(cast.student), activity, huge)
    assert response.status_code == 200
    page = response.content.decode()
    assert "« rapport de stage.pdf » est trop volumineux (50 Mo) : la taille maximale est de 10 Mo par fichier." in page
    assert not Evidence.objects.exists()
    assert samples.media_files(private_media) == []


def test_an_executable_renamed_pdf_is_refused_with_a_clear_message_and_nothing_is_stored(cast, login, private_media):
    activity = make_activity(cast.student)
    response = _post(login(cast.student), activity, samples.upload("attestation.pdf", samples.EXE_BYTES))
    assert response.status_code == 200
    page = response.content.decode()
    assert "« attestation.pdf » n&#x27;est pas d&#x27;un type accepté (vérifié d&#x27;après son contenu" in page
    assert not Evidence.objects.exists()
    assert samples.media_files(private_media) == []


def test_a_refused_file_does_not_prevent_the_others(cast, login):
    activity = make_activity(cast.student)
    response = _post(
        login(cast.student),
        activity,
        samples.upload("programme.elf.pdf", samples.ELF_BYTES),
        samples.upload("compte-rendu.docx", samples.docx_bytes(), "application/octet-stream"),
    )
    page = response.content.decode()
    assert "« programme.elf.pdf » n&#x27;est pas d&#x27;un type accepté" in page
    assert "Preuve ajoutée : « compte-rendu.docx »." in page
    assert [e.content_type for e in Evidence.objects.all()] == [
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ]


def test_sending_no_file_asks_for_one(cast, login):
    activity = make_activity(cast.student)
    response = _post(login(cast.student), activity)
    assert "Choisissez au moins un fichier à ajouter." in response.content.decode()


def test_only_the_author_may_add_evidence(cast, login, private_media):
    activity = make_activity(cast.student)
    response = login(cast.teacher).post(
        reverse("passeport:evidence_upload", args=[activity.pk]),
        {"files": [samples.upload("a.pdf", samples.PDF_BYTES)]},
    )
    assert response.status_code == 403
    assert not Evidence.objects.exists()
    assert samples.media_files(private_media) == []


def test_a_file_big_enough_to_be_spooled_to_disk_is_stored_whole(cast, login, settings):
    # Above FILE_UPLOAD_MAX_MEMORY_SIZE the upload arrives as a temporary file, moved into the storage.
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    activity = make_activity(cast.student)
    data = samples.xlsx_bytes()
    _post(
        login(cast.student),
        activity,
        samples.upload("ventes.xlsx", data),
        samples.upload("devis.pdf", samples.PDF_BYTES * 50),
    )
    stored = {e.original_name: e for e in Evidence.objects.all()}
    assert set(stored) == {"ventes.xlsx", "devis.pdf"}
    with stored["ventes.xlsx"].file.open("rb") as handle:
        assert handle.read() == data
    assert stored["devis.pdf"].size == len(samples.PDF_BYTES) * 50


def test_a_refused_file_is_told_under_the_file_field_which_the_page_opens_on(cast, login):
    activity = make_activity(cast.student)
    client = login(cast.student)
    url = reverse("passeport:evidence_upload", args=[activity.pk])
    response = client.post(url, {"files": [samples.upload("virus.exe", b"MZ\x90\x00binary")]})
    assert response.status_code == 302 and response["Location"].endswith("#id_files")
    page = client.get(response["Location"]).content.decode()
    field = re.search(r'<input type="file"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in field
    assert 'aria-describedby="id_files_helptext id_files_error"' in field
    error = re.search(r'<div class="error" id="id_files_error">(.*?)</div>', page, re.S).group(1)
    assert "virus.exe" in error
    # the next visit: no error left on the field
    assert 'aria-invalid="true"' not in client.get(response["Location"]).content.decode()


def test_an_accepted_file_leaves_the_field_without_error(cast, login):
    activity = make_activity(cast.student)
    client = login(cast.student)
    response = client.post(
        reverse("passeport:evidence_upload", args=[activity.pk]),
        {"files": [samples.upload("devis.pdf", samples.PDF_BYTES)]},
    )
    assert not response["Location"].endswith("#id_files")
    assert 'id="id_files_error"' not in client.get(response["Location"]).content.decode()
