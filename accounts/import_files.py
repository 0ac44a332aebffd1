"""Reading CSV and XLSX files into a table of strings, within caps, whatever the file declares.

XLSX is measured before it is read (rows, columns, inflated size, XML elements, DTDs), then read in streaming mode
no further than its data; CSV is decoded (UTF-8 with or without BOM, UTF-16, Windows-1252, ISO-8859-15), its
separator (semicolon, comma or tab) chosen by the header it gives, its lines and columns capped. Every refusal is an
``ImportFileError`` with a French message.
"""

import csv
import io
import itertools
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NoReturn
from xml.parsers import expat

from accounts import import_columns

MAX_ROWS = 1000  # students in one file
# What a file may hold at most, blank lines and unused columns included: the reading stops (and refuses) there,
# whatever the file declares. A class list fits many times over.
MAX_LINES = 3000
MAX_COLUMNS = 100
XLSX_MAX_UNCOMPRESSED = 20 * 1024 * 1024  # bytes once inflated, all files of the archive together
XLSX_MAX_MEMBERS = 300
XLSX_MAX_XML_ELEMENTS = 300_000  # a 1,000-student, 20-column sheet is about 50,000
HEADER_SEARCH_ROWS = 10  # a title line or two may precede the column names


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message is meant for the user."""


def _read_table(name: str, data: bytes) -> list[list[str]]:
    lower = name.lower()
    if data.startswith(b"\xd0\xcf\x11\xe0") or lower.endswith(".xls"):
        raise ImportFileError(
            f"« {name} » est au format Excel ancien (.xls) : enregistrez-le au format XLSX ou CSV, puis déposez-le."
        )
    if lower.endswith(".ods"):
        raise ImportFileError(
            f"« {name} » est au format OpenDocument (.ods) : enregistrez-le au format XLSX ou CSV, puis déposez-le."
        )
    if data.startswith(b"PK\x03\x04") or lower.endswith(".xlsx"):
        return _read_xlsx(name, data)
    return _read_csv(name, data)


def _read_xlsx(name: str, data: bytes) -> list[list[str]]:
    """The first sheet, read in streaming mode and only as far as its content goes, within the caps.

    ``_inspect_xlsx`` first measures the archive without building anything (a 1.5 KB file may declare a million
    rows, or inflate to gigabytes); openpyxl then reads exactly the rows and columns that hold data, no further.
    """
    from openpyxl import load_workbook  # imported here: only the XLSX path pays for it

    extents = _inspect_xlsx(name, data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (zip, XML, key errors) for a damaged file
        raise ImportFileError(_unreadable_xlsx(name)) from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise ImportFileError(_unreadable_xlsx(name))
        path = getattr(sheet, "_worksheet_path", "")
        extent = extents.get(path) or _SheetExtent.widest(extents.values())
        if extent.max_row > MAX_LINES:
            raise ImportFileError(_too_many_lines(name, extent.max_row))
        if extent.max_column > MAX_COLUMNS:
            raise ImportFileError(_too_many_columns(name, _column_letter(extent.max_column)))
        table: list[list[str]] = []
        if extent.max_row == 0:
            return table
        filled = 0
        rows = sheet.iter_rows(min_row=1, max_row=extent.max_row, max_col=max(extent.max_column, 1), values_only=True)
        # islice: never ask openpyxl for the row after the last one with data (it would parse the rest of the sheet).
        for values in itertools.islice(rows, extent.max_row):
            cells = [_cell_text(v) for v in values]
            table.append(cells)
            filled += any(cells)
            if filled > MAX_ROWS + HEADER_SEARCH_ROWS:
                break
    except ImportFileError:
        raise
    except Exception:
        raise ImportFileError(_unreadable_xlsx(name)) from None
    finally:
        workbook.close()
    return table


def _unreadable_xlsx(name: str) -> str:
    return (
        f"Le fichier « {name} » n'est pas un classeur XLSX lisible (fichier endommagé ou d'un autre format). "
        "Enregistrez-le à nouveau depuis votre tableur au format XLSX ou CSV."
    )


def _oversized_xlsx(name: str) -> str:
    return (
        f"Le classeur « {name} » est anormalement volumineux une fois décompressé pour une liste d'au plus "
        f"{MAX_ROWS} étudiants. Copiez seulement la liste de la classe dans un nouveau classeur (XLSX) ou "
        "enregistrez-la au format CSV, puis déposez ce fichier."
    )


def _too_many_lines(name: str, last: int) -> str:
    return (
        f"Le fichier « {name} » contient des données jusqu'à la ligne {_number(last)} : l'import lit au plus "
        f"{_number(MAX_LINES)} lignes, lignes vides comprises. Supprimez ce qui se trouve sous la liste des "
        "étudiants (ou copiez la liste dans un nouveau fichier), puis déposez-le à nouveau."
    )


def _too_many_columns(name: str, last: str) -> str:
    return (
        f"Le fichier « {name} » contient des données jusqu'à la colonne {last} : l'import lit au plus "
        f"{MAX_COLUMNS} colonnes (jusqu'à la colonne {_column_letter(MAX_COLUMNS)}). Supprimez les colonnes "
        "en trop (ou copiez la liste dans un nouveau fichier), puis déposez-le à nouveau."
    )


def _number(n: int) -> str:
    """1048576 → « 1 048 576 » (French thousands separator, a non-breaking space)."""
    return f"{n:,}".replace(",", "\u00a0")


def _column_index(letters: str) -> int:
    """« A » → 1, « CV » → 100, « XFD » → 16384."""
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - ord("A") + 1
    return index


def _column_letter(index: int) -> str:
    letters = ""
    while index > 0:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


@dataclass
class _SheetExtent:
    """Where the data of a worksheet ends: the last row and column holding a value (0 when empty)."""

    max_row: int = 0
    max_column: int = 0

    @classmethod
    def widest(cls, extents: Iterable["_SheetExtent"]) -> "_SheetExtent":
        extents = list(extents)
        return cls(max((e.max_row for e in extents), default=0), max((e.max_column for e in extents), default=0))


class _XlsxRefused(Exception):
    pass


_CELL_REF = re.compile(r"^([A-Z]{1,3})([0-9]{1,7})$")


def _inspect_xlsx(name: str, data: bytes) -> dict[str, _SheetExtent]:
    """Measure an XLSX archive before openpyxl builds anything from it; return each worksheet's data extent.

    Refuses, with a French message: more than XLSX_MAX_MEMBERS files, more than XLSX_MAX_UNCOMPRESSED bytes once
    inflated (a zip bomb: sizes are checked from the directory, and zipfile never inflates beyond the size it
    declares), more than XLSX_MAX_XML_ELEMENTS XML elements in all, and any DTD or entity declaration (a
    spreadsheet has none; it is how XML bombs are built). The XML is read with expat event handlers: nothing is
    kept in memory but counters.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise ImportFileError(_unreadable_xlsx(name)) from None
    if len(members) > XLSX_MAX_MEMBERS or sum(m.file_size for m in members) > XLSX_MAX_UNCOMPRESSED:
        raise ImportFileError(_oversized_xlsx(name))
    budget = [XLSX_MAX_XML_ELEMENTS]
    extents: dict[str, _SheetExtent] = {}
    try:
        for member in members:
            lower = member.filename.lower()
            if not lower.endswith((".xml", ".rels", ".vml")):
                continue
            extent = _SheetExtent() if lower.startswith("xl/worksheets/") else None
            with archive.open(member) as stream:
                _scan_xml(stream, budget, extent)
            if extent is not None:
                extents[member.filename] = extent
    except _XlsxRefused:
        raise ImportFileError(_oversized_xlsx(name)) from None
    except Exception:  # bad XML, bad CRC, truncated archive
        raise ImportFileError(_unreadable_xlsx(name)) from None
    return extents


