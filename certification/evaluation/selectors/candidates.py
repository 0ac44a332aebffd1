"""The commission's progress candidate by candidate: one row per candidate with the state of every step.

The rows read what the to-do reads (``selectors.progress``) and name a candidate under a blocking step exactly when
the to-do counts them there (``progress.blocking_by_student``, tested against the to-do's lines): the page's
« reste à faire » filter and the to-do's counts agree. Added to that: the grid lines filled (the viewer's own grid and
the agreed grid, against the critères of the compétences the candidate is assessed on, ``selectors.assessed``), the
evaluation sheets and their signatures. A fixed number of queries whatever the number of candidates.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.urls import reverse

from accounts.models import Student
from certification.commissions.models import Commission, CommissionMember, MemberRole, PassageJuror
from certification.dossiers.models import ConformityDecision, DossierState
from certification.evaluation.models import EvaluationSheet, GridLine, ResultStatus
from certification.evaluation.selectors import assessed, progress
from referentiel.models import Criterion

STEPS = [
    (progress.INFORM, "Informer de la date"),
    (progress.DOSSIER, "Dossier"),
    (progress.READINESS, "Aptitude à enregistrer"),
    ("grid", "Remplir ma grille"),
    ("agreed", "Grille commune"),
    (progress.ABSENCE, "Nouvelle date (absence justifiée)"),
    (progress.MARK, "Note ou statut"),
    (progress.CONFORMITY, "Conformité à vérifier"),
    (progress.SIGNATURE, "Signatures"),
]
LABELS = dict(STEPS)
TODO = "reste"  # the filter « seulement ce qui reste à faire »
ORDER = [key for key, _ in STEPS]


@dataclass
class Row:
    student: Student
    informed: tuple[int, int]  # situations informed / situations with a date to inform of
    dossier: str
    ready: tuple[int, int]  # situations where readiness is recorded / situations
    my_grid: tuple[int, int] | None  # the viewer's own grid: lines filled / lines to fill; None if not a member
    agreed: tuple[int, int]
    profile: bool
    mark: str
    signatures: tuple[int, int]
    released: bool
    blocking: set[str] = field(default_factory=set)  # the to-do's steps this candidate is counted in
    missing: list[str] = field(default_factory=list)  # every step left, in order (the to-do's and the grids)
    next_url: str = ""

    @property
    def next_step(self) -> str:
        return self.missing[0] if self.missing else ""

    @property
    def next_label(self) -> str:
        return LABELS.get(self.next_step, "")

    @property
    def rank(self) -> int:
        return ORDER.index(self.next_step) if self.next_step else len(ORDER)


def _lines_to_fill(commission: Commission, student_ids: list[int]) -> dict[int, set[int]]:
    """``{student id: criterion ids of the compétences assessed}`` (the common part while a choice is not fixed)."""
    competencies = assessed.exam_competencies(commission)
    criteria: dict[int, set[int]] = {}
    for pk, competency_id in Criterion.objects.filter(competency__in=competencies).values_list("pk", "competency_id"):
        criteria.setdefault(competency_id, set()).add(pk)
    choice = set(assessed.choice_competency_ids(commission, competencies))
    common = tuple(c.pk for c in competencies if c.pk not in choice)
    found = {}
    for student_id, ids in assessed.assessed_competencies(commission, student_ids, competencies).items():
        found[student_id] = set().union(*(criteria.get(pk, set()) for pk in (common if ids is None else ids)))
    return found


def _filled(commission: Commission) -> dict[tuple[int, int | None], set[int]]:
    """``{(student id, member id or None for the agreed grid): criterion ids with a level}``."""
    found: dict[tuple[int, int | None], set[int]] = {}
    lines = GridLine.objects.filter(grid__commission=commission, level__isnull=False).order_by()
    for student_id, member_id, criterion_id in lines.values_list("grid__student_id", "grid__member_id", "criterion_id"):
        found.setdefault((student_id, member_id), set()).add(criterion_id)
    return found


def _signed(commission: Commission) -> dict[int, int]:
    """``{student id: signatures of the current version of their evaluation sheet}``."""
    sheets = EvaluationSheet.objects.filter(commission=commission).order_by()
    counted = sheets.annotate(n=Count("signatures", filter=Q(signatures__sheet_version=F("version"))))
    return dict(counted.values_list("student_id", "n"))


def _mark(result) -> str:
    if result is None or result.status == ResultStatus.PENDING:
        return ""
    if result.status == ResultStatus.MARK:
        return f"{result.mark:.1f}".replace(".", ",")
    return {ResultStatus.NOT_VALID: "NV", ResultStatus.ABSENT: "ABS", ResultStatus.RESERVED: "Réservée"}.get(
        result.status, result.get_status_display()
    )


def visible_student_ids(commission: Commission, seat: CommissionMember | None) -> set[int] | None:
    """A professional member sees the candidates whose passage jury they sit on; others every candidate (None)."""
    if seat is None or seat.role != MemberRole.PROFESSIONAL:
        return None
    jurors = PassageJuror.objects.filter(member=seat, passage__situation__commission=commission)
    return set(jurors.values_list("passage__student_id", flat=True))


def _dossier(read, commission: Commission, student: Student) -> str:
    dossier = read.dossiers.get((student.pk, commission.exam_id, commission.session_id))
    if dossier is not None and read.decisions.get(dossier.pk) == ConformityDecision.NOT_VALID:
        return "NV"
    if dossier is not None and dossier.state == DossierState.SUBMITTED:
        return "déposé"
    return "non déposé"


def _next_url(commission: Commission, student: Student, step: str) -> str:
    """Where the row's next missing step is done."""
    args = [commission.pk, student.pk]
    pages = {
        progress.INFORM: reverse("certification:commission_detail", args=[commission.pk]) + "#situations",
        progress.DOSSIER: reverse("certification:candidate_lifecycle", args=args),
        progress.READINESS: reverse("certification:candidate_lifecycle", args=args),
        "grid": reverse("certification:grid_member", args=args),
        "agreed": reverse("certification:grid_agreed", args=args),
        progress.ABSENCE: reverse("certification:planning", args=[commission.pk]),
        progress.MARK: reverse("certification:profiles", args=[commission.pk]),
        progress.CONFORMITY: reverse("certification:commission_detail", args=[commission.pk]) + "#etudiants",
        progress.SIGNATURE: reverse("certification:evaluation_sheet", args=args),
    }
    return pages.get(step, "")


