"""Reads of the marks pages: the scale of a session, each candidate's row (profile, result, conformity), and the
candidates grouped by profile so that the commission compares like with like.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from accounts.models import Student
from certification.commissions.models import Commission
from certification.dossiers.models import ConformityCheck
from certification.evaluation.models import CandidateResult, GridLine, MarkRange, ResultStatus
from certification.evaluation.selectors import assessed as assessed_selectors
from certification.evaluation.services import profiles as profile_logic
from lib.collation import by_name
from referentiel.models import Competency, Level

# --- Reads ------------------------------------------------------------------------------------------------------


@dataclass
class Scale:
    """The compétences of the exam (in order) and the levels of the session's référentiel.

    ``choice_ids``: the compétences only some candidates are assessed on (E4 situation B: « Négocier… » or
    « Organiser… », by the fiche chosen); see ``certification.evaluation.selectors.assessed``.
    """

    competencies: list[Competency]
    levels: list[Level]
    choice_ids: tuple[int, ...] = ()
    choice_situation: str = ""  # the code of the situation with the choice (« B »)

    # Read once per scale: the profiles page asks for them for every candidate and every pair of profiles.
    @cached_property
    def ids(self) -> list[int]:
        return [competency.pk for competency in self.competencies]

    @cached_property
    def ranks(self) -> dict[str, int]:
        return {level.code: level.rank for level in self.levels}

    @cached_property
    def choice_competencies(self) -> list[Competency]:
        return [competency for competency in self.competencies if competency.pk in self.choice_ids]

    def counted(self, assessed: tuple[int, ...] | None) -> set[int]:
        """The compétences whose levels count for a candidate: the assessed ones; when the choice is not fixed
        yet, those every candidate is assessed on."""
        if assessed is None:
            return set(self.ids) - set(self.choice_ids)
        return set(assessed)

    def key(self, profile: dict[str, str], assessed: tuple[int, ...] | None) -> str:
        """``S-S-NE-I``: ``NE`` where the candidate is not assessed, ``?`` where the choice is not fixed yet."""
        if assessed is None:
            return profile_logic.profile_key(profile, self.ids, pending=self.choice_ids)
        return profile_logic.profile_key(profile, self.ids, not_assessed=set(self.ids) - set(assessed))

    def shape_heading(self, assessed: tuple[int, ...] | None) -> str:
        """« Profils évalués sur « Négocier et accompagner la relation-client » » (exams with a choice only)."""
        if not self.choice_ids:
            return ""
        if assessed is None:
            return f"Profils dont la compétence de la situation {self.choice_situation} n'est pas encore fixée"
        titles = [f"« {c.title} »" for c in self.competencies if c.pk in self.choice_ids and c.pk in assessed]
        return f"Profils évalués sur {' et '.join(titles)}" if titles else "Profils"


def scale_for(commission: Commission) -> Scale:
    competencies = list(Competency.objects.filter(block_id=commission.exam.block_id).order_by("order"))
    levels = list(Level.objects.filter(version_id=commission.session.version_id).order_by("rank"))
    definition = commission.exam.definition
    choice = definition.choice_situation if definition is not None else None
    return Scale(
        competencies,
        levels,
        assessed_selectors.choice_competency_ids(commission, competencies),
        choice.code if choice is not None else "",
    )


@dataclass
class CandidateRow:
    student: Student
    result: CandidateResult | None
    proposal: dict[str, str]
    profile: dict[str, str]
    key: str
    conformity: str | None
    proposal_key: str = ""
    form: Any = None
    fields: Any = None  # the profiles page's fields ({name: views_marks.FieldState}), as the page shows them
    # The compétences the candidate is assessed on (ids, in order); ``None``: a situation's fiche is not fixed yet.
    assessed: tuple[int, ...] | None = ()
    pending: tuple[str, ...] = ()  # the situations whose fiche (hence compétence) is not fixed yet

    @property
    def pending_message(self) -> str:
        return assessed_selectors.pending_message(self.pending) if self.pending else ""

    def assesses(self, competency_id: int) -> bool:
        return self.assessed is None or competency_id in self.assessed

    @property
    def edited(self) -> bool:
        """The commission has set (or kept) a profile: it is no longer only the grid's proposal."""
        return bool(self.result and self.result.profile)

    @property
    def proposal_differs(self) -> bool:
        return self.edited and bool(self.proposal) and self.proposal != self.profile

    @property
    def locked(self) -> bool:
        return bool(self.result and self.result.locked_at)

    @property
    def version(self) -> int:
        return self.result.version if self.result else 0

    @property
    def dossier_nv(self) -> bool:
        return self.conformity == "nv"


