"""Evidence files attached to activities, and the content checks every uploaded file of the passeport goes through.

The type of a file is read from its content (magic bytes, the inside of office archives), never from its name or
from the content type the browser sends: an executable renamed ``.pdf`` is refused, and nothing is stored.
"""

import hashlib
import io
import logging
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models.fields.files import FieldFile

from accounts.models import User
from audit.services import log_action
from lib import files
from lib.refusals import Refused
from lib.storage import discard_file
from passeport.models import Activity, Evidence

logger = logging.getLogger(__name__)

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
WEBP = "image/webp"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ODP = "application/vnd.oasis.opendocument.presentation"
DOC = "application/msword"
XLS = "application/vnd.ms-excel"
PPT = "application/vnd.ms-powerpoint"

# The file name extension each accepted type is stored and offered with.
EXTENSIONS = {
    PDF: ".pdf",
    JPEG: ".jpg",
    PNG: ".png",
    WEBP: ".webp",
    DOCX: ".docx",
    XLSX: ".xlsx",
    PPTX: ".pptx",
    ODT: ".odt",
    ODS: ".ods",
    ODP: ".odp",
    DOC: ".doc",
    XLS: ".xls",
    PPT: ".ppt",
}
EVIDENCE_TYPES = frozenset(EXTENSIONS)
ATTESTATION_TYPES = frozenset({PDF, JPEG, PNG, WEBP})
EVIDENCE_TYPES_TEXT = "PDF, images (JPEG, PNG, WebP) et documents bureautiques (Word, Excel, PowerPoint, LibreOffice)"
ATTESTATION_TYPES_TEXT = "PDF et images (JPEG, PNG, WebP)"
# The accept attribute of file inputs: a convenience for the browser's file picker, never a check.
EVIDENCE_ACCEPT = ",".join(sorted(EXTENSIONS.values()))
ATTESTATION_ACCEPT = ".pdf,.jpg,.jpeg,.png,.webp"

HEAD_BYTES = 8192
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SIGNATURES = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
)
OOXML_MAIN_PARTS = {
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
    b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": PPTX,
}
ODF_TYPES = {ODT.encode(): ODT, ODS.encode(): ODS, ODP.encode(): ODP}
# Legacy office files share one container format (OLE2): only the name tells a .doc from a .xls.
OLE2_BY_EXTENSION = {".doc": DOC, ".xls": XLS, ".ppt": PPT}
# Bounded reads inside archives, so a crafted archive cannot make us inflate gigabytes.
MAX_MANIFEST_BYTES = 1024 * 1024


class EvidenceRefused(Refused):
    """An uploaded file that is not accepted; the message is meant for the person who sent it."""


@dataclass(frozen=True)
class InspectedUpload:
    content_type: str
    extension: str
    size: int
    sha256: str
    original_name: str


def max_upload_bytes() -> int:
    return getattr(settings, "EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)


def human_size(size: int) -> str:
    """« 10 Mo », « 52,4 Mo », « 312 Ko »: sizes as French readers expect them."""
    if size >= 1024 * 1024:
        value = f"{size / (1024 * 1024):.1f}".removesuffix(".0")
        return f"{value.replace('.', ',')} Mo"
    return f"{max(1, round(size / 1024))} Ko"


def detect_content_type(first_bytes: bytes, *, filename: str = "") -> str | None:
    """The accepted content type these bytes are, or None.

    ``first_bytes`` is the beginning of the file; office documents (ZIP archives, whose directory sits at the end)
    are only recognised from the whole file, see ``detect_file_content_type``. ``filename`` only picks between the
    legacy office formats, which share one container.
    """
    for magic, content_type in SIGNATURES:
        if first_bytes.startswith(magic):
            return content_type
    if first_bytes[:4] == b"RIFF" and first_bytes[8:12] == b"WEBP":
        return WEBP
    if first_bytes.startswith(OLE2_MAGIC):
        return OLE2_BY_EXTENSION.get(PurePath(filename).suffix.lower())
    if first_bytes.startswith(ZIP_MAGIC):
        return _office_archive_type(io.BytesIO(first_bytes))
    return None


def detect_file_content_type(fileobj: IO[bytes], *, filename: str = "") -> str | None:
    """Like ``detect_content_type``, reading the file itself (left at its start)."""
    fileobj.seek(0)
    head = fileobj.read(HEAD_BYTES)
    fileobj.seek(0)
    if head.startswith(ZIP_MAGIC):
        content_type = _office_archive_type(fileobj)
        fileobj.seek(0)
        return content_type
    return detect_content_type(head, filename=filename)


def _office_archive_type(fileobj: IO[bytes]) -> str | None:
    """OOXML (DOCX/XLSX/PPTX) by the main part of ``[Content_Types].xml``; ODF by its ``mimetype`` entry."""
    try:
        with zipfile.ZipFile(fileobj) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                with archive.open("mimetype") as entry:
                    return ODF_TYPES.get(entry.read(100).strip())
            if "[Content_Types].xml" in names:
                with archive.open("[Content_Types].xml") as entry:
                    manifest = entry.read(MAX_MANIFEST_BYTES)
                # Macro-enabled documents and templates declare another main part: they are not accepted.
                for main_part, content_type in OOXML_MAIN_PARTS.items():
                    if main_part in manifest:
                        return content_type
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, NotImplementedError, EOFError, KeyError):
        return None
    return None


