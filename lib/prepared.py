"""A queryset compiled to SQL once per database, then run again with other values.

Building and compiling a queryset with several ``Exists``/``Subquery`` conditions costs the ORM a few milliseconds
of Python, while the database answers in a fraction of one. Where such a query runs on every page (the navigation's
« À faire (N) » counter), ``PreparedQuery`` compiles it once per database connection alias with *sentinel* values
(an improbable user id, an improbable date), finds where each sentinel landed in the SQL parameters, and afterwards
only swaps the parameters: the SQL text is the ORM's own, so it stays exactly what the queryset would run.

Sentinels are matched after the backend's adaptation (``adapt_datefield_value``…), and each must appear at least
once, or compiling fails loudly: a builder that stopped using one of its arguments is a bug, not a silent constant.
"""

import datetime
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model, QuerySet


def _adapt(connection, value):
    """The value as the backend puts it in the SQL parameters."""
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, datetime.date):
        return connection.ops.adapt_datefield_value(value)
    return value


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    slots: dict[int, str]  # parameter position -> argument name
    converters: dict  # column position -> (converters, expression), as SQLCompiler.get_converters returns them


class PreparedQuery:
    """``build(**arguments) -> QuerySet`` of ``model``, compiled once per database alias with ``sentinels``."""

    def __init__(self, model: type[Model], build: Callable[..., QuerySet], **sentinels):
        self.model = model
        self.build = build
        self.sentinels = sentinels
        self._compiled: dict[str, _Compiled] = {}
        self._lock = threading.Lock()

    def _compile(self) -> tuple[_Compiled, BaseDatabaseWrapper]:
        alias = router.db_for_read(self.model)
        connection = connections[alias]
        compiled = self._compiled.get(alias)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(alias) or self._compile_for(self.build(**self.sentinels), connection)
                self._compiled[alias] = compiled
        return compiled, connection

    def _compile_for(self, queryset: QuerySet, connection) -> _Compiled:
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        adapted = {name: _adapt(connection, value) for name, value in self.sentinels.items()}
        slots = {}
        for position, param in enumerate(params):
            for name, value in adapted.items():
                if type(param) is type(value) and param == value:
                    slots[position] = name
        missing = set(self.sentinels) - set(slots.values())
        if missing:
            raise ValueError(f"{self.build.__name__}: argument(s) {sorted(missing)} not found in the SQL parameters")
        converters = compiler.get_converters([column for column, _, _ in compiler.select[: compiler.col_count]])
        return _Compiled(sql=sql, params=tuple(params), slots=slots, converters=converters)

    def _params(self, compiled: _Compiled, connection, arguments: dict) -> list:
        if set(arguments) != set(self.sentinels):
            raise TypeError(f"{self.build.__name__} takes {sorted(self.sentinels)}, got {sorted(arguments)}")
        params = list(compiled.params)
        for position, name in compiled.slots.items():
            params[position] = _adapt(connection, arguments[name])
        return params

    def count(self, **arguments) -> int:
        """The number of rows the queryset would return."""
        return count_each((self, arguments))[0]

    def rows(self, **arguments) -> list[list]:
        """The rows (the queryset's selected columns, converted as the ORM converts them)."""
        compiled, connection = self._compile()
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, self._params(compiled, connection, arguments))
            rows = cursor.fetchall()
        result = []
        for row in rows:
            row = list(row)
            for position, (functions, expression) in compiled.converters.items():
                value = row[position]
                for function in functions:
                    value = function(value, expression, connection)
                row[position] = value
            result.append(row)
        return result


def count_each(*queries: tuple[PreparedQuery, dict]) -> list[int]:
    """The row count of each (prepared query, arguments), in one round trip to the database."""
    parts: list[str] = []
    params: list = []
    connection: BaseDatabaseWrapper | None = None
    for index, (query, arguments) in enumerate(queries):
        compiled, connection = query._compile()
        parts.append(f"(SELECT COUNT(*) FROM ({compiled.sql}) prepared_rows_{index})")  # noqa: S608 - the ORM's SQL
        params.extend(query._params(compiled, connection, arguments))
    if connection is None:
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        return list(cursor.fetchone())