@dataclass
class ProfileGroup:
    key: str
    levels: list[tuple[Competency, str]]
    complete: bool
    range: MarkRange | None
    rows: list[CandidateRow] = field(default_factory=list)
    dominated: list[str] = field(default_factory=list)
    range_form: Any = None
    pending: tuple[str, ...] = ()  # the situations whose fiche is not fixed yet (the profile waits for them)
    # The profiles page: its number on the page, the range's fields ({name: FieldState}) and the range's errors.
    number: int = 0
    range_fields: Any = None
    range_errors: list[str] = field(default_factory=list)

    @property
    def pending_message(self) -> str:
        return assessed_selectors.pending_message(self.pending) if self.pending else ""

    @property
    def suggestion(self) -> str:
        if self.range is None:
            return ""
        return f"plage {profile_logic.fmt(self.range.low)}–{profile_logic.fmt(self.range.high)}"


@dataclass
class ProfileShape:
    """The profiles of the candidates assessed on the same compétences: compared with one another only."""

    assessed: tuple[int, ...] | None
    heading: str
    groups: list[ProfileGroup]

    @property
    def count(self) -> int:
        return sum(len(group.rows) for group in self.groups)


@dataclass
class GroupPage:
    scale: Scale
    rows: list[CandidateRow]
    groups: list[ProfileGroup]  # every group, shape after shape
    ranges: dict[str, MarkRange]
    shapes: list[ProfileShape] = field(default_factory=list)

    @property
    def has_choice(self) -> bool:
        return bool(self.scale.choice_ids)

    def warnings(self) -> list[str]:
        return profile_logic.warnings(
            [_marked(row) for row in self.rows],
            {key: profile_logic.Range(r.low, r.high) for key, r in self.ranges.items()},
            self.scale.ranks,
        )


def _marked(row: CandidateRow) -> profile_logic.Marked:
    result = row.result
    return profile_logic.Marked(
        name=str(row.student),
        key=row.key,
        mark=result.mark if result else None,
        status=result.status if result else ResultStatus.PENDING,
        dossier_nv=row.dossier_nv,
    )


