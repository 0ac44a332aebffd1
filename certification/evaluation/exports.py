"""The commission's summary as a spreadsheet: one row per candidate, the mark or the status, never a level.

One generator of rows feeds both formats. CSV is what French Excel opens: UTF-8 with a BOM, semicolons, CRLF and a
decimal comma. XLSX (openpyxl) keeps marks as numbers. Grid levels and profiles are jury-only: never exported.
Every text cell goes through ``lib.spreadsheets`` so that a name like ``=HYPERLINK(…)`` is never a live formula.
"""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from accounts.models import Student
from certification.commissions.models import Commission
from certification.evaluation.models import CandidateResult, ResultStatus
from lib.collation import by_name
from lib.spreadsheets import append_safe_row, safe_row

HEADER = ("Nom", "Prénom", "N° candidat", "Note")
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# The mark column holds a number or one of these status codes, never a free text (the exam office reads it).
STATUS_LABELS: dict[str, str] = {
    ResultStatus.PENDING: "À noter",
    ResultStatus.RESERVED: "Réservée",
    ResultStatus.NOT_VALID: "NV",
    ResultStatus.ABSENT: "ABS",
}
WIDTHS = (24, 20, 16, 14)


def result_value(result: CandidateResult | None) -> Decimal | str:
    """The mark (a Decimal) or the status code: « Réservée », « NV », « ABS », « À noter » — never a reason."""
    if result is None:
        return STATUS_LABELS[ResultStatus.PENDING]
    if result.status == ResultStatus.MARK and result.mark is not None:
        return result.mark
    return STATUS_LABELS.get(result.status, STATUS_LABELS[ResultStatus.PENDING])


def summary_rows(commission: Commission) -> Iterator[tuple[str, str, str, Decimal | str]]:
    """Candidates of the commission's cohort, by name; the header is not included."""
    results = {r.student_id: r for r in CandidateResult.objects.filter(commission=commission)}
    students = Student.objects.filter(cohort_id=commission.cohort_id).select_related("user").order_by(*by_name())
    for student in students:
        user = student.user
        yield user.last_name, user.first_name, student.candidate_number or "", result_value(results.get(student.pk))


def french_number(value: Decimal) -> str:
    """12.5 → « 12,5 », 14.0 → « 14 »."""
    if value == value.to_integral():
        return str(int(value))
    return f"{value.normalize():f}".replace(".", ",")


def export_filename(commission: Commission, fmt: str) -> str:
    """``notes-E4-<cohort>-2027.xlsx``, ASCII only."""
    parts = [
        "notes",
        slugify(commission.exam.code).upper(),
        slugify(commission.cohort.name),
        str(commission.session.year),
    ]
    return "-".join(part for part in parts if part) + f".{fmt}"


def _csv(commission: Commission) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(safe_row(HEADER))
    for *identity, value in summary_rows(commission):
        writer.writerow(safe_row([*identity, french_number(value) if isinstance(value, Decimal) else value]))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx(commission: Commission) -> bytes:
    workbook = Workbook()
    sheet = cast(Worksheet, workbook.active)  # a new workbook's active sheet is a worksheet
    sheet.title = f"Notes {commission.exam.code}"
    append_safe_row(sheet, HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for *identity, value in summary_rows(commission):
        append_safe_row(sheet, [*identity, float(value) if isinstance(value, Decimal) else value])
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[chr(ord("A") + index - 1)].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class Export:
    filename: str
    content_type: str
    content: bytes


def export_commission(commission: Commission, fmt: str) -> Export:
    """``fmt`` is "csv" or "xlsx" (KeyError otherwise)."""
    content_type = FORMATS[fmt]
    content = _csv(commission) if fmt == "csv" else _xlsx(commission)
    return Export(export_filename(commission, fmt), content_type, content)