def _scan_xml(stream: Any, budget: list[int], extent: _SheetExtent | None) -> None:
    parser = expat.ParserCreate()
    state = {"row": 0, "cell_row": 0, "cell_col": 0, "col": 0}

    def refuse(*_args: Any) -> NoReturn:
        raise ValueError("DTD ou entité dans un classeur XLSX")

    def start(tag: str, attrs: dict[str, str]) -> None:
        budget[0] -= 1
        if budget[0] < 0:
            raise _XlsxRefused
        if extent is None:
            return
        local = tag.rpartition(":")[2]
        if local == "row":
            ref = attrs.get("r", "")
            state["row"] = int(ref) if ref.isdigit() else state["row"] + 1
            state["col"] = 0
        elif local == "c":
            match = _CELL_REF.match(attrs.get("r", ""))
            if match:
                state["col"] = _column_index(match.group(1))
                state["row"] = int(match.group(2))
            else:
                state["col"] += 1
            state["cell_row"], state["cell_col"] = state["row"], state["col"]
        elif local in ("v", "is", "f") and state["cell_col"]:
            extent.max_row = max(extent.max_row, state["cell_row"])
            extent.max_column = max(extent.max_column, state["cell_col"])

    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    while chunk := stream.read(64 * 1024):
        parser.Parse(chunk, False)
    parser.Parse(b"", True)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a n° candidat typed as a number comes back as 2412345678.0
    return _clean(str(value))


