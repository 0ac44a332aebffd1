"""Builders for the profiles and marks tests: agreed grids, results, ranges (the cast lives in tests/personas.py)."""

from decimal import Decimal

from django.utils import timezone

from accounts.models import Student
from certification.evaluation.services.profiles import NOT_ASSESSED
from certification.models import (
    CandidateResult,
    Commission,
    Convocation,
    Dossier,
    DossierState,
    EvaluationSheet,
    Grid,
    GridLine,
    MarkRange,
    ResultStatus,
    Situation,
    SituationAppraisal,
    SituationStep,
)
from referentiel.models import Competency, Criterion, Level
from tests.factories import make_fiche
from tests.factories_certification_commissions import STEP_DATES, add_member, make_commission, make_convocation
from tests.personas import Cast, make_student

LAST_DATE = max(STEP_DATES.values())


def make_marks_commission(cast: Cast, exam_code: str = "E4", *, markable: bool = False) -> Commission:
    """cast.teacher responsible and seated, cast.teacher2 seated; with ``markable`` every student of the cohort
    has what a mark needs first (see ``make_markable``)."""
    commission = make_commission(cast, exam_code, with_steps=False)
    add_member(commission, cast.teacher2)
    if markable:
        for student in commission.cohort.students.all():
            make_markable(commission, student)
    return commission


def make_markable(commission: Commission, student: Student) -> None:
    """What the lifecycle asks before a mark: a deposited dossier, and the candidate informed of each situation's
    date (a dated step per situation, created when missing, and an information on record)."""
    Dossier.objects.update_or_create(
        student=student,
        exam=commission.exam,
        session=commission.session,
        defaults={"state": DossierState.SUBMITTED, "submitted_at": timezone.now(), "submitted_by": student.user},
    )
    for situation in commission.situations.all():
        step = situation.steps.order_by("date").first()
        if step is None:
            step = SituationStep.objects.create(situation=situation, date=STEP_DATES.get(situation.code, LAST_DATE))
        if not Convocation.objects.filter(step=step, student=student).exists():
            make_convocation(step, student)


def competencies_of(commission: Commission) -> list[Competency]:
    return list(Competency.objects.filter(block_id=commission.exam.block_id).order_by("order"))


def level(commission: Commission, code: str) -> Level:
    return Level.objects.get(version_id=commission.session.version_id, code=code)


def assess_on(commission: Commission, student: Student, kind_code: str) -> SituationAppraisal:
    """Record the fiche of ``kind_code`` the commission took for the situation with a choice (E4 B), as the evaluation
    sheet names it (``SituationAppraisal.fiche``): that fixes the compétence the candidate is assessed on."""
    definition = commission.exam.definition
    situation = Situation.objects.get(commission=commission, code=definition.choice_situation.code)
    sheet, _ = EvaluationSheet.objects.get_or_create(commission=commission, student=student, defaults={"version": 1})
    fiche = make_fiche(student, exam_code=commission.exam.code, kind_code=kind_code, title=f"Fiche {kind_code}")
    appraisal, _ = SituationAppraisal.objects.update_or_create(
        sheet=sheet, situation=situation, defaults={"fiche": fiche}
    )
    return appraisal


def _choose_from_key(commission: Commission, student: Student, levels: list[str]) -> None:
    """A key with ``NE`` on a choice compétence (« S-S-NE-I »): record the fiche of the other kind."""
    definition = commission.exam.definition
    if definition is None or definition.choice_situation is None:
        return
    orders = definition.choice_orders()
    if not any(levels[order - 1] == NOT_ASSESSED for order in orders if order <= len(levels)):
        return
    for order in orders:
        if order <= len(levels) and levels[order - 1] != NOT_ASSESSED:
            assess_on(commission, student, definition.kind_for_order(order))
            return


def agree_grid(commission: Commission, student: Student, codes: str, *, choose: bool = True) -> Grid:
    """The agreed grid with every line of compétence n at the n-th level of ``codes`` (« S-TS-I-S »).

    ``NE`` (non évaluée): no line at all on that compétence; on an E4 choice compétence (« S-S-NE-I », « S-NE-S-I »)
    the fiche of the other kind is recorded for situation B too (``assess_on``), unless ``choose`` is false.
    """
    levels = codes.split("-")
    grid, _ = Grid.objects.get_or_create(commission=commission, student=student, member=None)
    for competency, code in zip(competencies_of(commission), levels, strict=True):
        if code == NOT_ASSESSED:
            continue
        for criterion in Criterion.objects.filter(competency=competency):
            GridLine.objects.update_or_create(
                grid=grid, criterion=criterion, defaults={"level": level(commission, code) if code != "?" else None}
            )
    if choose:
        _choose_from_key(commission, student, levels)
    return grid


def profile_of(commission: Commission, codes: str) -> dict[str, str]:
    return {
        str(competency.pk): code
        for competency, code in zip(competencies_of(commission), codes.split("-"), strict=True)
        if code not in ("?", NOT_ASSESSED)
    }


def make_result(
    commission: Commission,
    student: Student,
    *,
    profile: str = "",
    status: str = ResultStatus.PENDING,
    mark: str | None = None,
    absent_reason: str = "",
    locked: bool = False,
) -> CandidateResult:
    return CandidateResult.objects.create(
        commission=commission,
        student=student,
        profile=profile_of(commission, profile) if profile else {},
        status=ResultStatus.MARK if mark is not None and status == ResultStatus.PENDING else status,
        mark=Decimal(mark) if mark is not None else None,
        absent_reason=absent_reason,
        locked_at=timezone.now() if locked else None,
    )


def make_range(commission: Commission, key: str, low: str, high: str) -> MarkRange:
    return MarkRange.objects.create(commission=commission, profile_key=key, low=Decimal(low), high=Decimal(high))


def add_students(
    cast: Cast, count: int, *, prefix: str = "cand", commission: Commission | None = None
) -> list[Student]:
    """``count`` students of the cohort; markable for ``commission`` when one is given."""
    students = [make_student(f"{prefix}{i}", f"Prénom{i}", f"Nom{i:03d}", cast.cohort) for i in range(count)]
    if commission is not None:
        for student in students:
            make_markable(commission, student)
    return students
