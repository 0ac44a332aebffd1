"""Reading an uploaded student list into rows (``RawRow``): CSV, XLSX or SIECLE's XML, within the size caps."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings

from accounts import import_columns
from accounts.import_files import (
    MAX_ROWS,
    ImportFileError,
    _locate_header,
    _read_table,
)
from accounts.import_rows import RAW_FIELDS, RawRow, parse_route

# --- Parsing ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedUpload:
    """An uploaded file once read: ``kind`` "table" (CSV, XLSX) or "siecle" (XML), ``payload`` JSON-ready."""

    file_name: str
    kind: str
    payload: dict[str, Any]


def read_upload(uploaded_file: Any) -> ParsedUpload:
    """Read an uploaded CSV, XLSX or SIECLE XML file, or raise ``ImportFileError`` with a French message."""
    from accounts import siecle  # siecle reads ImportFileError from here

    name = getattr(uploaded_file, "name", "") or "fichier"
    data = _read_bytes(uploaded_file, name, max(settings.STUDENT_IMPORT_MAX_BYTES, siecle.MAX_BYTES))
    if siecle.looks_like_siecle(data):
        return ParsedUpload(name, "siecle", siecle.parse_siecle(name, data).as_payload())
    if len(data) > settings.STUDENT_IMPORT_MAX_BYTES:
        raise ImportFileError(_too_big(name, settings.STUDENT_IMPORT_MAX_BYTES))
    return ParsedUpload(name, "table", _table(name, _read_table(name, data)).as_payload())


def read_table(uploaded_file: Any) -> "Table":
    """Read an uploaded CSV or XLSX file into a ``Table``, or raise ``ImportFileError`` with a French message."""
    name = getattr(uploaded_file, "name", "") or "fichier"
    data = _read_bytes(uploaded_file, name, settings.STUDENT_IMPORT_MAX_BYTES)
    return _table(name, _read_table(name, data))


def _read_bytes(uploaded_file: Any, name: str, limit: int) -> bytes:
    # The larger limit of SIECLE files is only announced for a file named like one.
    shown = limit if name.lower().endswith(".xml") else min(limit, settings.STUDENT_IMPORT_MAX_BYTES)
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > limit:
        raise ImportFileError(_too_big(name, shown))
    uploaded_file.seek(0)
    data = uploaded_file.read(limit + 1)
    if len(data) > limit:
        raise ImportFileError(_too_big(name, shown))
    if not data.strip():
        raise ImportFileError(f"Le fichier « {name} » est vide.")
    return data


def _too_big(name: str, limit: int) -> str:
    return f"Le fichier « {name} » dépasse la taille maximale de {limit // (1024 * 1024) or 1} Mo."


@dataclass(frozen=True)
class Table:
    """A CSV or XLSX file as read: the header row and the filled rows below it, with their spreadsheet lines."""

    header_line: int
    header: list[str]
    rows: list[tuple[int, list[str]]]

    def as_payload(self) -> dict[str, Any]:
        return {"header_line": self.header_line, "header": self.header, "rows": [[n, c] for n, c in self.rows]}

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> "Table":
        return cls(payload["header_line"], list(payload["header"]), [(n, list(c)) for n, c in payload["rows"]])

    def route_like(self, index: int) -> bool:
        """Whether every value of a column reads as a route (scolaire, apprenti, formation continue)."""
        values = self.values(index)
        return bool(values) and all(parse_route(v) is not None for v in values)

    def guess_mapping(self, remembered: dict[str, str] | None = None) -> list[str]:
        return import_columns.guess_mapping(self.header, remembered, self.route_like)

    def values(self, index: int) -> list[str]:
        """The distinct non-empty values of a column, in order of appearance."""
        seen: dict[str, None] = {}
        for _line, cells in self.rows:
            if index < len(cells) and cells[index]:
                seen.setdefault(cells[index], None)
        return list(seen)


def _table(name: str, table: list[list[str]]) -> Table:
    header_index = _locate_header(table)
    if header_index is None:
        raise ImportFileError(f"Le fichier « {name} » est vide.")
    rows: list[tuple[int, list[str]]] = []
    for index in range(header_index + 1, len(table)):
        cells = table[index]
        if not any(cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise ImportFileError(
                f"Le fichier « {name} » contient plus de {MAX_ROWS} étudiants : importez une classe à la fois."
            )
        rows.append((index + 1, cells))
    if not rows:
        raise ImportFileError(f"Le fichier « {name} » ne contient aucun étudiant sous la ligne des intitulés.")
    # Columns empty from the header down (trailing separators, a border drawn across) are no columns.
    header = table[header_index]
    width = max(max((i + 1 for i, c in enumerate(cells) if c), default=0) for cells in [header, *(c for _, c in rows)])
    return Table(header_index + 1, header[:width], [(line, cells[:width]) for line, cells in rows])


def rows_from_table(table: Table, mapping: list[str], divisions: list[str] | None = None) -> list[RawRow]:
    """The rows of ``table`` read through ``mapping`` (one field or "" per column).

    When a column is mapped to the division and ``divisions`` is given, only the rows of those divisions are kept.
    """
    columns = {name: i for i, name in enumerate(mapping) if name and name in RAW_FIELDS}
    division = mapping.index("division") if "division" in mapping else None
    wanted = set(divisions) if divisions is not None and division is not None else None
    rows: list[RawRow] = []
    for line, cells in table.rows:
        if (
            wanted is not None
            and division is not None
            and (cells[division] if division < len(cells) else "") not in wanted
        ):
            continue
        values = {name: (cells[i] if i < len(cells) else "") for name, i in columns.items()}
        rows.append(RawRow(line=line, **values))
    return rows


def parse_student_file(uploaded_file: Any) -> list[RawRow]:
    """Read a CSV or XLSX file through the guessed mapping (no importer to correct it): rows, or ``ImportFileError``."""
    name = getattr(uploaded_file, "name", "") or "fichier"
    table = read_table(uploaded_file)
    mapping = table.guess_mapping()
    problems = import_columns.mapping_problems(table.header, mapping)
    if problems:
        raise ImportFileError(f"Fichier « {name} » : " + " ".join(problems))
    return rows_from_table(table, mapping)
