"""certification.evaluation.demo.load_demo: rooms, etudiant's fiche sujet and situation B passage, convocation."""

import pytest

from accounts import demo as accounts_demo
from certification.commissions import demo as demo_commissions
from certification.dossiers import demo
from certification.evaluation import demo as demo_exam_days
from certification.evaluation.selectors.assessed import assessed_competencies
from certification.evaluation.selectors.marks import load_group
from certification.models import Commission, Convocation, GridLine, ParameterChange, Passage, SubjectSheet
from passeport import demo as passeport_demo


@pytest.fixture
def loaded(db):
    accounts_demo.load_demo()
    passeport_demo.load_demo()
    demo.load_demo()
    demo_commissions.load_demo()
    return demo_exam_days.load_demo()


def test_it_writes_a_fiche_sujet_with_three_changes_and_schedules_the_passage(loaded):
    # Emma's fiche sujet and passage; the 22 other deposited candidates: fiche sujet, information, agreed grid.
    assert loaded == {
        "salles": 3,
        "questions": 3,
        "fiches sujet": 23,
        "passages": 23,  # Emma's, then the class in two rooms
        "informations": 44,  # situation A's and situation B's first dates
        "grilles communes": 22,
        "aptitudes": 42,  # A and B, except B for the last two candidates
        "notes": 22,
    }
    sheet = SubjectSheet.objects.get(student__user__username="etudiant")
    candidate_changes = ParameterChange.objects.filter(sheet=sheet, part="candidate")
    assert set(candidate_changes.values_list("rubric", flat=True)) == set(demo_exam_days.CHANGED)
    passage = Passage.objects.get(student__user__username="etudiant")
    assert (passage.situation.code, passage.room.name) == ("B", "B12")
    assert sorted(passage.jurors.values_list("member__user__username", flat=True)) == ["pro", "prof"]
    assert Convocation.objects.filter(passage=passage, superseded_at__isnull=True).count() == 1


def test_loading_twice_creates_nothing_more(loaded):
    assert set(demo_exam_days.load_demo().values()) == {0}
    assert Convocation.objects.filter(passage__isnull=False).count() == 23


def test_the_e4_class_is_split_between_negotiation_and_event_with_no_line_on_the_other_competence(loaded):
    commission = Commission.objects.get(exam__code="E4")
    kinds = list(SubjectSheet.objects.values_list("dossier_fiche__fiche__kind__code", flat=True))
    assert 5 <= kinds.count("nego-vente") and 5 <= kinds.count("evenement")
    students = list(commission.cohort.students.values_list("pk", flat=True))
    assessed = assessed_competencies(commission, students)
    for student_id, competency_id in GridLine.objects.filter(grid__commission=commission).values_list(
        "grid__student_id", "criterion__competency_id"
    ):
        chosen = assessed[student_id]  # None: the fiche is not chosen yet
        assert chosen is not None and competency_id in chosen  # no line on the compétence of the fiche not chosen
    page = load_group(commission)
    headings = [shape.heading for shape in page.shapes]
    assert "Profils évalués sur « Négocier et accompagner la relation-client »" in headings
    assert "Profils évalués sur « Organiser et animer un évènement commercial »" in headings
    # Every candidate with a grid has a complete profile, « NE » on the compétence not chosen; Emma's grid is the
    # demo user's to fill (her profile is incomplete, her shape known from her fiche sujet).
    rows = [row for shape in page.shapes for group in shape.groups for row in group.rows]
    graded = [row for row in rows if row.student.user.username not in ("etudiant", "etudiant24")]
    assert len(graded) == 22 and all(row.key.count("NE") == 1 and "?" not in row.key for row in graded)
    (emma,) = [row for row in rows if row.student.user.username == "etudiant"]
    assert emma.key == "?-?-NE-?"


def test_the_demo_profiles_page_shows_complete_profiles_ranges_per_shape_and_a_dominance_warning(
    loaded, client, settings
):
    settings.DEMO_MODE = True
    from django.urls import reverse

    from accounts.models import User
    from certification.models import CandidateResult, MarkRange

    commission = Commission.objects.get(exam__code="E4")
    client.force_login(User.objects.get(username="prof"))
    html = client.get(reverse("certification:profiles", args=[commission.pk])).content.decode()
    assert "Profils évalués sur « Négocier et accompagner la relation-client »" in html
    assert "Profils évalués sur « Organiser et animer un évènement commercial »" in html
    # Only the candidate who deposited nothing (NV to record) has no profile; Emma's waits for the demo's user.
    assert html.count("Profil incomplet") == 1
    keys = set(MarkRange.objects.filter(commission=commission).values_list("profile_key", flat=True))
    shapes = {tuple(i for i, code in enumerate(key.split("-")) if code == "NE") for key in keys}
    assert len(shapes) == 2  # ranges set in each shape
    assert CandidateResult.objects.filter(commission=commission, status="mark").count() == 22
    assert "a un profil qui domine celui de" in html  # the one contradiction the demo carries


def test_the_demo_commission_page_says_what_remains(loaded, client, settings):
    settings.DEMO_MODE = True
    from django.urls import reverse

    from accounts.models import User

    commission = Commission.objects.get(exam__code="E4")
    client.force_login(User.objects.get(username="prof"))
    html = client.get(reverse("certification:commission_detail", args=[commission.pk])).content.decode()
    assert "Avant la délibération" in html
    assert "Aptitude à être évalué·e non enregistrée (situation B)" in html
    assert "Dossier non déposé, sans NV enregistré" in html


def test_the_class_passages_never_overlap_in_a_room_nor_for_a_juror(loaded):
    passages = list(Passage.objects.prefetch_related("jurors__member__user").select_related("room"))
    assert len(passages) == 23
    for a in passages:
        for b in passages:
            if a.pk < b.pk and a.starts_at < b.ends_at and b.starts_at < a.ends_at:
                assert a.room_id != b.room_id
                jurors_a = {j.member.user_id for j in a.jurors.all()}
                assert not jurors_a & {j.member.user_id for j in b.jurors.all()}
    # Every passage has its current convocation, sent before it starts.
    for passage in passages:
        (convocation,) = passage.convocations.filter(superseded_at__isnull=True)
        assert convocation.informed_at < passage.starts_at