def clean_name(name: str) -> str:
    """The name shown and offered on download: no path, no control characters, at most 255 characters."""
    name = PurePath(name.replace("\\", "/")).name
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    return (name or "fichier")[-255:]


# Other spellings of a detected type's extension that a name may keep.
EXTENSION_ALIASES = {JPEG: (".jpeg", ".jpe")}


def name_for_type(name: str, content_type: str) -> str:
    """``name`` ending with the extension of its detected type: « rapport.pdf.bat » holding a PDF is offered as
    « rapport.pdf », « devis.pdf » holding a JPEG as « devis.jpg », « scan » as « scan.jpg ».

    The last extension goes when it is not the type's; a browser or a file manager then never sees a name that
    says one thing while the bytes are another (a double extension, or a page saved as « x.html »).
    """
    wanted = EXTENSIONS.get(content_type)
    if wanted is None:
        return name
    allowed = (wanted, *EXTENSION_ALIASES.get(content_type, ()))
    path = PurePath(name)
    if path.suffix.lower() not in allowed and path.suffix:
        path = path.with_suffix("")
    stem = path.name or "fichier"
    return stem if PurePath(stem).suffix.lower() in allowed else f"{stem}{wanted}"


def inspect_upload(
    uploaded_file: UploadedFile, *, allowed: frozenset[str] = EVIDENCE_TYPES, allowed_text: str = EVIDENCE_TYPES_TEXT
) -> InspectedUpload:
    """Check size then content of an uploaded file; raise ``EvidenceRefused`` with a French message if refused."""
    name = clean_name(uploaded_file.name or "")
    limit = max_upload_bytes()
    # The size the upload handler counted: checked before reading anything of the file.
    if uploaded_file.size is None or uploaded_file.size > limit:
        size = human_size(uploaded_file.size or 0)
        raise EvidenceRefused(
            f"« {name} » est trop volumineux ({size}) : la taille maximale est de {human_size(limit)} par fichier. "
            "Le fichier n'a pas été enregistré."
        )
    if uploaded_file.size == 0:
        raise EvidenceRefused(f"« {name} » est vide : le fichier n'a pas été enregistré.")
    content_type = detect_file_content_type(uploaded_file, filename=name)
    if content_type not in allowed:
        raise EvidenceRefused(
            f"« {name} » n'est pas d'un type accepté (vérifié d'après son contenu, pas son nom). "
            f"Types acceptés : {allowed_text}. Le fichier n'a pas été enregistré."
        )
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    return InspectedUpload(
        content_type,
        EXTENSIONS[content_type],
        uploaded_file.size,
        digest.hexdigest(),
        name_for_type(name, content_type),
    )


def store_upload(field_file: FieldFile, filename: str, uploaded_file: UploadedFile, checked: InspectedUpload) -> None:
    """Write a checked upload whole or not at all: the bytes on disk must be those received (size and digest).

    A full disk or a failed write raises ``EvidenceRefused`` in French; no file, truncated or not, is left.
    """
    try:
        files.save_field_file(
            field_file, filename, uploaded_file, expected_size=checked.size, expected_sha256=checked.sha256
        )
    except files.FileNotSaved as failure:
        logger.error("Upload of %s not stored (%s): %s", filename, failure.reason, failure.__cause__ or failure)
        raise EvidenceRefused(f"« {checked.original_name} » : {failure.message}") from failure


def file_cut_short(evidence: Evidence) -> bool:
    """The stored file is there but no longer has the size recorded when it was received (a stat, not a read).

    A missing file is not « cut short »: its download answers 404.
    """
    try:
        return bool(evidence.file.size != evidence.size)
    except FileNotFoundError:
        return False


def add_evidence(*, activity: Activity, uploaded_file: UploadedFile, actor: User) -> Evidence:
    """Attach one checked file to ``activity``. Raise ``EvidenceRefused`` (nothing stored) if it is not accepted."""
    checked = inspect_upload(uploaded_file)
    evidence = Evidence(
        activity=activity,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    # Stored under a random name whose extension matches the detected content, whatever the file was called.
    store_upload(evidence.file, f"preuve{checked.extension}", uploaded_file, checked)
    try:
        with transaction.atomic():
            evidence.save()
            log_action(
                "evidence.added",
                actor=actor,
                obj=evidence,
                establishment_id=activity.student.cohort.establishment_id,
                changes={
                    "activity": activity.pk,
                    "content_type": checked.content_type,
                    "size": checked.size,
                    "sha256": checked.sha256,
                },
            )
    except BaseException:
        discard_file(evidence.file.storage, evidence.file.name)
        raise
    return evidence


def delete_evidence(*, evidence: Evidence, actor: User) -> None:
    """Remove the row; the file's deletion is recorded in the same transaction (a rollback keeps both) and the file
    itself goes after the grace period that keeps backups complete (``lib.storage``)."""
    storage, name = evidence.file.storage, evidence.file.name
    with transaction.atomic():
        log_action(
            "evidence.deleted",
            actor=actor,
            obj=evidence,
            changes={"activity": evidence.activity_id, "original_name": evidence.original_name},
        )
        evidence.delete()
        storage.delete(name)
