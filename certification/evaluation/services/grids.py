"""The « grille d'aide à l'évaluation » (recto): each member's own grid, then the commission's agreed grid.

Jury only: nothing here is ever shown to the candidate.

Saving is guarded three ways, each refused with a French message and nothing written:
- the candidate's evaluation sheet is signed (``certification.evaluation.services.locking``): the grid is locked;
- the candidate was neither officially informed of the first date of situation A nor assessed with a recorded
  reason (``informed.assessment_block_reason``);
- optimistic locking: the form sends the version it was built from (``base_version``, 0 for a grid not saved yet).
  The grid row is read ``FOR UPDATE`` and its version bumped by a conditional ``UPDATE … WHERE version = base``,
  so of two saves built on the same version exactly one wins: on PostgreSQL the second waits for the first's row
  lock (or, for a grid not created yet, for its unique index entry), then finds the version changed; on SQLite the
  IMMEDIATE transactions run one after the other and the second reads the new version. The loser gets
  ``GridConflict`` and the view shows its submitted values back: nothing is lost.
"""

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db import IntegrityError, transaction
from django.db.models import F, Prefetch, QuerySet
from django.utils import timezone

from accounts.models import Student, User
from audit.services import log_action
from certification.commissions.models import Commission, CommissionMember, SituationStep
from certification.commissions.services.informed import assessment_block_reason
from certification.evaluation.models import Grid, GridComment, GridLine
from certification.evaluation.services.locking import Locked, ensure_unlocked
from lib.refusals import Conflict, Refused
from referentiel.models import Competency, Criterion, Indicator, Level


class GridSaved(NamedTuple):
    """What a grid save returns: the grid (None when nothing was ever written) and whether this save changed it."""

    grid: Grid | None
    changed: bool


class GridRefused(Refused):
    """A save refused before anything is written (locked grid, candidate not assessable yet)."""


class GridConflict(Conflict):
    """Someone saved the grid since the form was opened: the submitted values must be shown back."""

    def __init__(self, message: str, *, current_version: int):
        super().__init__(message)
        self.current_version = current_version


# --- Reads ---------------------------------------------------------------------------------------------------------


def grid_competencies(commission: Commission) -> list[Competency]:
    """The exam's compétences in order, each with ``criteria`` (and their ``indicators``) prefetched: 3 queries."""
    criteria = Criterion.objects.order_by("number").prefetch_related(
        Prefetch("indicators", queryset=Indicator.objects.order_by("order"))
    )
    return list(
        Competency.objects.filter(block__exam=commission.exam)
        .order_by("order")
        .prefetch_related(Prefetch("criteria", queryset=criteria))
    )


@dataclass(eq=False)
class LayoutCompetency:
    """A compétence of the grid as plain data (the grid pages and the saves need no model instance)."""

    pk: int
    order: int
    title: str
    criteria: list["LayoutCriterion"] = field(default_factory=list)


@dataclass(eq=False)
class LayoutCriterion:
    """A critère of the grid: same attribute names as the model (``pk``, ``number``, ``title``, ``competency``)."""

    pk: int
    number: int
    title: str
    competency: LayoutCompetency
    indicators: list[str] = field(default_factory=list)


def grid_layout(commission: Commission) -> list[LayoutCompetency]:
    """The exam's compétences in order, their critères and each critère's indicateurs: one query.

    What ``grid_competencies`` gives in three queries and a few dozen model instances, for the pages and the saves
    that only read pks, numbers and wordings (the grid pages run on every click of a jury member).
    """
    rows = (
        Competency.objects.filter(block__exam=commission.exam_id)
        .order_by("order", "pk", "criteria__number", "criteria__pk", "criteria__indicators__order")
        .values_list(
            "pk",
            "order",
            "title",
            "criteria__pk",
            "criteria__number",
            "criteria__title",
            "criteria__indicators__wording",
        )
    )
    competencies: dict[int, LayoutCompetency] = {}
    criteria: dict[int, LayoutCriterion] = {}
    for pk, order, title, criterion_pk, number, criterion_title, wording in rows:
        competency = competencies.get(pk)
        if competency is None:
            competency = competencies[pk] = LayoutCompetency(pk, order, title)
        if criterion_pk is None:
            continue
        criterion = criteria.get(criterion_pk)
        if criterion is None:
            criterion = criteria[criterion_pk] = LayoutCriterion(criterion_pk, number, criterion_title, competency)
            competency.criteria.append(criterion)
        if wording is not None:
            criterion.indicators.append(wording)
    return list(competencies.values())


