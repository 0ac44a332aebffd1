"""Files written whole or not at all: generated PDFs and uploaded files alike.

A file the school keeps (an evaluation pack, a piece of evidence) must never exist on disk half written. A full disk
used to leave an empty or truncated file under its final name, which the pages then listed as ready. So every write
goes to a temporary name in the destination folder (same filesystem, so the rename is atomic), is flushed and
fsynced, checked (size, digest, for a PDF that it parses and has its pages), and only then renamed to its final name;
the folder is fsynced so the rename survives a power cut. On any error the temporary file is removed and
``FileNotSaved`` is raised with a French message: the caller tells the user, nothing is left behind.

Storages that are not a ``FileSystemStorage`` (objects in a bucket, memory) are written with ``storage.save`` and
checked by reading the file back; a file that fails the check is deleted.
"""

from __future__ import annotations

import errno
import hashlib
import io
import os
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage, Storage
from django.db.models.fields.files import FieldFile

from lib.refusals import Refused

TEMPORARY_SUFFIX = ".partiel"
CHUNK_BYTES = 64 * 1024

DISK_FULL = "Espace disque insuffisant sur le serveur"
WRITE_ERROR = "Erreur d'écriture sur le serveur"


class FileNotSaved(Refused):
    """A file that could not be written whole and checked; nothing of it was kept. ``reason`` is for logs."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class SavedFile:
    name: str
    size: int
    sha256: str
    pages: int | None = None


Check = Callable[[Path | BinaryIO], int | None]


def pdf_check(*, expected_pages: int | None = None) -> Check:
    """A check that the written file is a PDF with pages (``expected_pages`` of them when known); returns its count."""

    def check(source: Path | BinaryIO) -> int:
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError

        try:
            pages = len(PdfReader(source).pages)
        except (PyPdfError, ValueError, KeyError, OSError) as error:
            raise _unreadable(f"le PDF écrit est illisible ({type(error).__name__})") from error
        if pages < 1:
            raise _unreadable("le PDF écrit n'a aucune page")
        if expected_pages is not None and pages != expected_pages:
            raise _unreadable(f"le PDF écrit a {pages} page(s) au lieu de {expected_pages}")
        return pages

    return check


def save_file(
    storage: Storage,
    name: str,
    content: bytes | File,
    *,
    expected_size: int | None = None,
    expected_sha256: str | None = None,
    check: Check | None = None,
    replace: bool = False,
) -> SavedFile:
    """Write ``content`` to ``name`` in ``storage`` atomically and verified; raise ``FileNotSaved`` otherwise.

    ``replace`` overwrites an existing file in one rename (a reader sees the old file or the new one, never a
    mix); otherwise a free name is chosen as ``storage.save`` would.
    """
    if not replace:
        name = storage.get_available_name(name)
    if not isinstance(storage, FileSystemStorage):
        return _save_remote(storage, name, content, expected_size, expected_sha256, check, replace)
    return _save_local(storage, name, Path(storage.path(name)), content, expected_size, expected_sha256, check)


def save_field_file(field_file: FieldFile, filename: str, content: bytes | File, **options) -> SavedFile:
    """``field_file.save(filename, content, save=False)``, atomic and verified (see ``save_file``)."""
    name = field_file.field.generate_filename(field_file.instance, filename)
    name = field_file.storage.get_available_name(name, max_length=field_file.field.max_length)
    saved = save_file(field_file.storage, name, content, replace=True, **options)
    field_file.name = saved.name
    field_file._committed = True  # type: ignore[attr-defined]  # private in Django, absent from the stubs
    return saved


def remove_leftovers(storage: Storage, name: str, *, older_than: float) -> int:
    """Remove the temporary files of ``name`` that a killed writer left (SIGKILL, power cut), once older than
    ``older_than`` seconds (a younger one may be another writer's, still at work). Returns how many."""
    if not isinstance(storage, FileSystemStorage):
        return 0
    path = Path(storage.path(name))
    removed = 0
    for leftover in path.parent.glob(f".{path.name}.*{TEMPORARY_SUFFIX}"):
        try:
            if time.time() - leftover.stat().st_mtime > older_than:
                leftover.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    return removed


def _save_local(storage, name, path, content, expected_size, expected_sha256, check) -> SavedFile:
    _make_folder(storage, path.parent)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}{TEMPORARY_SUFFIX}")
    try:
        size, sha256 = _write_whole(temporary, content)
        _verify(size, sha256, expected_size, expected_sha256)
        pages = check(temporary) if check else None
        if storage.file_permissions_mode is not None:
            os.chmod(temporary, storage.file_permissions_mode)
        os.replace(temporary, path)
        _fsync_folder(path.parent)
    except OSError as error:
        _remove(temporary)
        raise _os_failure(error) from error
    except BaseException:
        _remove(temporary)
        raise
    return SavedFile(name, size, sha256, pages)


