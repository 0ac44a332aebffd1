"""certification.evaluation.services.grids: saving a member's grid and the agreed grid, refusals, conflicts,
disagreements."""

import datetime

import pytest

from audit.models import AuditEntry
from certification.evaluation.selectors import grids as grids_selectors
from certification.evaluation.services import grids as grid_services
from certification.evaluation.services.grids import GridConflict, GridRefused
from certification.evaluation.services.locking import lock
from certification.models import Grid, GridComment, GridLine, MemberRole, UninformedAssessment
from tests.factories_certification_commissions import step_of
from tests.factories_certification_grids import (
    criteria_of,
    fill_grid,
    level,
    make_grid_commission,
    seat,
    with_professional,
)


def _levels(commission, codes):
    return {
        criterion.pk: (level(commission, code) if code else None)
        for criterion, code in zip(criteria_of(commission), codes, strict=False)
    }


def _save(commission, student, member, codes, *, base_version=0, comments=None, actor=None):
    return grid_services.save_member_grid(
        commission=commission,
        student=student,
        member=member,
        levels=_levels(commission, codes),
        comments=comments or {},
        base_version=base_version,
        actor=actor or member.user,
    )


def _codes(grid):
    return {line.criterion_id: line.level.code if line.level else None for line in grid.lines.select_related("level")}


def test_the_e4_grid_has_eleven_lines_in_four_competencies_and_e6_seven_in_three(cast):
    e4 = grid_services.grid_competencies(make_grid_commission(cast))
    assert [len(c.criteria.all()) for c in e4] == [4, 2, 3, 2]
    e6_commission = make_grid_commission(cast, "E6")
    e6 = grid_services.grid_competencies(e6_commission)
    assert [len(c.criteria.all()) for c in e6] == [2, 2, 3]
    assert [lv.code for lv in grid_services.grid_levels(e6_commission)] == ["TI", "I", "S", "TS"]


def test_a_member_saves_their_grid_as_version_one_and_the_audit_lists_the_changed_lines(cast):
    commission = make_grid_commission(cast)
    member = seat(commission, cast.teacher)
    competency = grid_services.grid_competencies(commission)[0]

    grid, changed = _save(commission, cast.student, member, ["S", "TS"], comments={competency.pk: "Bon ciblage"})

    assert changed and grid.version == 1 and grid.member == member and grid.updated_by == cast.teacher
    first, second = criteria_of(commission)[:2]
    assert _codes(grid)[first.pk] == "S" and _codes(grid)[second.pk] == "TS"
    assert GridComment.objects.get(grid=grid, competency=competency).text == "Bon ciblage"
    entry = AuditEntry.objects.get(action="grid.member_saved")
    assert entry.changes["version"] == [0, 1]
    assert entry.changes["lines"] == {
        "C1.1 Analyser un portefeuille client": [None, "S"],
        "C1.2 Identifier des cibles de clientèle": [None, "TS"],
    }
    assert entry.changes["comments"] == {"Cibler et prospecter la clientèle": ["", "Bon ciblage"]}


def test_a_second_save_raises_the_version_and_audits_only_what_changed(cast):
    commission = make_grid_commission(cast)
    member = seat(commission, cast.teacher)
    _save(commission, cast.student, member, ["S", "TS", "I"])

    grid, changed = _save(commission, cast.student, member, ["S", "S", "I"], base_version=1)

    assert changed and grid.version == 2
    entry = AuditEntry.objects.filter(action="grid.member_saved").latest("pk")
    assert entry.changes["lines"] == {"C1.2 Identifier des cibles de clientèle": ["TS", "S"]}
    assert "comments" not in entry.changes


def test_saving_the_same_values_changes_nothing_and_keeps_the_version(cast):
    commission = make_grid_commission(cast)
    member = seat(commission, cast.teacher)
    _save(commission, cast.student, member, ["S"])

    grid, changed = _save(commission, cast.student, member, ["S"], base_version=1)

    assert not changed and grid.version == 1
    assert AuditEntry.objects.filter(action="grid.member_saved").count() == 1


def test_a_save_based_on_an_old_version_is_refused_and_writes_nothing(cast):
    commission = make_grid_commission(cast)
    member = seat(commission, cast.teacher)
    _save(commission, cast.student, member, ["S"])
    _save(commission, cast.student, member, ["TS"], base_version=1)

    with pytest.raises(GridConflict) as refused:
        _save(commission, cast.student, member, ["TI", "TI"], base_version=1)

    assert refused.value.current_version == 2
    assert "Conflit : Bob PROF a enregistré cette grille le" in refused.value.message
    assert "vos choix sont affichés ci-dessous" in refused.value.message
    grid = Grid.objects.get(member=member)
    assert grid.version == 2 and set(_codes(grid).values()) == {"TS"}


