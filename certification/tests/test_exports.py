"""The commission summary export: CSV for French Excel and XLSX, marks and statuses, never a level."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

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
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Nom", "Prénom", "N° candidat", "Note")
    assert sheet["A1"].font.bold
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name[cast.student.user.last_name][3] == 12.5
    assert by_name[cast.student2.user.last_name][3] == "ABS"
    assert not {cell for row in rows for cell in row if isinstance(cell, str)} & LEVEL_CODES
    assert response["Content-Disposition"].endswith('-2027.xlsx"')


def test_pending_reserved_and_nv_show_their_labels(cast, commission):
    from certification.exports import summary_rows
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
