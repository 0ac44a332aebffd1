"""Profiles and marks of a commission's group (domain §8): reads for the profiles page, and the writes.

The software shows the group's profiles side by side and records what the commission decides: the global profile
of each candidate (proposed from the agreed grid, editable), the mark range of each profile and each mark or status.
It suggests, never imposes: no mark is ever filled in by a formula.

Optimistic locking: each CandidateResult carries a ``version``; a save based on an older version, whose values
differ from the current ones, is refused as a whole with a French message naming the candidates concerned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db import transaction

from accounts.models import Student, User
from audit.services import log_action
from certification.commissions.models import Commission
from certification.evaluation.models import CandidateResult, MarkRange, ResultStatus
from certification.evaluation.services import profiles as profile_logic
from certification.evaluation.services.freezing import FROZEN_MESSAGE, Frozen, ensure_ranges_writable
from certification.evaluation.services.lifecycle import frozen_student_ids, mark_block_reason, mark_block_reasons
from certification.evaluation.services.locking import Locked, ensure_unlocked
from lib import versioning
from lib.refusals import Conflict
from referentiel.models import ExamSession


class MarksConflict(Conflict):
    """A refused save: ``messages`` in French, ``versions`` the current version of each candidate concerned."""

    def __init__(self, messages: list[str], versions: dict[int, int] | None = None):
        super().__init__(messages=messages)
        self.versions = versions or {}


def mark_step(session: ExamSession) -> Decimal:
    return Decimal("0.5") if session.mark_step_halves else Decimal("1")


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


class ResultValues(NamedTuple):
    """What a result says, compared between the saved row and the submitted one."""

    status: str
    mark: Decimal | None
    absent_reason: str


def _values(result: CandidateResult | None) -> ResultValues:
    if result is None:
        return ResultValues(ResultStatus.PENDING, None, "")
    return ResultValues(result.status, result.mark, result.absent_reason)


def _describe(values: ResultValues) -> str:
    status, mark, reason = values
    if status == ResultStatus.MARK:
        return f"note {profile_logic.fmt(mark)}"
    label = ResultStatus(status).label.lower() if status in ResultStatus.values else status
    return f"{label} ({reason})" if reason else label


def _conflict_message(student: Student, current: CandidateResult) -> str:
    who = current.updated_by.display_name if current.updated_by_id and current.updated_by else "un autre membre"
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


def _wanted_values(wanted: ResultInput) -> ResultValues:
    return ResultValues(wanted.status, wanted.mark, wanted.absent_reason)


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


def _log_range(
    action: str,
    commission: Commission,
    actor: User,
    key: str,
    mark_range: MarkRange,
    before: tuple[Decimal | None, Decimal | None] | None,
) -> None:
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
        if current is not None and _values(current) == _wanted_values(wanted) and current.profile == profile:
            return current
        return _apply(commission, student, current, wanted, actor=actor, profile=profile)
