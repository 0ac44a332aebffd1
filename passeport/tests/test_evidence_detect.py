"""The type of a file is read from its content, never from its name."""

import io

import pytest

from passeport.services.evidence import (
    DOC,
    DOCX,
    JPEG,
    ODT,
    PDF,
    PNG,
    WEBP,
    XLS,
    XLSX,
    detect_content_type,
    detect_file_content_type,
)
from passeport.tests import evidence_samples as samples


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (samples.PDF_BYTES, PDF),
        (samples.image_bytes("PNG"), PNG),
        (samples.image_bytes("JPEG"), JPEG),
        (samples.image_bytes("WEBP"), WEBP),
        (samples.docx_bytes(), DOCX),
        (samples.xlsx_bytes(), XLSX),
        (samples.odt_bytes(), ODT),
    ],
    ids=["pdf", "png", "jpeg", "webp", "docx", "xlsx", "odt"],
)
def test_it_recognises_accepted_files_from_their_bytes(data, expected):
    assert detect_content_type(data) == expected
    assert detect_file_content_type(io.BytesIO(data)) == expected


@pytest.mark.parametrize(
    "data",
    [
        samples.EXE_BYTES,
        samples.ELF_BYTES,
        b"#!/bin/sh\nrm -rf /\n",
        b"<html><script>alert(1)</script></html>",
        samples.plain_zip_bytes(),
        samples.docm_bytes(),
        b"",
    ],
    ids=["windows-exe", "elf", "script", "html", "plain-zip", "macro-document", "empty"],
)
def test_it_refuses_anything_else(data):
    assert detect_content_type(data, filename="devoir.pdf") is None
    assert detect_file_content_type(io.BytesIO(data), filename="devoir.pdf") is None


def test_legacy_office_files_are_told_apart_by_their_extension_only_inside_the_ole2_container():
    assert detect_content_type(samples.OLE2_BYTES, filename="bilan.doc") == DOC
    assert detect_content_type(samples.OLE2_BYTES, filename="ventes.XLS") == XLS
    # An installer shares the container: its name does not make it a document.
    assert detect_content_type(samples.OLE2_BYTES, filename="setup.msi") is None
    assert detect_content_type(samples.EXE_BYTES, filename="bilan.doc") is None


def test_an_office_archive_truncated_to_its_first_bytes_is_not_guessed():
    assert detect_content_type(samples.docx_bytes()[:40]) is None


def test_detecting_leaves_the_file_at_its_start():
    stream = io.BytesIO(samples.docx_bytes())
    detect_file_content_type(stream)
    assert stream.tell() == 0
