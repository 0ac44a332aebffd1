"""Builders of grids for tests: a commission ready to assess, and grids filled directly (the cast: tests/personas.py).

``make_grid_commission`` gives the commission of ``cast.cohort`` with ``cast.teacher`` responsible and seated, and
(by default) ``cast.student`` and ``cast.student2`` officially informed of the first date of situation A, so their
grids can be saved.
"""

from collections.abc import Sequence

from accounts.models import Student, User
from certification.models import Commission, CommissionMember, Grid, GridLine, MemberRole
from referentiel.models import Criterion, Level
from tests.factories_certification_commissions import add_member, make_commission, make_convocation, step_of
from tests.personas import Cast


def make_grid_commission(
    cast: Cast,
    exam_code: str = "E4",
    *,
    informed: bool = True,
    members: tuple[tuple[User, str], ...] = (),
    responsible: User | None = None,
) -> Commission:
    commission = make_commission(cast, exam_code, responsible=responsible)
    for user, role in members:
        add_member(commission, user, role)
    if informed:
        step = step_of(commission, "A")
        for student in (cast.student, cast.student2):
            make_convocation(step, student)
    return commission


def with_professional(cast: Cast, **kwargs) -> Commission:
    return make_grid_commission(cast, members=((cast.professional, MemberRole.PROFESSIONAL),), **kwargs)


def seat(commission: Commission, user: User) -> CommissionMember:
    return CommissionMember.objects.get(commission=commission, user=user)


def criteria_of(commission: Commission) -> list[Criterion]:
    """The exam's critères in grid order (E4: 11, E6: 7)."""
    return list(
        Criterion.objects.filter(competency__block__exam=commission.exam).order_by("competency__order", "number")
    )


def level(commission: Commission, code: str) -> Level:
    return Level.objects.get(version_id=commission.session.version_id, code=code)


def fill_grid(
    commission: Commission,
    student: Student,
    member: CommissionMember | None,
    codes: Sequence[str | None],
    *,
    version: int = 1,
) -> Grid:
    """A grid whose lines follow ``codes`` in grid order (None: not positioned), written without the service."""
    grid = Grid.objects.create(
        commission=commission, student=student, member=member, version=version, updated_by=commission.responsible
    )
    levels = {lv.code: lv for lv in Level.objects.filter(version_id=commission.session.version_id)}
    GridLine.objects.bulk_create(
        GridLine(grid=grid, criterion=criterion, level=levels[code] if code else None)
        for criterion, code in zip(criteria_of(commission), codes, strict=False)
    )
    return grid


def grid_post(
    commission: Commission, codes: list[str | None], *, base_version: int = 0, comments: dict[int, str] | None = None
) -> dict[str, str]:
    """The POST data of a grid form: ``codes`` in grid order, a comment per compétence id if given."""
    data = {"base_version": str(base_version)}
    for criterion, code in zip(criteria_of(commission), codes, strict=False):
        data[f"critere_{criterion.pk}"] = code or ""
    for competency_id, text in (comments or {}).items():
        data[f"commentaire_{competency_id}"] = text
    return data