def _read_csv(name: str, data: bytes) -> list[list[str]]:
    text = _decode(name, data)
    controls = sum(1 for ch in text[:20000] if ord(ch) < 32 and ch not in "\t\r\n")
    if controls:
        raise ImportFileError(_not_text(name))
    body = text.rstrip("\r\n")  # trailing line breaks are not lines
    lines = body.count("\n") + body.count("\r") - body.count("\r\n") + 1
    if lines > MAX_LINES:
        raise ImportFileError(_too_many_lines(name, lines))
    best: list[list[str]] | None = None
    best_score = -1
    best_wide: tuple[int, int] | None = None
    for delimiter in (";", ",", "\t"):
        table: list[list[str]] = []
        wide: tuple[int, int] | None = None  # (line, number of columns) of the first line too wide
        try:
            for record in csv.reader(io.StringIO(text), delimiter=delimiter):
                if len(record) > MAX_COLUMNS and wide is None and any(record[MAX_COLUMNS:]):
                    wide = (len(table) + 1, len(record))
                table.append([_clean(c) for c in record[:MAX_COLUMNS]])
        except csv.Error:
            continue
        score = _header_score(table) * 1000 + sum(len(r) for r in table[:HEADER_SEARCH_ROWS])
        if score > best_score:
            best, best_score, best_wide = table, score, wide
    if best is None:
        raise ImportFileError(_not_text(name))
    if best_wide is not None:
        line, width = best_wide
        raise ImportFileError(
            f"La ligne {line} du fichier « {name} » compte {width} colonnes : l'import en lit au plus {MAX_COLUMNS}. "
            "Supprimez les colonnes en trop, puis déposez le fichier à nouveau."
        )
    return best


def _decode(name: str, data: bytes) -> str:
    """UTF-8 (with or without BOM) first, strictly; then Windows-1252 or ISO-8859-15 (see below)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ImportFileError(_not_text(name)) from None
    if b"\x00" in data:
        raise ImportFileError(_not_text(name))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    return data.decode(_single_byte_encoding(data), errors="replace")


# Where ISO-8859-15 and Windows-1252 differ in printable letters: « Œ » is 0xBC in the first, « ¼ » in the second.
_LATIN9_ONLY = frozenset(b"\xa4\xa6\xa8\xb4\xb8\xbc\xbd\xbe")


def _single_byte_encoding(data: bytes) -> str:
    """Windows-1252 (what French Excel writes) unless the file has none of its 0x80–0x9F characters and some of
    the bytes that only ISO-8859-15 makes letters (Œ, œ, Ÿ, Š, Ž, €): a name list never holds « ¼ » or « ¤ »."""
    if any(0x80 <= b <= 0x9F for b in data) or not _LATIN9_ONLY.intersection(data):
        return "cp1252"
    return "iso-8859-15"


def _not_text(name: str) -> str:
    return (
        f"Le fichier « {name} » n'est ni un CSV lisible ni un classeur XLSX. "
        "Depuis votre tableur, enregistrez la liste au format CSV (séparateur point-virgule) ou XLSX."
    )


def _clean(value: str) -> str:
    value = value.replace("\ufeff", "").replace("\u200b", "").replace("\xa0", " ")
    return " ".join(value.split())


def _locate_header(table: list[list[str]]) -> int | None:
    """The first row naming a name and a first name, among the first few filled rows; else the first filled row."""
    first_filled: int | None = None
    seen = 0
    for index, cells in enumerate(table):
        if not any(cells):
            continue
        first_filled = index if first_filled is None else first_filled
        if import_columns.names_required_fields(cells):
            return index
        seen += 1
        if seen >= HEADER_SEARCH_ROWS:
            break
    return first_filled


def _header_score(table: list[list[str]]) -> int:
    index = _locate_header(table)
    return 0 if index is None else import_columns.recognised_count(table[index])