def layout_criteria(layout: list[LayoutCompetency]) -> list[LayoutCriterion]:
    return [criterion for competency in layout for criterion in competency.criteria]


def grid_levels(commission: Commission) -> list[Level]:
    """TI, I, S, TS of the session's référentiel version, lowest first."""
    return list(Level.objects.filter(version_id=commission.session.version_id).order_by("rank"))


def find_grid(commission: Commission, student: Student, member: CommissionMember | None) -> Grid | None:
    grids = Grid.objects.filter(commission=commission, student=student).select_related("updated_by")
    grids = grids.filter(member=member) if member is not None else grids.filter(member__isnull=True)
    return grids.first()


def grid_levels_by_criterion(grid: Grid | None) -> dict[int, Level | None]:
    if grid is None:
        return {}
    return {line.criterion_id: line.level for line in grid.lines.select_related("level")}


def grid_with_codes(
    commission: Commission, student: Student, member: CommissionMember | None
) -> tuple[Grid | None, dict[int, str]]:
    """``find_grid`` (its relations not loaded) with {criterion id: level code, "" when not positioned} of its
    recorded lines, in one query (a grid page reads both on every opening)."""
    grids = Grid.objects.filter(commission=commission, student=student)
    grids = grids.filter(member=member) if member is not None else grids.filter(member__isnull=True)
    names = [field.attname for field in Grid._meta.concrete_fields]
    grid, codes = None, {}
    for row in grids.values_list(*names, "lines__criterion_id", "lines__level__code"):
        if grid is None:
            grid = Grid.from_db(grids.db, names, row[: len(names)])
        criterion_id, code = row[len(names) :]
        if criterion_id is not None:
            codes[criterion_id] = code or ""
    return grid, codes


def grid_comments_by_competency(grid: Grid | None) -> dict[int, str]:
    if grid is None:
        return {}
    return dict(GridComment.objects.filter(grid_id=grid.pk).values_list("competency_id", "text"))


def first_step_a(commission: Commission) -> SituationStep | None:
    """The first situation's first dated step (E4: situation A): the date the candidate must have been informed of
    before any grid."""
    return (
        SituationStep.objects.filter(situation=commission.situations.order_by("code").first())
        .order_by("date", "pk")
        .first()
    )


def grid_block_reason(commission: Commission, student: Student) -> str | None:
    """Why no grid of this candidate may be saved now (French), or None."""
    try:
        ensure_unlocked(commission, student)
    except Locked as locked:
        return locked.message
    step = first_step_a(commission)
    if step is not None:
        return assessment_block_reason(student, step)
    return None


# --- Writes --------------------------------------------------------------------------------------------------------


def save_member_grid(
    *,
    commission: Commission,
    student: Student,
    member: CommissionMember,
    levels: dict[int, Level | None],
    comments: dict[int, str],
    base_version: int,
    actor: User,
    layout: list[LayoutCompetency] | None = None,
) -> GridSaved:
    """Save a member's own grid; returns a ``GridSaved``. Raises GridRefused or GridConflict.

    ``layout``: the commission's ``grid_layout`` when the caller has it already (loaded here otherwise).
    """
    if member.commission_id != commission.pk:
        raise GridRefused("Seuls les membres de la commission remplissent leur grille.")
    return _save_grid(
        commission=commission,
        student=student,
        member=member,
        levels=levels,
        comments=comments,
        base_version=base_version,
        actor=actor,
        layout=layout,
    )


