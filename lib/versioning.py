"""One optimistic lock for every edited row: the form carries the version it was built on, the save compares it.

A row that carries ``version`` (0 while it does not exist) is read ``FOR UPDATE`` inside the caller's transaction
(``locked``), compared with the version the form was built on (``ensure_version``: a mismatch raises the caller's
``Conflict``, nothing is written), then saved with ``bump``, which counts one more version. Services keep their own
French messages; the mechanics live here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import models

from lib.refusals import Conflict

Row = TypeVar("Row", bound=models.Model)


def locked(queryset: models.QuerySet[Row]) -> Row | None:
    """The row of ``queryset`` read ``FOR UPDATE`` (only that table's row: outer joins cannot be locked)."""
    return queryset.select_for_update(of=("self",)).first()


def stored_version(row: Any) -> int:
    return row.version if row is not None else 0


def ensure_version(row: Any, expected: int, conflict: Callable[[], Conflict]) -> None:
    """Raise ``conflict()`` when the stored version is not the one the form was built on."""
    if stored_version(row) != expected:
        raise conflict()


def bump(row: Any, *fields: str) -> None:
    """One version more, saved with ``fields`` (and ``updated_at`` when the model has it)."""
    row.version += 1
    names = [*fields, "version"]
    if any(field.name == "updated_at" for field in row._meta.concrete_fields):
        names.append("updated_at")
    row.save(update_fields=names)
