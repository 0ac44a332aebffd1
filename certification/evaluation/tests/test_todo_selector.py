"""todo_for: grids to fill, sheets to sign, fiches sujet to write — items appear when due and go when done."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certification.evaluation.selectors.steps import blocking_steps
from certification.evaluation.selectors.todo import GRID, SIGNATURE, SUBJECT, todo_count, todo_for
from certification.evaluation.selectors.todo_item import STEP
from certification.evaluation.tests.test_todo_steps import STEP_QUERIES
from certification.models import EvaluationSheet, MemberRole, ResultStatus
from tests.factories_certification_commissions import add_member, make_commission
from tests.factories_certification_grids import fill_grid, seat
from tests.factories_certification_jury import make_passage, make_subject_sheet, submitted_dossier
from tests.factories_certification_marks import add_students, assess_on, make_result
from tests.factories_certification_sheets import make_sheet, sign

pytestmark = pytest.mark.django_db

PARIS = datetime.timezone(datetime.timedelta(hours=2))
BEFORE_A = datetime.datetime(2027, 5, 1, 9, tzinfo=PARIS)
AFTER_A = datetime.datetime(2027, 5, 21, 9, tzinfo=PARIS)
ELEVEN = ["S"] * 11


def _of(user, kind):
    items = todo_for(user)
    # The navigation's counter (todo_count) counts without building the items: it must say the same, every time.
    assert todo_count(user) == len(items)
    return [(item.student.user.username, item.commission.exam.code) for item in items if item.kind == kind]


# --- « Grille à remplir » -------------------------------------------------------------------------------------------


def test_no_grid_is_due_before_the_first_date(cast):
    make_commission(cast)
    with time_machine.travel(BEFORE_A, tick=False):
        assert _of(cast.teacher, GRID) == []


def test_every_candidate_is_due_once_a_step_date_has_passed(cast):
    commission = make_commission(cast)
    with time_machine.travel(AFTER_A, tick=False):
        items = [item for item in todo_for(cast.teacher) if item.kind == GRID]
    # By name: « Étudiant » (Lucas) before « Étudiante » (Emma).
    assert [item.student for item in items] == [cast.student2, cast.student]
    assert items[0].label == "Grille à remplir : Lucas ÉTUDIANT"
    assert items[0].url == reverse("certification:grid_member", args=[commission.pk, cast.student2.pk])
    assert items[0].detail == "0 critère positionné sur 11"


def test_a_grid_with_every_line_positioned_is_done_a_partial_one_is_not(cast):
    commission = make_commission(cast)
    member = seat(commission, cast.teacher)
    fill_grid(commission, cast.student, member, ELEVEN)
    fill_grid(commission, cast.student2, member, ["S", "TS", None])
    with time_machine.travel(AFTER_A, tick=False):
        items = [item for item in todo_for(cast.teacher) if item.kind == GRID]
    assert [item.student for item in items] == [cast.student2]
    assert items[0].detail == "2 critères positionnés sur 11"


def test_the_lines_of_the_competence_not_assessed_are_neither_counted_nor_required(cast):
    """Situation B on the négo fiche (evaluation sheet) or the événement one (fiche sujet): 8 or 9 lines, not 11."""
    commission = make_commission(cast)
    member = seat(commission, cast.teacher)
    assess_on(commission, cast.student, "nego-vente")
    # Every line but those of « Organiser… » (C3, lines 7 to 9 of the grid).
    fill_grid(commission, cast.student, member, ["S"] * 6 + [None] * 3 + ["S"] * 2)
    dossier = submitted_dossier(cast.student2)
    sheet = make_subject_sheet(commission, cast.student2, dossier)
    sheet.dossier_fiche = dossier.items.get(fiche__kind__code="evenement")
    sheet.save(update_fields=["dossier_fiche"])
    fill_grid(commission, cast.student2, member, ["S", "S"])
    with time_machine.travel(AFTER_A, tick=False):
        items = [item for item in todo_for(cast.teacher) if item.kind == GRID]
        assert todo_count(cast.teacher) == len(todo_for(cast.teacher))
    assert [item.student for item in items] == [cast.student2]
    assert items[0].detail == "2 critères positionnés sur 9"


def test_another_members_grid_does_not_count(cast):
    commission = make_commission(cast)
    add_member(commission, cast.teacher2)
    fill_grid(commission, cast.student, seat(commission, cast.teacher2), ELEVEN)
    with time_machine.travel(AFTER_A, tick=False):
        assert ("emma", "E4") in _of(cast.teacher, GRID)
        assert ("emma", "E4") not in _of(cast.teacher2, GRID)


def test_a_locked_absent_or_nv_candidate_has_no_grid_to_fill(cast):
    commission = make_commission(cast)
    make_result(commission, cast.student, mark="12", locked=True)
    make_result(commission, cast.student2, status=ResultStatus.ABSENT, absent_reason="Malade")
    with time_machine.travel(AFTER_A, tick=False):
        assert _of(cast.teacher, GRID) == []


def test_a_started_passage_makes_that_candidate_due(cast):
    commission = make_commission(cast, with_steps=False)
    with time_machine.travel(AFTER_A, tick=False):
        make_passage(commission, cast.student, starts_at=AFTER_A - datetime.timedelta(hours=1))
        make_passage(commission, cast.student2, starts_at=AFTER_A + datetime.timedelta(days=3))
        assert _of(cast.teacher, GRID) == [("emma", "E4")]


def test_a_seated_professional_gets_their_grids_too(cast):
    commission = make_commission(cast)
    add_member(commission, cast.professional, MemberRole.PROFESSIONAL)
    with time_machine.travel(AFTER_A, tick=False):
        assert len(_of(cast.professional, GRID)) == 2


def test_someone_who_sits_nowhere_has_nothing_to_do(cast):
    make_commission(cast)
    with time_machine.travel(AFTER_A, tick=False):
        assert todo_for(cast.teacher2) == []
        # The administration has no grid nor signature, only the steps of the commissions it manages.
        assert {item.kind for item in todo_for(cast.admin)} == {STEP}


# --- « Signature demandée » -----------------------------------------------------------------------------------------


def _sheet_to_sign(cast):
    commission = make_commission(cast, with_steps=False)
    add_member(commission, cast.teacher2)
    make_result(commission, cast.student, mark="14.5")
    return commission, make_sheet(commission, cast.student)


def test_a_sheet_with_a_mark_asks_every_member_to_sign(cast):
    commission, _ = _sheet_to_sign(cast)
    assert _of(cast.teacher, SIGNATURE) == [("emma", "E4")]
    assert _of(cast.teacher2, SIGNATURE) == [("emma", "E4")]
    item = next(item for item in todo_for(cast.teacher) if item.kind == SIGNATURE)
    assert item.url == reverse("certification:evaluation_sign", args=[commission.pk, cast.student.pk])
    assert item.detail == "Note : 14,5"


def test_once_signed_it_goes_for_that_member_and_tells_the_others(cast):
    commission, sheet = _sheet_to_sign(cast)
    sign(sheet, seat(commission, cast.teacher))
    assert _of(cast.teacher, SIGNATURE) == []
    item = next(item for item in todo_for(cast.teacher2) if item.kind == SIGNATURE)
    assert item.detail == "Note : 14,5 — déjà signée par 1 autre membre"


def test_a_signature_on_an_older_version_is_to_renew(cast):
    commission, sheet = _sheet_to_sign(cast)
    sign(sheet, seat(commission, cast.teacher))
    EvaluationSheet.objects.filter(pk=sheet.pk).update(version=2)
    item = next(item for item in todo_for(cast.teacher) if item.kind == SIGNATURE)
    assert item.detail.endswith("votre signature est à renouveler")
    steps = len(blocking_steps(cast.teacher))  # the teacher is the commission's responsible
    assert todo_count(cast.teacher) == steps + 1
    EvaluationSheet.objects.filter(pk=sheet.pk).update(version=1)
    assert todo_count(cast.teacher) == steps == len(todo_for(cast.teacher))


def test_no_signature_is_asked_while_the_mark_is_pending_or_without_a_sheet(cast):
    commission = make_commission(cast, with_steps=False)
    make_result(commission, cast.student)  # pending
    make_sheet(commission, cast.student)
    make_result(commission, cast.student2, mark="9")  # no sheet yet
    assert _of(cast.teacher, SIGNATURE) == []


def test_a_reserved_mark_can_be_signed(cast):
    commission = make_commission(cast, with_steps=False)
    make_result(commission, cast.student, status=ResultStatus.RESERVED)
    make_sheet(commission, cast.student)
    assert _of(cast.teacher, SIGNATURE) == [("emma", "E4")]


# --- « Fiche sujet à rédiger » --------------------------------------------------------------------------------------


def test_a_submitted_e4_dossier_without_fiche_sujet_is_listed_until_the_sheet_exists(cast):
    commission = make_commission(cast, with_steps=False)
    dossier = submitted_dossier(cast.student)
    item = next(item for item in todo_for(cast.teacher) if item.kind == SUBJECT)
    assert item.label == "Fiche sujet à rédiger : Emma ÉTUDIANTE"
    assert item.url == reverse("certification:subject_edit", args=[commission.pk, cast.student.pk])
    assert item.detail == "Dossier déposé, passage pas encore planifié"
    make_subject_sheet(commission, cast.student, dossier)
    assert _of(cast.teacher, SUBJECT) == []


def test_a_draft_dossier_is_not_listed(cast):
    from tests.factories_certification_dossiers import complete_dossier

    make_commission(cast, with_steps=False)
    complete_dossier(cast.student)
    assert _of(cast.teacher, SUBJECT) == []


def test_a_scheduled_passage_b_comes_first(cast):
    commission = make_commission(cast, with_steps=False)
    submitted_dossier(cast.student)
    make_passage(commission, cast.student2)
    items = [item for item in todo_for(cast.teacher) if item.kind == SUBJECT]
    assert [item.student for item in items] == [cast.student2, cast.student]
    assert items[0].detail == "Passage (situation B) le 03/06/2027 à 10:00"


def test_professionals_and_e6_commissions_get_no_fiche_sujet_to_write(cast):
    commission = make_commission(cast, with_steps=False)
    add_member(commission, cast.professional, MemberRole.PROFESSIONAL)
    submitted_dossier(cast.student)
    e6 = make_commission(cast, "E6", with_steps=False)
    submitted_dossier(cast.student2, "E6")
    make_passage(e6, cast.student2, code="B", minutes=15)
    assert _of(cast.professional, SUBJECT) == []
    assert _of(cast.teacher, SUBJECT) == [("emma", "E4")]


# --- Queries ---------------------------------------------------------------------------------------------------------


def _everything_for(cast, commission, students):
    member = seat(commission, cast.teacher)
    for student in students:
        fill_grid(commission, student, member, ["S", "S"])
        make_result(commission, student, mark="11")
        make_sheet(commission, student)
        make_passage(commission, student, starts_at=AFTER_A - datetime.timedelta(days=1))


def _count(user) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        items = todo_for(user)
    return len(queries), len(items)


def test_the_queries_do_not_grow_with_the_candidates(cast, django_assert_max_num_queries):
    commission = make_commission(cast)
    make_commission(cast, "E6")
    with time_machine.travel(AFTER_A, tick=False):
        _everything_for(cast, commission, [cast.student, cast.student2])
        todo_for(cast.teacher)  # the person's roles are read once, then memoised on the user for the request
        two, items_two = _count(cast.teacher)
        students = add_students(cast, 8)
        _everything_for(cast, commission, students)
        ten, items_ten = _count(cast.teacher)
        with django_assert_max_num_queries(4 + STEP_QUERIES):
            todo_for(cast.teacher)
    assert items_two < items_ten
    assert two == ten
    with time_machine.travel(AFTER_A, tick=False), django_assert_max_num_queries(4 + STEP_QUERIES):
        assert todo_count(cast.teacher) == items_ten


def test_only_the_signers_are_asked_to_sign(cast):
    # A professional signs only as a juror of the candidate's passage (situation B); the responsible members sign A.
    commission, _ = _sheet_to_sign(cast)
    add_member(commission, cast.professional, MemberRole.PROFESSIONAL)
    assert _of(cast.professional, SIGNATURE) == []
    make_passage(commission, cast.student, jurors=[seat(commission, cast.teacher), seat(commission, cast.professional)])
    assert _of(cast.professional, SIGNATURE) == [("emma", "E4")]
    assert _of(cast.teacher2, SIGNATURE) == [("emma", "E4")]