def save_agreed_grid(
    *,
    commission: Commission,
    student: Student,
    levels: dict[int, Level | None],
    comments: dict[int, str],
    base_version: int,
    actor: User,
    layout: list[LayoutCompetency] | None = None,
) -> GridSaved:
    """Save the commission's agreed grid; returns a ``GridSaved``. Raises GridRefused or GridConflict."""
    return _save_grid(
        commission=commission,
        student=student,
        member=None,
        levels=levels,
        comments=comments,
        base_version=base_version,
        actor=actor,
        layout=layout,
    )


@dataclass
class _Saved:
    """What a grid holds before the save: {criterion id: (line id, level code)} and {competency id: (id, text)}."""

    lines: dict[int, tuple[int, str | None]]
    comments: dict[int, tuple[int, str]]

    @classmethod
    def read(cls, grid: Grid | None) -> "_Saved":
        if grid is None:
            return cls({}, {})
        lines = GridLine.objects.filter(grid=grid).values_list("criterion_id", "pk", "level__code")
        comments = GridComment.objects.filter(grid=grid).values_list("competency_id", "pk", "text")
        return cls(
            {criterion_id: (pk, code) for criterion_id, pk, code in lines},
            {competency_id: (pk, text) for competency_id, pk, text in comments},
        )

    def code(self, criterion_id: int) -> str | None:
        line = self.lines.get(criterion_id)
        return line[1] if line is not None else None

    def text(self, competency_id: int) -> str:
        comment = self.comments.get(competency_id)
        return comment[1] if comment is not None else ""


def _save_grid(
    *,
    commission: Commission,
    student: Student,
    member: CommissionMember | None,
    levels: dict[int, Level | None],
    comments: dict[int, str],
    base_version: int,
    actor: User,
    layout: list[LayoutCompetency] | None,
) -> GridSaved:
    if layout is None:
        layout = grid_layout(commission)
    criteria = {criterion.pk: criterion for criterion in layout_criteria(layout)}
    competency_by_pk = {competency.pk: competency for competency in layout}
    with transaction.atomic():
        reason = grid_block_reason(commission, student)
        if reason:
            raise GridRefused(reason)
        grid = _locked_grid(commission, student, member)
        current = grid.version if grid is not None else 0
        if current != base_version:
            raise GridConflict(_conflict_message(grid), current_version=current)
        old = _Saved.read(grid)
        line_changes = _line_changes(criteria, old, levels)
        comment_changes = _comment_changes(competency_by_pk, old, comments)
        if not line_changes and not comment_changes:
            return GridSaved(grid, changed=False)
        grid = _bump_version(commission, student, member, grid, base_version, actor)
        _write_lines(grid, criteria, old, levels)
        _write_comments(grid, competency_by_pk, old, comments)
        log_action(
            "grid.agreed_saved" if member is None else "grid.member_saved",
            actor=actor,
            obj=grid,
            establishment_id=commission.cohort.establishment_id,
            changes={
                "version": [base_version, grid.version],
                **({"lines": line_changes} if line_changes else {}),
                **({"comments": comment_changes} if comment_changes else {}),
            },
        )
    return GridSaved(grid, changed=True)


def _locked_grid(commission: Commission, student: Student, member: CommissionMember | None) -> Grid | None:
    grids = Grid.objects.select_for_update().filter(commission=commission, student=student)
    grids = grids.filter(member=member) if member is not None else grids.filter(member__isnull=True)
    return grids.first()


def _conflict_message(grid: Grid | None) -> str:
    if grid is None:
        return "Cette grille a changé depuis l'ouverture de la page. Vérifiez vos choix, puis enregistrez à nouveau."
    who = grid.updated_by.display_name if grid.updated_by_id and grid.updated_by else "quelqu'un"
    when = timezone.localtime(grid.updated_at).strftime("%d/%m/%Y à %H:%M")
    return (
        f"Conflit : {who} a enregistré cette grille le {when}, après l'ouverture de votre page. "
        "Rien n'a été enregistré ; vos choix sont affichés ci-dessous, à côté de ce qui est enregistré. "
        "Vérifiez-les, puis enregistrez à nouveau."
    )