def test_creating_a_grid_that_someone_else_created_meanwhile_is_a_conflict(cast):
    commission = make_grid_commission(cast)
    fill_grid(commission, cast.student, None, ["S"])

    with pytest.raises(GridConflict) as refused:
        grid_services.save_agreed_grid(
            commission=commission,
            student=cast.student,
            levels=_levels(commission, ["TI"]),
            comments={},
            base_version=0,
            actor=cast.teacher,
        )
    assert refused.value.current_version == 1


def test_a_locked_grid_is_refused_with_the_locking_message(cast):
    commission = make_grid_commission(cast)
    member = seat(commission, cast.teacher)
    lock(commission, cast.student, actor=cast.teacher)

    with pytest.raises(GridRefused) as refused:
        _save(commission, cast.student, member, ["S"])

    assert "grille et note sont verrouillées" in refused.value.message
    assert not Grid.objects.exists()


def test_a_candidate_not_informed_of_situation_a_cannot_be_positioned(cast):
    commission = make_grid_commission(cast, informed=False)
    member = seat(commission, cast.teacher)

    with pytest.raises(GridRefused) as refused:
        _save(commission, cast.student, member, ["S"])

    assert "n'a pas été informé·e officiellement de la date du 20/05/2027" in refused.value.message
    assert not Grid.objects.exists() and not GridLine.objects.exists()


def test_the_first_step_of_situation_a_is_the_one_that_counts(cast):
    commission = make_grid_commission(cast, informed=False)
    situation = step_of(commission, "A").situation
    earlier = situation.steps.create(date=datetime.date(2027, 3, 1), label="Étape 1")
    assert grid_services.first_step_a(commission) == earlier


def test_a_recorded_reason_allows_the_grid_of_a_student_not_informed(cast):
    commission = make_grid_commission(cast, informed=False)
    member = seat(commission, cast.teacher)
    UninformedAssessment.objects.create(
        step=step_of(commission, "A"), student=cast.student, reason="Absent lors de l'envoi", recorded_by=cast.teacher
    )

    grid, changed = _save(commission, cast.student, member, ["S"])

    assert changed and grid.version == 1


def test_a_commission_without_dated_step_does_not_block_the_grid(cast):
    from tests.factories_certification_commissions import make_commission

    commission = make_commission(cast, with_steps=False)
    assert grid_services.grid_block_reason(commission, cast.student) is None


def test_a_member_of_another_commission_is_refused(cast):
    commission = make_grid_commission(cast)
    other = make_grid_commission(cast, "E6")
    with pytest.raises(GridRefused):
        _save(commission, cast.student, seat(other, cast.teacher), ["S"])


def test_the_agreed_grid_is_saved_apart_from_the_members_grids(cast):
    commission = make_grid_commission(cast)
    _save(commission, cast.student, seat(commission, cast.teacher), ["S"])

    grid, changed = grid_services.save_agreed_grid(
        commission=commission,
        student=cast.student,
        levels=_levels(commission, ["TS"]),
        comments={},
        base_version=0,
        actor=cast.teacher,
    )

    assert changed and grid.is_agreed and grid.version == 1
    assert AuditEntry.objects.filter(action="grid.agreed_saved").count() == 1
    assert Grid.objects.filter(commission=commission, student=cast.student).count() == 2


def test_disagreements_are_lines_where_members_who_positioned_differ(cast):
    commission = with_professional(cast)
    teacher, professional = seat(commission, cast.teacher), seat(commission, cast.professional)
    fill_grid(commission, cast.student, teacher, ["S", "S", "TI", None])
    fill_grid(commission, cast.student, professional, ["S", "TS", None, None])
    members = list(grid_services.commission_members(commission))
    assert [m.role for m in members] == [MemberRole.TEACHER, MemberRole.PROFESSIONAL]

    lines = grids_selectors.agreed_lines(
        members,
        criteria_of(commission),
        grids_selectors.member_grids(commission, cast.student),
        {},
    )

    same, different, half, none = lines[:4]
    assert not same.disagreement and same.unanimous.code == "S"
    assert different.disagreement and different.distinct_codes == ["S", "TS"] and different.unanimous is None
    # One member only positioned it: no disagreement, but no unanimity to pre-fill either.
    assert not half.disagreement and half.unanimous is None
    assert not none.disagreement and none.unanimous is None
    assert [line.criterion.pk for line in grids_selectors.disagreements(lines)] == [different.criterion.pk]
