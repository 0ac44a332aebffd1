"""Reads of the marks an establishment sent to its académie (issue 16).

The jury reads the **sent** marks, never the live ones: ``sent_marks`` gives, per result, what the latest send froze.
A change after the latest send (a result reopened, a mark or a status changed at a re-deliberation) is found by
comparing that snapshot with the current results and the reopenings dated after the send — no hook in the mark
services is needed, and a change undone before anyone looks is rightly no longer flagged.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.models import Academie, Establishment, User
from accounts.permissions import admin_establishment_ids
from certification.evaluation.services.profiles import fmt
from certification.models import CandidateResult, Commission, Deliberation, Reopening, ResultStatus
from harmonisation.models import MarksDispatch
from referentiel.models import Exam, ExamSession


@dataclass(frozen=True)
class SentMark:
    number: str
    status: str
    mark: Decimal | None


@dataclass(frozen=True)
class LateChange:
    """One difference between the académie's copy and the establishment's current result."""

    code: str
    what: str
    at: datetime.datetime | None
    result_id: int | None = None

    @property
    def label(self) -> str:
        return f"{self.code} : {self.what}"


@dataclass(frozen=True)
class Current:
    """A current result as the comparison needs it. ``updated_at`` may be the database's text of the column (the
    harmonisation page reads 2,400 of them and shows a handful: it is parsed only for a change shown)."""

    result_id: int
    student_id: int | None
    commission_id: int
    code: str
    status: str
    mark: Decimal | None
    updated_at: datetime.datetime | str | None

    @property
    def saved_at(self) -> datetime.datetime | None:
        return saved_at(self.updated_at)


def saved_at(value: datetime.datetime | str | None) -> datetime.datetime | None:
    """A save time, from the datetime or from the database's text of the column."""
    if not isinstance(value, str):
        return value
    parsed = parse_datetime(value)
    if parsed is not None and timezone.is_naive(parsed):  # SQLite stores UTC without an offset
        parsed = parsed.replace(tzinfo=datetime.UTC)
    return parsed


def shown(status: str, mark: Decimal | None) -> str:
    """« 12,5 », « NV (non valide) »…: a status as the académie reads it."""
    return fmt(mark) if status == ResultStatus.MARK else ResultStatus(status).label


def snapshot(results: Iterable[CandidateResult]) -> list[dict]:
    """The frozen copy of results (``student`` loaded), in a stable order."""
    return [
        {
            "result": r.pk,
            "student": r.student_id,
            "number": r.student.candidate_number or f"R{r.pk}",
            "status": r.status,
            "mark": None if r.mark is None or r.status != ResultStatus.MARK else str(r.mark),
        }
        for r in sorted(results, key=lambda r: r.pk)
    ]


def sent_marks(dispatch: MarksDispatch) -> dict[int, SentMark]:
    return {
        row["result"]: SentMark(row["number"], row["status"], None if row["mark"] is None else Decimal(row["mark"]))
        for row in dispatch.marks
    }


def latest_dispatches(
    academie: Academie | int, session: ExamSession, exam: Exam | None = None
) -> dict[tuple[int, int], MarksDispatch]:
    """``{(establishment id, exam id): the latest send}`` over the académie, in one query."""
    dispatches = MarksDispatch.objects.filter(academie=academie, session=session).select_related("sent_by")
    if exam is not None:
        dispatches = dispatches.filter(exam=exam)
    latest: dict[tuple[int, int], MarksDispatch] = {}
    for dispatch in dispatches.order_by("sent_at", "pk"):
        latest[(dispatch.establishment_id, dispatch.exam_id)] = dispatch
    return latest


def reopenings_after(commission_ids: Iterable[int], since: datetime.datetime | None) -> list[Reopening]:
    """The reopenings of these commissions dated after ``since`` (one query; none when nothing was sent)."""
    if since is None:
        return []
    return list(
        Reopening.objects.filter(commission_id__in=list(commission_ids), reopened_at__gt=since).order_by(
            "reopened_at", "pk"
        )
    )


