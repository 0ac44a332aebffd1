"""The académie's export of marks for the final jury (issue 16): one line per candidate and exam, as XLSX and as
semicolon CSV (``lib.spreadsheets``). Candidate number, establishment UAI, exam, status code, mark — never a level,
a profile or a name. A commission that has not deliberated exports no mark: its candidates read ``NON_DELIBERE``."""

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef

from accounts.models import Academie
from certification.models import CandidateResult, Deliberation, ResultStatus
from lib.spreadsheets import Sheet, csv_bytes, xlsx_bytes
from referentiel.models import ExamSession

HEADER = ("N° candidat", "UAI", "Épreuve", "Code statut", "Note")
STATUS_CODES: dict[str, str] = {
    ResultStatus.MARK: "NOTE",
    ResultStatus.RESERVED: "RESERVEE",
    ResultStatus.NOT_VALID: "NV",
    ResultStatus.ABSENT: "ABS",
    ResultStatus.PENDING: "A_NOTER",
}
NOT_DELIBERATED = "NON_DELIBERE"
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Export:
    filename: str
    content_type: str
    content: bytes


def rows(academie: Academie, session: ExamSession) -> Iterator[tuple[str, str, str, str, Decimal | None]]:
    results = (
        CandidateResult.objects.filter(
            commission__session=session, commission__cohort__establishment__academie=academie
        )
        .annotate(deliberated=Exists(Deliberation.objects.filter(commission=OuterRef("commission_id"))))
        .order_by("commission__cohort__establishment__uai", "commission__exam__code", "student__candidate_number", "pk")
        .values_list(
            "student__candidate_number",
            "commission__cohort__establishment__uai",
            "commission__exam__code",
            "status",
            "mark",
            "deliberated",
        )
    )
    for number, uai, exam, status, mark, deliberated in results:
        if not deliberated:
            yield number, uai, exam, NOT_DELIBERATED, None
        else:
            yield number, uai, exam, STATUS_CODES[status], mark if status == ResultStatus.MARK else None


def export_marks(academie: Academie, session: ExamSession, fmt: str) -> Export:
    """``fmt`` is "csv" or "xlsx" (KeyError otherwise)."""
    content_type = FORMATS[fmt]
    sheet = Sheet(f"Notes {session.year}", HEADER, rows(academie, session), widths=(16, 12, 10, 16, 8))
    content = csv_bytes(sheet) if fmt == "csv" else xlsx_bytes(sheet)
    return Export(f"notes-academie-{academie.code}-{session.year}.{fmt}", content_type, content)
