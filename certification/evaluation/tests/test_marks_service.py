"""The writes of profiles and marks: only what changed, audited; conflicts and locks refuse the whole save."""

from decimal import Decimal

import pytest

from audit.models import AuditEntry
from certification.evaluation.selectors.marks import load_group
from certification.evaluation.services.locking import Locked
from certification.evaluation.services.marks import (
    MarksConflict,
    RangeInput,
    ResultInput,
    mark_step,
    save_group,
    save_result,
)
from certification.models import CandidateResult, MarkRange
from tests.factories_certification_marks import agree_grid, make_marks_commission, make_result, profile_of


@pytest.fixture
def commission(cast):
    return make_marks_commission(cast, markable=True)


def wanted(student, mark="12", *, status="mark", version=0, profile=None, reason=""):
    return ResultInput(student.pk, status, Decimal(mark) if mark else None, reason, version, profile or {})


def test_the_mark_step_follows_the_session(cast):
    assert mark_step(cast.session) == Decimal("0.5")
    cast.session.mark_step_halves = False
    assert mark_step(cast.session) == Decimal(1)


def test_unchanged_rows_are_not_written(cast, commission):
    make_result(commission, cast.student, mark="12")
    changed = save_group(commission, actor=cast.teacher, results=[wanted(cast.student, version=1)], ranges=[])
    assert changed == 0
    assert not AuditEntry.objects.exists()


def test_the_profile_shown_is_kept_when_the_first_mark_is_given(cast, commission):
    profile = profile_of(commission, "S-S-NE-S")
    save_group(commission, actor=cast.teacher, results=[wanted(cast.student, profile=profile)], ranges=[])
    assert CandidateResult.objects.get().profile == profile


def test_a_conflict_rolls_back_every_row_and_range(cast, commission):
    stale = make_result(commission, cast.student2, mark="10")
    stale.version = 4
    stale.save()
    with pytest.raises(MarksConflict) as refusal:
        save_group(
            commission,
            actor=cast.teacher,
            results=[wanted(cast.student), wanted(cast.student2, "11", version=1)],
            ranges=[RangeInput("S-S-NE-S", Decimal(10), Decimal(12))],
        )
    assert refusal.value.versions == {cast.student2.pk: 4}
    assert not CandidateResult.objects.filter(student=cast.student).exists()
    assert not MarkRange.objects.exists()


def test_a_student_outside_the_cohort_is_ignored(cast, commission):
    save_group(commission, actor=cast.teacher, results=[wanted(cast.other_student)], ranges=[])
    assert not CandidateResult.objects.exists()


def test_save_result_refuses_a_locked_result(cast, commission):
    make_result(commission, cast.student, mark="12", locked=True)
    with pytest.raises(Locked):
        save_result(
            commission, cast.student, actor=cast.teacher, wanted=wanted(cast.student, "15", version=1), profile={}
        )


def test_load_group_gives_each_row_its_conformity_and_lock(cast, commission):
    agree_grid(commission, cast.student, "S-?-NE-S")
    make_result(commission, cast.student2, mark="12", locked=True)
    page = load_group(commission)
    rows = {row.student.pk: row for row in page.rows}
    assert rows[cast.student.pk].key == "S-?-NE-S"
    assert rows[cast.student2.pk].locked
    assert rows[cast.student2.pk].version == 1