class CurrentResult(Protocol):
    """What ``late_changes`` reads of a current result: a ``Current``, or the harmonisation page's own candidate."""

    @property
    def result_id(self) -> int: ...
    @property
    def student_id(self) -> int | None: ...
    @property
    def commission_id(self) -> int: ...
    @property
    def code(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def mark(self) -> Decimal | None: ...
    @property
    def saved_at(self) -> datetime.datetime | None: ...


def late_changes(
    dispatch: MarksDispatch, current: Sequence[CurrentResult], reopenings: list[Reopening]
) -> list[LateChange]:
    """What changed in the establishment since ``dispatch``: ``current`` holds its current results of the exam."""
    sent = {row["result"]: row for row in dispatch.marks}
    by_student = {c.student_id: c for c in current}
    changes = []
    for reopening in reopenings:
        if reopening.reopened_at <= dispatch.sent_at:
            continue
        candidate = by_student.get(reopening.student_id)
        if candidate is None or candidate.commission_id != reopening.commission_id:
            continue
        state = "rouvert, nouvelle délibération attendue" if reopening.closed_on is None else "rouvert puis redélibéré"
        changes.append(LateChange(candidate.code, f"résultat {state}", reopening.reopened_at, candidate.result_id))
    for candidate in current:
        row = sent.pop(candidate.result_id, None)
        now = shown(candidate.status, candidate.mark)
        if row is None:
            changes.append(LateChange(candidate.code, f"absent de l'envoi, aujourd'hui {now}", candidate.saved_at))
            continue
        before = shown(row["status"], None if row["mark"] is None else Decimal(row["mark"]))
        if before != now:
            changes.append(LateChange(candidate.code, f"{before} → {now}", candidate.saved_at, candidate.result_id))
    return changes


def establishment_results(establishment: Establishment, session: ExamSession, exam: Exam) -> list[CandidateResult]:
    return list(
        CandidateResult.objects.filter(
            commission__cohort__establishment=establishment, commission__session=session, commission__exam=exam
        )
        .select_related("student")
        .order_by("pk")
    )


def _code(result: CandidateResult) -> str:
    return result.student.candidate_number or f"R{result.pk}"


def current_of(results: Iterable[CandidateResult]) -> list[Current]:
    return [Current(r.pk, r.student_id, r.commission_id, _code(r), r.status, r.mark, r.updated_at) for r in results]


@dataclass
class SendState:
    """What the send page shows for an establishment, an exam and a session."""

    establishment: Establishment
    session: ExamSession
    exam: Exam
    commissions: list[Commission]
    results: list[CandidateResult]
    latest: MarksDispatch | None
    changes: list[LateChange]
    blockers: list[str]

    @property
    def counts(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for result in self.results:
            found[result.get_status_display()] = found.get(result.get_status_display(), 0) + 1
        return found


def send_blockers(commissions: list[Commission]) -> list[str]:
    """French reasons why the marks cannot be sent yet (empty: they can)."""
    if not commissions:
        return ["Aucune commission de cet établissement pour cette épreuve et cette session."]
    found = []
    deliberated = set(Deliberation.objects.filter(commission__in=commissions).values_list("commission_id", flat=True))
    for commission in commissions:
        if commission.pk not in deliberated:
            found.append(
                f"{commission.cohort.name} : le jury n'a pas encore délibéré ; les notes ne peuvent être "
                "transmises à l'académie qu'après la délibération."
            )
    reopened = Reopening.objects.filter(commission__in=commissions, closed_on__isnull=True)
    for reopening in reopened.select_related("commission__cohort").order_by("pk"):
        found.append(
            f"{reopening.commission.cohort.name} : un résultat rouvert attend une nouvelle délibération "
            "avant tout envoi."
        )
    return found


def send_state(establishment: Establishment, session: ExamSession, exam: Exam) -> SendState:
    commissions = list(
        Commission.objects.filter(cohort__establishment=establishment, session=session, exam=exam)
        .select_related("cohort")
        .order_by("cohort__name", "pk")
    )
    results = establishment_results(establishment, session, exam)
    latest = (
        MarksDispatch.objects.filter(establishment=establishment, session=session, exam=exam)
        .select_related("sent_by")
        .order_by("-sent_at", "-pk")
        .first()
    )
    changes = []
    if latest is not None:
        reopenings = reopenings_after([c.pk for c in commissions], latest.sent_at)
        changes = late_changes(latest, current_of(results), reopenings)
    return SendState(establishment, session, exam, commissions, results, latest, changes, send_blockers(commissions))


@dataclass(frozen=True)
class SendLine:
    establishment: Establishment
    session: ExamSession
    exam: Exam
    latest: MarksDispatch | None


def send_lines(user: User, establishment_ids: set[int]) -> list[SendLine]:
    """Each (establishment, session, exam) whose marks ``user`` may send, with the latest send: two queries."""
    admin_of = admin_establishment_ids(user)
    commissions = (
        Commission.objects.filter(cohort__establishment_id__in=establishment_ids)
        .filter(Q(cohort__establishment_id__in=admin_of) | Q(responsible=user))
        .select_related("cohort__establishment", "session", "exam")
        .order_by("cohort__establishment__name", "-session__year", "exam__code")
    )
    seen: dict[tuple[int, int, int], SendLine] = {}
    for c in commissions:
        key = (c.cohort.establishment_id, c.session_id, c.exam_id)
        seen.setdefault(key, SendLine(c.cohort.establishment, c.session, c.exam, None))
    latest: dict[tuple[int, int, int], MarksDispatch] = {}
    sent = MarksDispatch.objects.filter(establishment_id__in=establishment_ids).order_by("sent_at", "pk")
    for dispatch in sent:
        latest[(dispatch.establishment_id, dispatch.session_id, dispatch.exam_id)] = dispatch
    return [SendLine(line.establishment, line.session, line.exam, latest.get(key)) for key, line in seen.items()]