def _bump_version(
    commission: Commission,
    student: Student,
    member: CommissionMember | None,
    grid: Grid | None,
    base_version: int,
    actor: User,
) -> Grid:
    """Create the grid (version 1) or raise its version if it is still ``base_version``; else GridConflict."""
    if grid is None:
        try:
            with transaction.atomic():
                return Grid.objects.create(
                    commission=commission, student=student, member=member, version=1, updated_by=actor
                )
        except IntegrityError:
            # Created by someone else between our read and our insert (PostgreSQL without a row to lock).
            raise GridConflict(_conflict_message(find_grid(commission, student, member)), current_version=1) from None
    now = timezone.now()
    updated = Grid.objects.filter(pk=grid.pk, version=base_version).update(
        version=F("version") + 1, updated_by=actor, updated_at=now
    )
    if not updated:
        grid.refresh_from_db()
        raise GridConflict(_conflict_message(grid), current_version=grid.version)
    # The row now holds exactly this (the update matched ``base_version``): no need to read it back. The relations
    # are the caller's objects, already loaded, so the audit entry's description (``str(grid)``) costs no query.
    grid.version, grid.updated_by, grid.updated_at = base_version + 1, actor, now
    grid.commission, grid.student = commission, student
    if member is not None:
        grid.member = member
    return grid


def _line_changes(
    criteria: dict[int, LayoutCriterion], old: _Saved, new: dict[int, Level | None]
) -> dict[str, list[Any]]:
    changes = {}
    for pk, criterion in criteria.items():
        if pk not in new:
            continue
        before, after = old.code(pk), _code(new[pk])
        if before != after:
            label = f"C{criterion.competency.order}.{criterion.number} {criterion.title}"
            changes[label] = [before, after]
    return changes


def _code(level: Level | None) -> str | None:
    return level.code if level is not None else None


def _comment_changes(
    competencies: dict[int, LayoutCompetency], old: _Saved, new: dict[int, str]
) -> dict[str, list[Any]]:
    return {
        competencies[pk].title: [old.text(pk), text]
        for pk, text in new.items()
        if pk in competencies and old.text(pk) != text
    }


def _write_lines(grid: Grid, criteria: dict[int, LayoutCriterion], old: _Saved, new: dict[int, Level | None]) -> None:
    """Create the lines never recorded; move the others to their new level (one UPDATE per level reached)."""
    to_create: list[GridLine] = []
    to_move: dict[int | None, list[int]] = {}
    for pk in criteria:
        if pk not in new or old.code(pk) == _code(new[pk]):
            continue
        level = new[pk]
        line = old.lines.get(pk)
        if line is None:
            to_create.append(GridLine(grid=grid, criterion_id=pk, level=level))
        else:
            to_move.setdefault(level.pk if level is not None else None, []).append(line[0])
    if to_create:
        GridLine.objects.bulk_create(to_create)
    for level_id, line_ids in to_move.items():
        GridLine.objects.filter(pk__in=line_ids).update(level_id=level_id)


def _write_comments(grid: Grid, competencies: dict[int, LayoutCompetency], old: _Saved, new: dict[int, str]) -> None:
    to_create = []
    for pk, text in new.items():
        if pk not in competencies or old.text(pk) == text:
            continue
        comment = old.comments.get(pk)
        if comment is None:
            to_create.append(GridComment(grid=grid, competency_id=pk, text=text))
        else:
            GridComment.objects.filter(pk=comment[0]).update(text=text)
    if to_create:
        GridComment.objects.bulk_create(to_create)


def commission_members(commission: Commission) -> QuerySet[CommissionMember]:
    """Members in the commission's order (those carrying the responsibility first)."""
    return commission.members.select_related("user").order_by("-carries_responsibility", "pk")
