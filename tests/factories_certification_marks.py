"""Builders for the profiles and marks tests: agreed grids, results, ranges (the cast lives in tests/personas.py)."""

from decimal import Decimal

from django.utils import timezone

from accounts.models import Student
from certification.models import CandidateResult, Commission, Grid, GridLine, MarkRange, ResultStatus
from referentiel.models import Competency, Criterion, Level
from tests.factories_certification_commissions import add_member, make_commission
from tests.personas import Cast, make_student


def make_marks_commission(cast: Cast, exam_code: str = "E4") -> Commission:
    """cast.teacher responsible and seated, cast.teacher2 seated."""
    commission = make_commission(cast, exam_code, with_steps=False)
    add_member(commission, cast.teacher2)
    return commission


def competencies_of(commission: Commission) -> list[Competency]:
    return list(Competency.objects.filter(block_id=commission.exam.block_id).order_by("order"))


def level(commission: Commission, code: str) -> Level:
    return Level.objects.get(version_id=commission.session.version_id, code=code)


def agree_grid(commission: Commission, student: Student, codes: str) -> Grid:
    """The agreed grid with every line of compétence n at the n-th level of ``codes`` (« S-TS-I-S »)."""
    grid, _ = Grid.objects.get_or_create(commission=commission, student=student, member=None)
    for competency, code in zip(competencies_of(commission), codes.split("-"), strict=True):
        for criterion in Criterion.objects.filter(competency=competency):
            GridLine.objects.update_or_create(
                grid=grid, criterion=criterion, defaults={"level": level(commission, code) if code != "?" else None}
            )
    return grid


def profile_of(commission: Commission, codes: str) -> dict[str, str]:
    return {
        str(competency.pk): code
        for competency, code in zip(competencies_of(commission), codes.split("-"), strict=True)
        if code != "?"
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


def add_students(cast: Cast, count: int, *, prefix: str = "cand") -> list[Student]:
    return [make_student(f"{prefix}{i}", f"Prénom{i}", f"Nom{i:03d}", cast.cohort) for i in range(count)]
