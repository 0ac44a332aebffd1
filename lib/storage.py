"""The private files' storage: a deleted file stays at its path for a grace period, then a purge removes it.

Why: ``scripts/backup.sh`` dumps the database, then archives MEDIA_ROOT. A file deleted between the two used to be
missing from the archive while the dump still named it (8 of 31 evidence downloads answered 404 after one restore).
With tombstones, ``delete`` only records a ``PendingFileDeletion`` — in the transaction of the deletion when there
is one, so a rollback keeps the file and a database backup never names a file without it being there — and
``purge_deleted_files`` (nightly, ``deploy/systemd/ndrc-purge-files.timer``) removes files deleted more than
``DEFAULT_GRACE`` ago. The grace is far longer than a backup run, so a backup taken at any moment holds every file
its database names. We chose this over a filesystem snapshot because MEDIA_ROOT may be an NFS share or a plain
folder, where no snapshot is available; see DEPLOYMENT.md, « Sauvegardes ».

A file written by an operation that then failed (``discard``) goes at once: no committed row ever named it.
A name deleted then saved again (a file rewritten in place) is overwritten in one rename and its tombstone dropped.
The purge also keeps a file that a row names again, or that was rewritten after its deletion.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.apps import apps
from django.core.files.storage import FileSystemStorage, storages
from django.db import DatabaseError, connection, models
from django.utils import timezone

logger = logging.getLogger(__name__)

# Longer than any backup run (minutes to an hour); short enough that a deleted file does not linger for weeks
# (the dated backups keep it as long as their retention says anyway).
DEFAULT_GRACE = timedelta(hours=48)


class TombstoneStorage(FileSystemStorage):
    def delete(self, name: str) -> None:
        """Record the deletion; the file stays until ``purge_deleted_files`` runs after the grace period."""
        if not name:
            raise ValueError("The name must be given to delete().")
        if connection.in_atomic_block:
            # Part of the caller's transaction: committed with the deletion of the row, or not at all.
            _record(name)
            return
        try:
            _record(name)
        except DatabaseError:
            # The database is unreachable: the file stays, unreferenced, which loses nothing.
            logger.warning("Suppression de %s non enregistrée (base injoignable) : le fichier reste.", name)

    def is_name_available(self, name: str, max_length: int | None = None) -> bool:
        if max_length and len(name) > max_length:
            return False
        return super().is_name_available(name, max_length=max_length) or _pending(name)

    def _save(self, name: str, content) -> str:
        if self.exists(name) and _pending(name):
            return self._overwrite(name, content)
        return super()._save(name, content)  # type: ignore[misc]  # private in Django, absent from the stubs

    def _overwrite(self, name: str, content) -> str:
        """Write beside the deleted file, then rename over it: a reader (or tar) sees one file or the other."""
        folder, base = os.path.split(name)
        temporary = super()._save(  # type: ignore[misc]  # private in Django, absent from the stubs
            os.path.join(folder, f".{base}.remplacement"), content
        )
        os.replace(self.path(temporary), self.path(name))
        _drop_tombstone(name)
        return name

    def discard(self, name: str) -> None:
        """Remove a file written by an operation that failed: no committed row ever named it, so no backup needs it."""
        if name and not _pending(name):
            super().delete(name)

    def remove_now(self, name: str) -> None:
        """Remove the file at once: only for the purge, never for the application."""
        super().delete(name)


def _model():
    return apps.get_model("lib", "PendingFileDeletion")


def _record(name: str) -> None:
    _model().objects.update_or_create(name=name, defaults={"requested_at": timezone.now()})


def _pending(name: str) -> bool:
    return _model().objects.filter(name=name).exists()


def _drop_tombstone(name: str) -> None:
    _model().objects.filter(name=name).delete()


@dataclass
class PurgeResult:
    removed: int = 0
    kept: int = 0

    def __str__(self) -> str:
        return f"{self.removed} fichier(s) supprimé(s), {self.kept} conservé(s) car de nouveau utilisé(s)"


def purge_deleted_files(*, grace: timedelta = DEFAULT_GRACE, now: datetime | None = None) -> PurgeResult:
    """Remove the files deleted more than ``grace`` ago, except those used again since."""
    storage = storages["default"]
    if not isinstance(storage, TombstoneStorage):
        raise TypeError("The default storage is not a TombstoneStorage: nothing to purge.")
    limit = (now or timezone.now()) - grace
    result = PurgeResult()
    for tombstone in _model().objects.filter(requested_at__lte=limit).order_by("requested_at", "pk").iterator():
        if _used_again(storage, tombstone.name, tombstone.requested_at):
            result.kept += 1
        else:
            storage.remove_now(tombstone.name)
            result.removed += 1
        tombstone.delete()
    return result


def _used_again(storage: TombstoneStorage, name: str, deleted_at: datetime) -> bool:
    """A row names the file again (a restore, a revert), or it was written after its deletion."""
    if storage.exists(name) and storage.get_modified_time(name) > deleted_at:
        return True
    return any(
        model._base_manager.filter(**{field.name: name}).exists()
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    )


def discard_file(storage, name: str) -> None:
    """Remove a file that a failed operation wrote: at once on the tombstone storage, by ``delete`` on any other."""
    if not name:
        return
    if isinstance(storage, TombstoneStorage):
        storage.discard(name)
    else:
        storage.delete(name)
