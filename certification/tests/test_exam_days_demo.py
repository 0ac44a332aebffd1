"""certification.demo_exam_days.load_demo: rooms, etudiant's fiche sujet and situation B passage, convocation."""

import pytest

from accounts import demo as accounts_demo
from certification import demo, demo_commissions, demo_exam_days
from certification.models import Convocation, ParameterChange, Passage, SubjectSheet
from passeport import demo as passeport_demo


@pytest.fixture
def loaded(db):
    accounts_demo.load_demo()
    passeport_demo.load_demo()
    demo.load_demo()
    demo_commissions.load_demo()
    return demo_exam_days.load_demo()


def test_it_writes_a_fiche_sujet_with_three_changes_and_schedules_the_passage(loaded):
    assert loaded == {"salles": 3, "questions": 3, "fiches sujet": 1, "passages": 1}
    sheet = SubjectSheet.objects.get(student__user__username="etudiant")
    candidate_changes = ParameterChange.objects.filter(sheet=sheet, part="candidate")
    assert set(candidate_changes.values_list("rubric", flat=True)) == set(demo_exam_days.CHANGED)
    passage = Passage.objects.get(student__user__username="etudiant")
    assert (passage.situation.code, passage.room.name) == ("B", "B12")
    assert sorted(passage.jurors.values_list("member__user__username", flat=True)) == ["pro", "prof"]
    assert Convocation.objects.filter(passage=passage, superseded_at__isnull=True).count() == 1


def test_loading_twice_creates_nothing_more(loaded):
    assert set(demo_exam_days.load_demo().values()) == {0}
    assert Convocation.objects.filter(passage__isnull=False).count() == 1