def agreed_lines(commission: Commission, student_ids: Sequence[int] | None = None) -> dict[int, dict[int, list[str]]]:
    """``{student id: {competency id: [level codes of the agreed grid's lines]}}`` in one query."""
    lines = GridLine.objects.filter(grid__commission=commission, grid__member__isnull=True, level__isnull=False)
    if student_ids is not None:
        lines = lines.filter(grid__student_id__in=student_ids)
    found: dict[int, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for student_id, competency_id, code in lines.values_list(
        "grid__student_id", "criterion__competency_id", "level__code"
    ):
        found[student_id][competency_id].append(code)
    return found


def _dossier_conformity(
    commission: Commission, student_ids: Sequence[int] | None = None, *, of_cohort: bool = False
) -> dict[int, str]:
    """``{student id: status of the check in force}`` of the commission's dossiers (never checked: left out).

    One query: the same reading as ``conformity.conformity_statuses`` (the last check recorded for each dossier),
    joined to the dossiers of the commission's exam, session and cohort. ``of_cohort``: ``student_ids`` were read
    from the cohort, so the students' table needs no join.
    """
    checks = ConformityCheck.objects.filter(
        dossier__exam_id=commission.exam_id, dossier__session_id=commission.session_id
    )
    if not (of_cohort and student_ids is not None):
        checks = checks.filter(dossier__student__cohort_id=commission.cohort_id)
    if student_ids is not None:
        checks = checks.filter(dossier__student_id__in=student_ids)
    rows = checks.order_by("dossier_id", "-decided_at", "-pk").values_list(
        "dossier_id", "dossier__student_id", "decision"
    )
    by_dossier: dict[int, tuple[int, str]] = {}
    for dossier_id, student_id, decision in rows:
        by_dossier.setdefault(dossier_id, (student_id, decision))
    return dict(by_dossier.values())


def candidate_row(
    student: Student,
    result: CandidateResult | None,
    lines: dict[int, list[str]],
    conformity: str | None,
    scale: Scale,
    *,
    assessed: tuple[int, ...] | None,
    pending: tuple[str, ...] = (),
) -> CandidateRow:
    """One candidate's row. Lines and levels on a compétence the candidate is not assessed on are left out (never
    proposed, never kept); while the choice is not fixed the choice compétences are left out of the proposal."""
    counted = scale.counted(assessed)
    proposal = profile_logic.propose_profile(
        {competency_id: codes for competency_id, codes in lines.items() if competency_id in counted}, scale.ranks
    )
    profile = dict(result.profile) if result and result.profile else proposal
    if assessed is not None:
        profile = {key: code for key, code in profile.items() if int(key) in counted}
    proposal_key = scale.key(proposal, assessed) if proposal else ""
    return CandidateRow(
        student,
        result,
        proposal,
        profile,
        scale.key(profile, assessed),
        conformity,
        proposal_key,
        assessed=assessed,
        pending=pending,
    )


def _shape_order(scale: Scale, assessed: tuple[int, ...] | None) -> tuple[int, tuple[int, ...]]:
    """Known shapes first, by the order of their compétences; a choice not fixed yet last."""
    if assessed is None:
        return (1, ())
    orders = {competency.pk: competency.order for competency in scale.competencies}
    return (0, tuple(orders.get(pk, 0) for pk in assessed))


def _groups(
    scale: Scale, rows: list[CandidateRow], ranges: dict[str, MarkRange], pending: tuple[str, ...]
) -> list[ProfileGroup]:
    """The rows of one shape, grouped by identical profile, dominant groups first."""
    by_key: dict[str, list[CandidateRow]] = defaultdict(list)
    for row in rows:
        by_key[row.key].append(row)
    ordered = profile_logic.order_keys(by_key, scale.ranks)
    dominated = profile_logic.dominated_keys(ordered, scale.ranks)
    return [
        ProfileGroup(
            key=key,
            levels=list(zip(scale.competencies, key.split("-"), strict=False)),
            complete=profile_logic.key_is_complete(key),
            range=ranges.get(key),
            rows=by_key[key],
            dominated=dominated[key],
            pending=pending,
        )
        for key in ordered
    ]


def load_group(commission: Commission) -> GroupPage:
    """Every candidate of the cohort with their profile, grouped by the compétences they are assessed on (the
    shape), then by identical profile, dominant groups first. Profiles of different shapes are never compared.

    A fixed number of queries, whatever the size of the group.
    """
    scale = scale_for(commission)
    students = list(commission.cohort.students.select_related("user").order_by(*by_name()))
    student_ids = [student.pk for student in students]
    lines = agreed_lines(commission)
    # No ordering: the model's default one joins six tables for nothing here.
    results = {result.student_id: result for result in CandidateResult.objects.filter(commission=commission).order_by()}
    ranges = {mark_range.profile_key: mark_range for mark_range in MarkRange.objects.filter(commission=commission)}
    conformity = _dossier_conformity(commission, student_ids, of_cohort=True)
    choices = assessed_selectors.fiche_choices(commission, student_ids) if scale.choice_ids else {}
    assessed = assessed_selectors.assessed_competencies(commission, student_ids, scale.competencies, choices=choices)
    rows = [
        candidate_row(
            student,
            results.get(student.pk),
            lines.get(student.pk, {}),
            conformity.get(student.pk),
            scale,
            assessed=assessed[student.pk],
            pending=assessed_selectors.pending_situations(commission, choices.get(student.pk))
            if assessed[student.pk] is None
            else (),
        )
        for student in students
    ]
    by_shape: dict[tuple[int, ...] | None, list[CandidateRow]] = defaultdict(list)
    for row in rows:
        by_shape[row.assessed].append(row)
    shapes = []
    for shape in sorted(by_shape, key=lambda shape: _shape_order(scale, shape)):
        shape_rows = by_shape[shape]
        pending = shape_rows[0].pending if shape is None else ()
        shapes.append(ProfileShape(shape, scale.shape_heading(shape), _groups(scale, shape_rows, ranges, pending)))
    groups = [group for shape in shapes for group in shape.groups]
    return GroupPage(scale, rows, groups, ranges, shapes)


def load_candidate(commission: Commission, student: Student) -> tuple[CandidateRow, Scale]:
    scale = scale_for(commission)
    result = CandidateResult.objects.filter(commission=commission, student=student).first()
    lines = agreed_lines(commission, [student.pk]).get(student.pk, {})
    conformity = _dossier_conformity(commission, [student.pk]).get(student.pk)
    choices = assessed_selectors.fiche_choices(commission, [student.pk]) if scale.choice_ids else {}
    assessed = assessed_selectors.assessed_competencies(commission, [student.pk], scale.competencies, choices=choices)
    pending = (
        assessed_selectors.pending_situations(commission, choices.get(student.pk))
        if assessed[student.pk] is None
        else ()
    )
    row = candidate_row(student, result, lines, conformity, scale, assessed=assessed[student.pk], pending=pending)
    return row, scale
