"""Files written whole or not at all (issue 18): temporary name, fsync, check, rename; nothing left on failure."""

import errno
import hashlib
import os
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, InMemoryStorage

from lib import files
from passeport.tests.evidence_samples import PDF_BYTES
from tests.disk_full import DiskFull, files_under


@pytest.fixture
def storage(tmp_path):
    return FileSystemStorage(location=tmp_path)


def test_a_file_is_written_under_its_final_name_with_its_size_and_digest(storage, tmp_path):
    saved = files.save_file(storage, "packs/1/2.pdf", PDF_BYTES, check=files.pdf_check(expected_pages=1))
    assert saved.name == "packs/1/2.pdf"
    assert (saved.size, saved.pages) == (len(PDF_BYTES), 1)
    assert saved.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert (tmp_path / "packs/1/2.pdf").read_bytes() == PDF_BYTES
    assert files_under(tmp_path) == ["packs/1/2.pdf"]


def test_without_replace_an_existing_file_is_kept_and_another_name_chosen(storage, tmp_path):
    first = files.save_file(storage, "a.txt", b"un")
    second = files.save_file(storage, "a.txt", b"deux")
    assert first.name == "a.txt" and second.name != "a.txt"
    assert (tmp_path / "a.txt").read_bytes() == b"un"


@pytest.mark.parametrize("fail_at", [1, 2, 3])
def test_disk_full_at_any_write_leaves_no_file_and_says_so_in_french(storage, tmp_path, monkeypatch, fail_at):
    DiskFull(tmp_path, fail_at=fail_at).install(monkeypatch)
    content = ContentFile(b"x" * (3 * files.CHUNK_BYTES))
    with pytest.raises(files.FileNotSaved) as refused:
        files.save_file(storage, "preuves/rapport.pdf", content)
    assert refused.value.reason == "disk_full"
    assert "Espace disque insuffisant sur le serveur : le fichier n'a pas été enregistré." in refused.value.message
    assert files_under(tmp_path) == []


def test_disk_full_while_replacing_keeps_the_previous_file_whole(storage, tmp_path, monkeypatch):
    files.save_file(storage, "p.pdf", PDF_BYTES)
    DiskFull(tmp_path, fail_at=1).install(monkeypatch)
    with pytest.raises(files.FileNotSaved):
        files.save_file(storage, "p.pdf", PDF_BYTES + b"%nouveau", replace=True)
    assert (tmp_path / "p.pdf").read_bytes() == PDF_BYTES
    assert files_under(tmp_path) == ["p.pdf"]


def test_a_failing_fsync_is_a_failed_write_too(storage, tmp_path, monkeypatch):
    def full(_fd):
        raise OSError(errno.ENOSPC, "plein")

    monkeypatch.setattr(files.os, "fsync", full)
    with pytest.raises(files.FileNotSaved) as refused:
        files.save_file(storage, "x.bin", b"abc")
    assert refused.value.reason == "disk_full"
    assert files_under(tmp_path) == []


def test_a_truncated_pdf_is_refused_and_removed(storage, tmp_path):
    with pytest.raises(files.FileNotSaved) as refused:
        files.save_file(storage, "p.pdf", PDF_BYTES[:40], check=files.pdf_check())
    assert refused.value.reason == "unverified"
    assert "incomplet" in refused.value.message
    assert files_under(tmp_path) == []


def test_a_pdf_with_other_pages_than_built_is_refused(storage, tmp_path):
    with pytest.raises(files.FileNotSaved, match="1 page\\(s\\) au lieu de 4"):
        files.save_file(storage, "p.pdf", PDF_BYTES, check=files.pdf_check(expected_pages=4))
    assert files_under(tmp_path) == []


def test_an_upload_whose_size_differs_from_what_was_received_is_refused(storage, tmp_path):
    with pytest.raises(files.FileNotSaved, match="3 octets écrits, 10 reçus"):
        files.save_file(storage, "u.bin", b"abc", expected_size=10)
    with pytest.raises(files.FileNotSaved, match="diffère du contenu reçu"):
        files.save_file(storage, "u.bin", b"abc", expected_sha256="0" * 64)
    with pytest.raises(files.FileNotSaved, match="vide"):
        files.save_file(storage, "u.bin", b"")
    assert files_under(tmp_path) == []


def test_a_storage_without_local_paths_is_written_then_checked():
    storage = InMemoryStorage()
    saved = files.save_file(storage, "p.pdf", PDF_BYTES, check=files.pdf_check())
    assert storage.open(saved.name).read() == PDF_BYTES and saved.pages == 1
    with pytest.raises(files.FileNotSaved):
        files.save_file(storage, "q.pdf", b"%PDF-tronque", check=files.pdf_check())
    assert not storage.exists("q.pdf")


def test_temporaries_a_killed_writer_left_are_removed_once_old(storage, tmp_path):
    folder = tmp_path / "packs"
    folder.mkdir()
    old, young = folder / f".7.pdf.aaaa{files.TEMPORARY_SUFFIX}", folder / f".7.pdf.bbbb{files.TEMPORARY_SUFFIX}"
    other = folder / f".8.pdf.cccc{files.TEMPORARY_SUFFIX}"
    for path in (old, young, other):
        path.write_bytes(b"%PDF-")
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    os.utime(other, (time.time() - 3600, time.time() - 3600))
    assert files.remove_leftovers(storage, "packs/7.pdf", older_than=600) == 1
    assert sorted(p.name for p in folder.iterdir()) == sorted([young.name, other.name])
