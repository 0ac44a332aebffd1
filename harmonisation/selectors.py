"""The académie's view of one exam and one session, over every establishment of the académie (issue 16).

A fixed number of queries whatever the number of establishments and candidates: commissions, results, ranges, the
exam's compétences, open requests — each one query. Candidates are shown by a code (the candidate number, else a
code of the result), never by name.

Profiles are compared only when their keys are identical (``certification.evaluation.services.profiles``):
``S-S-NE-I`` and ``S-S-I-NE``
are different shapes and never put side by side. A compétence the stored profile of a *marked* candidate does not
hold is read ``NE``: a commission positions every compétence it assesses before it marks.
"""

from __future__ import annotations

import datetime
import functools
import json
import statistics
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, TextField
from django.db.models.functions import Cast

from accounts.models import Academie, Cohort, Establishment, Student
from certification.evaluation.services.profiles import NOT_ASSESSED, fmt
from certification.models import CandidateResult, Commission, Deliberation, MarkRange, Reopening, ResultStatus
from harmonisation import dispatches
from harmonisation.anomalies import Anomaly, anomalies
from harmonisation.dispatches import LateChange
from harmonisation.models import HarmonisationRequest, MarksDispatch
from referentiel.models import Competency, Exam, ExamSession

if TYPE_CHECKING:
    pass

# The harmonisation page is kept as rendered under this generation (``lib.generations``), raised by every save or
# deletion of what it reads (a test compares this list with the tables the page's queries name).
GENERATION = "harmonisation"
READ_MODELS = (
    Establishment,
    Cohort,
    Commission,
    Student,
    Competency,
    MarkRange,
    CandidateResult,
    Deliberation,
    Reopening,
    MarksDispatch,
    HarmonisationRequest,
)

GAP = Decimal("3")  # a profile's median this far from the académie's is flagged
SHOWN_PROFILES = 12  # the most frequent profiles shown in full (every flagged gap is listed apart)


@dataclass(slots=True)
class Candidate:
    result_id: int
    code: str
    commission_id: int
    status: str
    mark: Decimal | None
    profile_key: str
    low: Decimal | None = None
    high: Decimal | None = None
    student_id: int | None = None
    updated_at: datetime.datetime | str | None = None  # the database's text: see dispatches.Current

    @property
    def saved_at(self) -> datetime.datetime | None:
        return dispatches.saved_at(self.updated_at)

    @property
    def mark_text(self) -> str:
        return num(self.mark)

    @property
    def status_label(self) -> str:
        return ResultStatus(self.status).label

    @property
    def outside_range(self) -> bool:
        if self.mark is None or self.low is None or self.high is None:
            return False
        return not (self.low <= self.mark <= self.high)


@dataclass
class EstablishmentRow:
    """One establishment's line. The figures are computed once by ``finish`` (the page and the chart read them many
    times: recomputing them per access cost more than the query)."""

    establishment: Establishment
    candidates: list[Candidate] = field(default_factory=list)
    commissions: int = 0
    deliberated: int = 0
    locked: int = 0
    dispatch: MarksDispatch | None = None
    changes: list[LateChange] = field(default_factory=list)
    marks: list[Decimal] = field(default_factory=list)  # sorted
    median: Decimal | None = None
    counts: Counter[str] = field(default_factory=Counter)  # candidates per status

    def finish(self) -> None:
        self.marks = sorted(c.mark for c in self.candidates if c.status == ResultStatus.MARK and c.mark is not None)
        self.median = median(self.marks)
        self.counts = Counter(c.status for c in self.candidates)

    def count(self, status: str) -> int:
        return self.counts[status]

    @property
    def median_text(self) -> str:
        return num(self.median)

    @property
    def nv_count(self) -> int:
        return self.counts[ResultStatus.NOT_VALID]

    @property
    def absent_count(self) -> int:
        return self.counts[ResultStatus.ABSENT]

    @property
    def graded(self) -> int:
        return len(self.candidates) - self.counts[ResultStatus.PENDING]


