"""The académie's export of marks for the final jury (issue 16): one line per candidate and exam, as XLSX and as
semicolon CSV (``lib.spreadsheets``). Candidate number, establishment UAI, exam, status code, mark — never a level,
a profile or a name. Only the marks an establishment SENT after its deliberation are exported (the frozen copy, not the
live marks): its other candidates read ``NON_TRANSMIS``, or ``NON_DELIBERE`` before the deliberation."""

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef

from accounts.models import Academie
from certification.models import CandidateResult, Deliberation, ResultStatus
from harmonisation import dispatches
from lib.spreadsheets import Sheet, csv_bytes, xlsx_bytes
from referentiel.models import Exam, ExamSession

HEADER = ("N° candidat", "UAI", "Épreuve", "Code statut", "Note")
STATUS_CODES: dict[str, str] = {
    ResultStatus.MARK: "NOTE",
    ResultStatus.RESERVED: "RESERVEE",
    ResultStatus.NOT_VALID: "NV",
    ResultStatus.ABSENT: "ABS",
    ResultStatus.PENDING: "A_NOTER",
}
NOT_DELIBERATED = "NON_DELIBERE"
NOT_SENT = "NON_TRANSMIS"
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Export:
    filename: str
    content_type: str
    content: bytes


def rows(
    academie: Academie, session: ExamSession, exam: Exam | None = None
) -> Iterator[tuple[str, str, str, str, Decimal | None]]:
    """The SENT marks (``harmonisation.dispatches``): a candidate whose establishment has not sent them reads
    ``NON_TRANSMIS`` (or ``NON_DELIBERE`` before the deliberation), with no mark."""
    sent: dict[int, dispatches.SentMark] = {}
    for dispatch in dispatches.latest_dispatches(academie, session, exam).values():
        sent.update(dispatches.sent_marks(dispatch))
    results = CandidateResult.objects.filter(
        commission__session=session, commission__cohort__establishment__academie=academie
    )
    if exam is not None:
        results = results.filter(commission__exam=exam)
    read = (
        results.annotate(deliberated=Exists(Deliberation.objects.filter(commission=OuterRef("commission_id"))))
        .order_by("commission__cohort__establishment__uai", "commission__exam__code", "student__candidate_number", "pk")
        .values_list(
            "pk",
            "student__candidate_number",
            "commission__cohort__establishment__uai",
            "commission__exam__code",
            "deliberated",
        )
    )
    for pk, number, uai, exam_code, deliberated in read:
        mark = sent.get(pk)
        if mark is None:
            yield number, uai, exam_code, NOT_SENT if deliberated else NOT_DELIBERATED, None
        else:
            value = mark.mark if mark.status == ResultStatus.MARK else None
            yield number, uai, exam_code, STATUS_CODES[mark.status], value


def export_marks(academie: Academie, session: ExamSession, fmt: str) -> Export:
    """``fmt`` is "csv" or "xlsx" (KeyError otherwise)."""
    content_type = FORMATS[fmt]
    sheet = Sheet(f"Notes {session.year}", HEADER, rows(academie, session), widths=(16, 12, 10, 16, 8))
    content = csv_bytes(sheet) if fmt == "csv" else xlsx_bytes(sheet)
    return Export(f"notes-academie-{academie.code}-{session.year}.{fmt}", content_type, content)
