"""Profiles and marks of a commission's group (domain §8): reads for the profiles page, and the writes.

The software shows the group's profiles side by side and records what the commission decides: the global profile
of each candidate (proposed from the agreed grid, editable), the mark range of each profile and each mark or status.
It suggests, never imposes: no mark is ever filled in by a formula.

Optimistic locking: each CandidateResult carries a ``version``; a save based on an older version, whose values
differ from the current ones, is refused as a whole with a French message naming the candidates concerned.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db import transaction

from accounts.models import Student, User
from audit.services import log_action
from certification.commissions.models import Commission
from certification.dossiers.models import ConformityCheck
from certification.evaluation.models import CandidateResult, GridLine, MarkRange, ResultStatus
from certification.evaluation.selectors import assessed as assessed_selectors
from certification.evaluation.services import profiles as profile_logic
from certification.evaluation.services.lifecycle import (
    FROZEN_MESSAGE,
    Frozen,
    ensure_ranges_writable,
    frozen_student_ids,
    mark_block_reason,
    mark_block_reasons,
)
from certification.evaluation.services.locking import Locked, ensure_unlocked
from lib import versioning
from lib.collation import by_name
from lib.refusals import Conflict
from referentiel.models import Competency, ExamSession, Level


class MarksConflict(Conflict):
    """A refused save: ``messages`` in French, ``versions`` the current version of each candidate concerned."""

    def __init__(self, messages: list[str], versions: dict[int, int] | None = None):
        super().__init__(messages=messages)
        self.versions = versions or {}


def mark_step(session: ExamSession) -> Decimal:
    return Decimal("0.5") if session.mark_step_halves else Decimal("1")


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


def _shape_order(scale: Scale, assessed: tuple[int, ...] | None) -> tuple:
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


# --- Writes -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResultInput:
    """What the commission submitted for one candidate, with the version it was based on."""

    student_id: int
    status: str
    mark: Decimal | None
    absent_reason: str
    version: int
    profile: dict[str, str]  # the profile shown: kept on the result when the commission first marks


@dataclass(frozen=True)
class RangeInput:
    key: str
    low: Decimal | None
    high: Decimal | None


def _values(result: CandidateResult | None) -> tuple[str, Decimal | None, str]:
    if result is None:
        return (ResultStatus.PENDING, None, "")
    return (result.status, result.mark, result.absent_reason)


def _describe(values: tuple[str, Decimal | None, str]) -> str:
    status, mark, reason = values
    if status == ResultStatus.MARK:
        return f"note {profile_logic.fmt(mark)}"
    label = ResultStatus(status).label.lower() if status in ResultStatus.values else status
    return f"{label} ({reason})" if reason else label


def _conflict_message(student: Student, current: CandidateResult) -> str:
    who = current.updated_by.display_name if current.updated_by_id else "un autre membre"
    return (
        f"{student} : le résultat a été modifié par {who} pendant votre saisie (valeur actuelle : "
        f"{_describe(_values(current))}). Votre saisie est conservée ci-dessous : vérifiez-la puis enregistrez à "
        "nouveau."
    )


def _locked_message(student: Student) -> str:
    return f"{student} : fiche d'évaluation signée, résultat verrouillé ; votre modification n'a pas été enregistrée."


def _apply(
    commission: Commission,
    student: Student,
    current: CandidateResult | None,
    wanted: ResultInput,
    *,
    actor: User,
    profile: dict[str, str] | None = None,
) -> CandidateResult:
    result = current or CandidateResult(commission=commission, student=student, version=0)
    status, mark, reason = _values(current)
    before = {"profile": dict(result.profile), "status": status, "mark": mark, "absent_reason": reason}
    if profile is not None:
        result.profile = profile
    elif not result.profile:
        result.profile = dict(wanted.profile)
    result.status, result.mark, result.absent_reason = wanted.status, wanted.mark, wanted.absent_reason
    result.version += 1
    result.updated_by = actor
    result.save()
    after = {
        "profile": result.profile,
        "status": result.status,
        "mark": result.mark,
        "absent_reason": wanted.absent_reason,
    }
    changes = {name: [str(before[name]), str(after[name])] for name in after if before[name] != after[name]}
    log_action(
        "result.updated",
        actor=actor,
        obj=result,
        establishment_id=commission.cohort.establishment_id,
        changes=changes,
    )
    return result


def _wanted_values(wanted: ResultInput) -> tuple[str, Decimal | None, str]:
    return (wanted.status, wanted.mark, wanted.absent_reason)


def save_group(
    commission: Commission, *, actor: User, results: Sequence[ResultInput], ranges: Sequence[RangeInput]
) -> int:
    """Record the ranges and the marks typed on the profiles page; returns the number of changes.

    Only what differs from the database is written. A locked candidate (signed sheet) or a result changed by
    someone else since the page was shown refuses the whole save (nothing written) with ``MarksConflict``.
    """
    with transaction.atomic():
        ids = [wanted.student_id for wanted in results]
        students = {
            s.pk: s for s in Student.objects.select_related("user").filter(pk__in=ids, cohort=commission.cohort)
        }
        current = {
            result.student_id: result
            for result in CandidateResult.objects.select_for_update(of=("self",))
            .select_related("updated_by")
            .filter(commission=commission, student_id__in=ids)
        }
        changed = [
            wanted
            for wanted in results
            if wanted.student_id in students and _values(current.get(wanted.student_id)) != _wanted_values(wanted)
        ]
        # The lifecycle's rules for every changed row at once: a class marked in one save costs a few queries.
        frozen = frozen_student_ids(commission, [wanted.student_id for wanted in changed])
        not_yet = mark_block_reasons(commission, {students[w.student_id]: w.status for w in changed})
        to_write, refused, versions = [], [], {}
        for wanted in changed:
            result = current.get(wanted.student_id)
            student = students[wanted.student_id]
            blocked = FROZEN_MESSAGE if wanted.student_id in frozen else not_yet.get(wanted.student_id)
            if result is not None and result.locked_at is not None:
                refused.append(_locked_message(student))
            elif blocked:
                refused.append(blocked if blocked.startswith(str(student)) else f"{student} : {blocked}")
            elif result is not None and result.version != wanted.version:
                refused.append(_conflict_message(students[wanted.student_id], result))
                versions[wanted.student_id] = result.version
            else:
                to_write.append(wanted)
        if refused:
            raise MarksConflict(refused, versions)
        for wanted in to_write:
            _apply(commission, students[wanted.student_id], current.get(wanted.student_id), wanted, actor=actor)
        return len(to_write) + _save_ranges(commission, ranges, actor=actor)


def _range_changes(existing: dict[str, MarkRange], ranges: Sequence[RangeInput]) -> bool:
    for wanted in ranges:
        mark_range = existing.get(wanted.key)
        if wanted.low is None or wanted.high is None:
            if mark_range is not None:
                return True
        elif mark_range is None or (mark_range.low, mark_range.high) != (wanted.low, wanted.high):
            return True
    return False


def _save_ranges(commission: Commission, ranges: Sequence[RangeInput], *, actor: User) -> int:
    existing = {r.profile_key: r for r in MarkRange.objects.select_for_update().filter(commission=commission)}
    if _range_changes(existing, ranges):
        try:
            ensure_ranges_writable(commission)
        except Frozen as frozen:
            raise MarksConflict([frozen.message]) from None
    changed = 0
    for wanted in ranges:
        mark_range = existing.get(wanted.key)
        if wanted.low is None or wanted.high is None:
            if mark_range is not None:
                mark_range.delete()
                _log_range("markrange.deleted", commission, actor, wanted.key, mark_range, None)
                changed += 1
            continue
        if mark_range is not None and (mark_range.low, mark_range.high) == (wanted.low, wanted.high):
            continue
        before = (mark_range.low, mark_range.high) if mark_range else None
        mark_range = mark_range or MarkRange(commission=commission, profile_key=wanted.key)
        mark_range.low, mark_range.high = wanted.low, wanted.high
        mark_range.save()
        _log_range("markrange.updated", commission, actor, wanted.key, mark_range, before)
        changed += 1
    return changed


def _log_range(action: str, commission, actor, key: str, mark_range: MarkRange, before) -> None:
    after = None if action.endswith("deleted") else f"{mark_range.low}–{mark_range.high}"
    log_action(
        action,
        actor=actor,
        obj=commission,
        establishment_id=commission.cohort.establishment_id,
        changes={"profil": key, "plage": [f"{before[0]}–{before[1]}" if before else None, after]},
    )


def save_result(
    commission: Commission, student: Student, *, actor: User, wanted: ResultInput, profile: dict[str, str]
) -> CandidateResult:
    """One candidate's profile, status and mark (result page). Raises ``Locked`` or ``MarksConflict``."""
    with transaction.atomic():
        ensure_unlocked(commission, student)
        current = versioning.locked(
            CandidateResult.objects.select_related("updated_by").filter(commission=commission, student=student)
        )
        if current is not None and current.locked_at is not None:
            raise Locked()
        if current is not None:  # a first result may be typed on any page (version 0 or a stale 0)
            versioning.ensure_version(
                current,
                wanted.version,
                lambda: MarksConflict([_conflict_message(student, current)], {student.pk: current.version}),
            )
        if _values(current) != _wanted_values(wanted):
            blocked = mark_block_reason(commission, student, wanted.status)
            if blocked:
                raise MarksConflict([blocked])
        unchanged = _values(current) == _wanted_values(wanted) and current is not None and current.profile == profile
        if unchanged:
            return current
        return _apply(commission, student, current, wanted, actor=actor, profile=profile)