def open_temporary(path: Path) -> BinaryIO:
    """The temporary file, created new (never an existing one), with the permissions the umask gives (as Django)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    return os.fdopen(descriptor, "wb")


def _write_whole(path: Path, content: bytes | File) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with open_temporary(path) as handle:
        for chunk in _chunks(content):
            handle.write(chunk)
            digest.update(chunk)
            size += len(chunk)
        handle.flush()
        os.fsync(handle.fileno())
    written = path.stat().st_size
    if written != size:
        raise _unreadable(f"{written} octets écrits sur {size}")
    return size, digest.hexdigest()


def _chunks(content: bytes | File) -> Iterable[bytes]:
    if isinstance(content, bytes | bytearray | memoryview):
        content = ContentFile(bytes(content))
    if hasattr(content, "seek"):
        content.seek(0)
    yield from content.chunks(CHUNK_BYTES)


def _verify(size: int, sha256: str, expected_size: int | None, expected_sha256: str | None) -> None:
    if expected_size is not None and size != expected_size:
        raise _unreadable(f"{size} octets écrits, {expected_size} reçus")
    if size == 0:
        raise _unreadable("le fichier écrit est vide")
    if expected_sha256 is not None and sha256 != expected_sha256:
        raise _unreadable("le contenu écrit diffère du contenu reçu")


def _make_folder(storage, folder: Path) -> None:
    mode = storage.directory_permissions_mode
    if mode is None:
        folder.mkdir(parents=True, exist_ok=True)
        return
    old_umask = os.umask(0o777 & ~mode)
    try:
        folder.mkdir(mode=mode, parents=True, exist_ok=True)
    finally:
        os.umask(old_umask)


def _fsync_folder(folder: Path) -> None:
    """Make the rename durable; some filesystems cannot open a folder, which is then left to the system."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError as error:
        if error.errno not in (errno.EINVAL, errno.EBADF):
            raise
    finally:
        os.close(descriptor)


def _save_remote(storage, name, content, expected_size, expected_sha256, check, replace) -> SavedFile:
    if replace and storage.exists(name):
        storage.delete(name)
    data = content if isinstance(content, File) else ContentFile(bytes(content))
    try:
        name = storage.save(name, data)
    except OSError as error:
        raise _os_failure(error) from error
    try:
        with storage.open(name, "rb") as handle:
            written = handle.read()
        size, sha256 = len(written), hashlib.sha256(written).hexdigest()
        _verify(size, sha256, expected_size, expected_sha256)
        pages = check(io.BytesIO(written)) if check else None
    except BaseException:
        storage.delete(name)
        raise
    return SavedFile(name, size, sha256, pages)


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


def _os_failure(error: OSError) -> FileNotSaved:
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return FileNotSaved(
            f"{DISK_FULL} : le fichier n'a pas été enregistré. Prévenez l'administrateur de l'application.",
            reason="disk_full",
        )
    return FileNotSaved(
        f"{WRITE_ERROR} ({errno.errorcode.get(error.errno or 0, type(error).__name__)}) : "
        "le fichier n'a pas été enregistré. Réessayez plus tard ou prévenez l'administrateur.",
        reason="write_error",
    )


def _unreadable(detail: str) -> FileNotSaved:
    return FileNotSaved(
        f"Le fichier écrit sur le serveur est incomplet ({detail}) : il n'a pas été enregistré.", reason="unverified"
    )