@dataclass
class ProfileCell:
    establishment: Establishment
    candidates: list[Candidate]  # by mark, every one marked
    ranges: list[tuple[Decimal, Decimal]]
    gap: Decimal | None
    commission_ids: list[int]
    median: Decimal | None = None

    @property
    def marks(self) -> list[Decimal]:
        return [c.mark for c in self.candidates if c.mark is not None]

    @property
    def flagged(self) -> bool:
        return self.gap is not None and abs(self.gap) >= GAP

    @property
    def marks_text(self) -> str:
        # Joined here, not in the template: 2,400 marks in template loops cost more than the rest of the page.
        return " ; ".join(_fmt(mark) for mark in self.marks)

    @property
    def median_text(self) -> str:
        return num(self.median)

    @property
    def gap_text(self) -> str:
        """« +1,5 », « -0,5 », « 0,0 »; "" without a gap."""
        if self.gap is None:
            return ""
        return ("+" if self.gap > 0 else "") + num(self.gap)

    @property
    def ranges_text(self) -> str:
        return " ; ".join(f"{num(low)}–{num(high)}" for low, high in self.ranges) or "aucune"

    @property
    def median_candidate(self) -> Candidate:
        """The candidate whose file the cell opens: the middle one by mark."""
        return self.candidates[(len(self.candidates) - 1) // 2]


@dataclass
class ProfileRow:
    key: str
    median: Decimal | None
    cells: list[ProfileCell]

    @property
    def median_text(self) -> str:
        return num(self.median)

    @property
    def count(self) -> int:
        return sum(len(cell.candidates) for cell in self.cells)


@dataclass
class Harmonisation:
    academie: Academie
    session: ExamSession
    exam: Exam
    rows: list[EstablishmentRow]
    profiles: list[ProfileRow]
    anomalies: list[Anomaly]
    requests: list[HarmonisationRequest]
    single_profiles: int = 0  # profiles marked in one establishment only: nothing to compare them with
    hidden_profiles: int = 0  # compared, but not among the most frequent
    gaps: list[tuple[ProfileRow, ProfileCell]] = field(default_factory=list)  # every flagged cell
    median: Decimal | None = None
    count: int = 0  # marks

    def __post_init__(self) -> None:
        self.median = median(sorted(m for row in self.rows for m in row.marks))
        self.count = sum(len(row.marks) for row in self.rows)


def median(marks: list[Decimal]) -> Decimal | None:
    return Decimal(statistics.median(marks)).quantize(Decimal("0.1")) if marks else None


@functools.lru_cache(maxsize=512)
def _fmt(mark: Decimal) -> str:
    """``fmt`` remembered: a page writes 2,400 marks, of some forty values."""
    return fmt(mark)


def num(value: Decimal | None) -> str:
    """A mark, a median or a gap as Django's French localisation writes a ``Decimal`` (« 12,5 », « 13,0 »), for the
    Jinja2 partials: without ``formats.localize``, which cost more than the rest of the profile tables."""
    return "" if value is None else str(value).replace(".", ",")


def harmonisation(academie: Academie, session: ExamSession, exam: Exam) -> Harmonisation:
    commissions = list(
        Commission.objects.filter(session=session, exam=exam, cohort__establishment__academie=academie)
        .select_related("cohort__establishment")
        .annotate(deliberated=Exists(Deliberation.objects.filter(commission=OuterRef("pk"))))
        .order_by("cohort__establishment__name", "pk")
    )
    by_commission = {c.pk: c for c in commissions}
    rows: dict[int, EstablishmentRow] = {}
    for commission in commissions:
        row = rows.setdefault(commission.cohort.establishment_id, EstablishmentRow(commission.cohort.establishment))
        row.commissions += 1
        row.deliberated += commission.deliberated
    competencies = list(
        Competency.objects.filter(block_id=exam.block_id).order_by("order").values_list("pk", flat=True)
    )
    ranges = {
        (commission_id, key): (low, high)
        for commission_id, key, low, high in MarkRange.objects.filter(commission__in=commissions).values_list(
            "commission_id", "profile_key", "low", "high"
        )
    }
    row_of = {pk: rows[c.cohort.establishment_id] for pk, c in by_commission.items()}
    unsigned = dict.fromkeys(by_commission, 0)  # results set but not locked by the signatures, per commission
    keys = _KeyReader(competencies)
    for values in (
        CandidateResult.objects.filter(commission__in=commissions)
        # The profile as its JSON text and the lock as a boolean: 2,400 profiles share about a hundred texts, read
        # once each, and no datetime is built for a lock the page only counts.
        .annotate(
            profile_text=Cast("profile", TextField()),
            is_locked=ExpressionWrapper(Q(locked_at__isnull=False), output_field=BooleanField()),
            updated_text=Cast("updated_at", TextField()),
        )
        .values_list(
            "pk",
            "commission_id",
            "student__candidate_number",
            "status",
            "mark",
            "profile_text",
            "is_locked",
            "student_id",
            "updated_text",
        )
        .order_by("pk")
    ):
        pk, commission_id, number, status, mark, profile_text, locked, student_id, updated_at = values
        key = keys.key(profile_text) if status == ResultStatus.MARK else ""
        low, high = ranges.get((commission_id, key), (None, None))
        code = number or f"R{pk}"
        candidate = Candidate(pk, code, commission_id, status, mark, key, low, high, student_id, updated_at)
        row = row_of[commission_id]
        row.candidates.append(candidate)
        row.locked += locked
        unsigned[commission_id] += not locked and status != ResultStatus.PENDING
    ordered = list(rows.values())
    for row in ordered:
        row.finish()
    _attach_dispatches(academie, session, exam, ordered, by_commission)
    requests = list(
        HarmonisationRequest.objects.filter(commission__in=commissions)
        .select_related("commission__cohort__establishment")
        .order_by("-asked_at", "-pk")
    )
    profiles = _profiles(ordered, ranges)
    compared = [p for p in profiles if len(p.cells) > 1]
    # The most frequent profiles in full; the gaps flagged on every compared profile in one short list: the page
    # stays readable (and light) at 2,400 candidates.
    shown = compared[:SHOWN_PROFILES]
    gaps = [(p, cell) for p in compared for cell in p.cells if cell.flagged]
    return Harmonisation(
        academie=academie,
        session=session,
        exam=exam,
        rows=ordered,
        profiles=shown,
        anomalies=anomalies(ordered, commissions, unsigned),
        requests=requests,
        single_profiles=len(profiles) - len(compared),
        hidden_profiles=len(compared) - len(shown),
        gaps=gaps,
    )


def _key(profile: dict, competencies: list[int], status: str) -> str:
    profile = profile or {}
    return "-".join(profile.get(str(c)) or NOT_ASSESSED for c in competencies) if status == ResultStatus.MARK else ""


def profile_key_of(result: CandidateResult) -> str:
    """The key of one candidate's profile, as the harmonisation page compares it ("" without a mark)."""
    block = result.commission.exam.block_id
    competencies = list(Competency.objects.filter(block_id=block).order_by("order").values_list("pk", flat=True))
    return _key(result.profile, competencies, result.status)


class _KeyReader:
    """Profile keys from the profiles' JSON texts, each distinct text decoded once."""

    def __init__(self, competencies: list[int]) -> None:
        self.competencies = competencies
        self.known: dict[str | None, str] = {}

    def key(self, text: str | None) -> str:
        try:
            return self.known[text]
        except KeyError:
            profile = json.loads(text) if text else {}
            found = self.known[text] = "-".join(profile.get(str(c)) or NOT_ASSESSED for c in self.competencies)
            return found


def _attach_dispatches(
    academie: Academie,
    session: ExamSession,
    exam: Exam,
    rows: list[EstablishmentRow],
    commissions: Mapping[int, Commission],
) -> None:
    """Each establishment's latest send of its marks, and what changed since (two queries at most)."""
    latest = dispatches.latest_dispatches(academie, session, exam)
    since = min((d.sent_at for d in latest.values()), default=None)
    reopenings = dispatches.reopenings_after(commissions, since)
    for row in rows:
        row.dispatch = latest.get((row.establishment.pk, exam.pk))
        if row.dispatch is None:
            continue
        row.changes = dispatches.late_changes(row.dispatch, row.candidates, reopenings)


def _profiles(rows: list[EstablishmentRow], ranges: dict) -> list[ProfileRow]:
    """Each profile key given a mark somewhere, with the marks of each establishment side by side (one pass over the
    candidates to group them: 2,400 candidates × a hundred keys would otherwise be read key by key)."""
    grouped: dict[str, list[tuple[EstablishmentRow, list[Candidate]]]] = {}
    for row in rows:
        mine: dict[str, list[Candidate]] = {}
        for c in row.candidates:
            if c.profile_key and c.mark is not None:
                mine.setdefault(c.profile_key, []).append(c)
        for key, candidates in mine.items():
            grouped.setdefault(key, []).append((row, candidates))
    profiles = []
    for key in sorted(grouped):
        overall = median(sorted(c.mark for _row, candidates in grouped[key] for c in candidates if c.mark is not None))
        cells = []
        for row, marked in grouped[key]:
            commission_ids = sorted({c.commission_id for c in marked})
            cell_ranges = sorted({ranges[(cid, key)] for cid in commission_ids if (cid, key) in ranges})
            marked.sort(key=lambda c: (c.mark, c.code))
            cell_median = median([c.mark for c in marked if c.mark is not None])
            gap = None if cell_median is None or overall is None else cell_median - overall
            cells.append(ProfileCell(row.establishment, marked, cell_ranges, gap, commission_ids, cell_median))
        profiles.append(ProfileRow(key, overall, cells))
    profiles.sort(key=lambda p: (-len(p.cells), -p.count, p.key))
    return profiles


def session_exams() -> list[tuple[ExamSession, list[Exam]]]:
    """The sessions, latest first, each with the exams it assesses in CCF (those the commissions mark)."""
    exams = list(Exam.objects.filter(ccf=True).order_by("code"))
    return [
        (session, [exam for exam in exams if exam.version_id == session.version_id])
        for session in ExamSession.objects.order_by("-year")
    ]