def commission_rows(commission: Commission, seat: CommissionMember | None) -> list[Row]:
    """One row per candidate the viewer may see (``seat``: their place on the commission, None for an administrator
    who does not sit on it), in French name order. A fixed number of queries."""
    read = progress.read_commission(commission)
    blocking = progress.blocking_by_student(read, commission)
    visible = visible_student_ids(commission, seat)
    students = [s for s in read.students.get(commission.cohort_id, []) if visible is None or s.pk in visible]
    situations = read.situations.get(commission.pk, [])
    to_fill = _lines_to_fill(commission, [s.pk for s in students])
    filled = _filled(commission)
    signed = _signed(commission)
    signers = commission.members.filter(carries_responsibility=True).count()
    deliberated = read.deliberations.get(commission.pk) is not None
    reopened = read.reopened.get(commission.pk, set())
    rows = []
    for student in students:
        informs = [progress._informed(read, situation, student) for situation in situations]
        lines = to_fill.get(student.pk, set())
        mine = len(filled.get((student.pk, seat.pk), set()) & lines) if seat else 0
        agreed = len(filled.get((student.pk, None), set()) & lines)
        result = read.results.get((commission.pk, student.pk))
        row = Row(
            student=student,
            informed=(sum(1 for i in informs if i), sum(1 for i in informs if i is not None)),
            dossier=_dossier(read, commission, student),
            ready=(sum(1 for s in situations if (s.pk, student.pk) in read.ready), len(situations)),
            my_grid=(mine, len(lines)) if seat else None,
            agreed=(agreed, len(lines)),
            profile=bool(result and result.profile),
            mark=_mark(result),
            signatures=(signed.get(student.pk, 0), signers),
            released=deliberated and student.pk not in reopened,
            blocking=blocking.get(student.pk, set()),
        )
        # NV or absent: no grid to fill for this candidate.
        graded = result is None or result.status not in (ResultStatus.NOT_VALID, ResultStatus.ABSENT)
        grids = {"grid": graded and seat is not None and mine < len(lines), "agreed": graded and agreed < len(lines)}
        row.missing = [key for key in ORDER if key in row.blocking or grids.get(key, False)]
        if row.missing:
            row.next_url = _next_url(commission, student, row.next_step)
        rows.append(row)
    return rows
