"""French alphabetical order of people's names, the same on PostgreSQL and SQLite.

« ÉTIENNE » sorts with E (not after « VINCENT » as a byte order puts it), « Œillet » with « Oeillet », « de Lucas »
with D, lower and upper case together. Both databases apply the Unicode Collation Algorithm with its default table,
which is the French order (CLDR gives French no tailoring of its own):

- PostgreSQL: the ICU collation ``fr-x-icu`` that PostgreSQL creates at ``initdb`` when built with ICU (Debian's
  and the official images are), used per query with ``COLLATE`` — no migration, no extension.
- SQLite: a collation of the same name registered on each new connection, computed with ``pyuca`` (a pure-Python
  implementation of the same algorithm and table). The tests check that both give one order on the names that
  matter (accents, Œ, particles, case, hyphens and apostrophes).

Python lists that are not read from the database sort with ``name_key``, the same key.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from django.db.models import F, Func
from django.db.models.expressions import Expression

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler, _AsSqlType

SQLITE_COLLATION = "fr_names"
POSTGRESQL_COLLATION = "fr-x-icu"


@functools.cache
def _collator():
    from pyuca import Collator

    return Collator()  # reads the default table once per process (about a tenth of a second)


@functools.lru_cache(maxsize=65_536)
def name_key(text: str | None) -> tuple[int, ...]:
    """The sort key of ``text`` in French alphabetical order (None and the empty string first)."""
    return tuple(_collator().sort_key(text or ""))


def _compare(left: str | None, right: str | None) -> int:
    a, b = name_key(left), name_key(right)
    return (a > b) - (a < b)


def register_sqlite_collation(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: SQLite connections learn the French order of names."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(SQLITE_COLLATION, _compare)


class French(Func):
    """``expression COLLATE <French order>``, spelled for the database in use (``Collate`` takes one name only)."""

    template = "%(expressions)s COLLATE %(collation)s"

    def __init__(self, expression: str | Expression) -> None:
        super().__init__(F(expression) if isinstance(expression, str) else expression)

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> _AsSqlType:
        name = POSTGRESQL_COLLATION if connection.vendor == "postgresql" else SQLITE_COLLATION
        extra_context.setdefault("collation", connection.ops.quote_name(name))
        return super().as_sql(compiler, connection, function, template, arg_joiner, **extra_context)


def by_name(prefix: str = "user__") -> list:
    """``order_by`` arguments for people in French alphabetical order: last name, first name, then the key."""
    return [French(f"{prefix}last_name"), French(f"{prefix}first_name"), f"{prefix}pk" if prefix else "pk"]
