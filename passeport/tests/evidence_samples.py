"""Small real files of each accepted type, and impostors, for the evidence and attestation tests."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

# A complete one-page PDF (no stream needed): readers open it.
PDF_BYTES = (
    b"%PDF-1.4\n"
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n"
)
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
ELF_BYTES = b"\x7fELF\x02\x01\x01" + b"\x00" * 200
OLE2_BYTES = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def image_bytes(fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (18, 63, 122)).save(buffer, format=fmt)
    return buffer.getvalue()


def _zip(entries: list[tuple[str, bytes]], *, first_stored: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, data) in enumerate(entries):
            kind = zipfile.ZIP_STORED if first_stored and index == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=kind)
    return buffer.getvalue()


def ooxml_bytes(main_type: str, main_part: str) -> bytes:
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{main_part}" ContentType="{main_type}"/></Types>'
    ).encode()
    return _zip([("[Content_Types].xml", content_types), (main_part, b"<document/>")])


def docx_bytes() -> bytes:
    return ooxml_bytes(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml", "word/document.xml"
    )


def docm_bytes() -> bytes:
    return ooxml_bytes("application/vnd.ms-word.document.macroEnabled.main+xml", "word/document.xml")


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def odt_bytes() -> bytes:
    return _zip(
        [("mimetype", b"application/vnd.oasis.opendocument.text"), ("content.xml", b"<office:document/>")],
        first_stored=True,
    )


def plain_zip_bytes() -> bytes:
    return _zip([("setup.exe", EXE_BYTES)])


def upload(name: str, data: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    """An uploaded file whose browser-sent content type is whatever the test says (it is never trusted)."""
    return SimpleUploadedFile(name, data, content_type=content_type)


def media_files(root) -> list:
    """Every file under MEDIA_ROOT, to prove a refusal stored nothing."""
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []
