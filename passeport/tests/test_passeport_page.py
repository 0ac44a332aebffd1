"""The passeport page: every case of its loops (escaping, collective activity, fiches, assessments), its queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Student
from passeport import selectors
from passeport.models import FormativeAssessment
from passeport.services.followup import create_formative_assessment
from tests.factories import add_evidence, criteria, level, make_activity, make_fiche

TRICKY = '<script>alert("x")</script> & l\'« atelier »'


@pytest.fixture
def rich(cast):
    """A passeport with every case of the loops: escaping, collective activity, fiches, assessments of all kinds."""
    student, teacher = cast.student, cast.teacher
    e4, e6 = criteria(student, "E4"), criteria(student, "E6")
    a1 = make_activity(
        student,
        title=TRICKY,
        organisation="",
        start_date=datetime.date(2026, 1, 5),
        end_date=None,
        validated_at=timezone.now(),
        validated_by=teacher,
    )
    a2 = make_activity(
        student, title="Salon & forum", organisation="Brico <Dépôt>", start_date=datetime.date(2026, 3, 1)
    )
    make_activity(student, title="Même jour", start_date=datetime.date(2026, 3, 1), end_date=datetime.date(2026, 3, 1))
    a1.criteria.set([e4[0], e4[3], e6[0]])
    a2.criteria.set([e4[0], e6[2]])
    add_evidence(a1, 1)
    add_evidence(a2, 2)
    theirs = make_activity(cast.student2, title="Journée <portes> ouvertes", start_date=datetime.date(2026, 2, 1))
    theirs.participants.add(student)
    make_fiche(student, activity=theirs, kind_code="evenement", title="Fiche d'une <journée>")
    fiche = make_fiche(student, activity=a1, kind_code="nego-vente", title=TRICKY)
    make_fiche(student, activity=a2, exam_code="E6", kind_code="distributeurs", real_lived=True)
    create_formative_assessment(
        student=student,
        assessor=teacher,
        assessed_on=datetime.date(2026, 1, 9),
        activity=a1,
        positions={e6[0]: level(student, "I"), e4[3]: level(student, "TS"), e4[0]: level(student, "S")},
        comment="Ligne <b>1</b>\n\nLigne 2 & fin",
    )
    create_formative_assessment(
        student=student,
        assessor=cast.teacher,
        assessed_on=datetime.date(2026, 1, 9),
        fiche=fiche,
        positions={e4[0]: level(student, "TI")},
    )
    FormativeAssessment.objects.create(  # no position at all: not possible from the form, still shown
        student=student, assessor=teacher, activity=a2, assessed_on=datetime.date(2026, 3, 2)
    )
    return cast


@pytest.mark.django_db
def test_an_empty_passeport_says_so(cast, login):
    page = login(cast.student).get(reverse("passeport:passeport", args=[cast.student.pk])).content.decode()
    assert "Aucune activité pour l'instant." in page
    assert "Aucune évaluation formative pour l'instant." in page
    assert '<ol class="timeline">' not in page
    assert page.count('<table class="table matrix">') == 2


@pytest.mark.django_db
def test_the_page_escapes_user_text_and_keeps_ids_and_labels(rich, login):
    page = login(rich.student).get(reverse("passeport:passeport", args=[rich.student.pk])).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; l&#x27;« atelier »" in page
    assert "Brico &lt;Dépôt&gt;" in page
    assert "Activité collective : Journée &lt;portes&gt; ouvertes" in page
    assert '<div class="comment"><p>Ligne &lt;b&gt;1&lt;/b&gt;</p>\n\n<p>Ligne 2 &amp; fin</p></div>' in page
    for anchor in ("chronologie", "criteres-e4", "criteres-e6", "profil", "evaluations"):
        assert f'id="{anchor}"' in page
        assert f'aria-labelledby="{anchor}"' in page
    assert page.count('<th scope="col" class="matrix-activity">') == 2 * 3
    # The visible « A3 » begins the link's accessible name (WCAG 2.5.3: a voice user says what they see).
    assert '>A3<span class="visually-hidden"> – Même jour</span></a>' in page
    assert "Évaluations formatives (3)" in page


@pytest.mark.django_db
def test_assessments_are_latest_first_with_positions_in_grid_order(rich):
    p = selectors.passeport_for(rich.student)
    assert [a.assessed_on for a in p.assessments] == [
        datetime.date(2026, 3, 2),
        datetime.date(2026, 1, 9),
        datetime.date(2026, 1, 9),
    ]
    assert p.assessments[1].fiche_id and not p.assessments[2].fiche_id  # same date: the later entry first
    assert [(code, level.code) for code, _, level in p.assessments[2].position_list] == [
        ("E4", "S"),
        ("E4", "TS"),
        ("E6", "I"),
    ]
    assert p.assessments[0].position_list == []
    first = p.matrices[0].competencies[0][1][0]
    assert (first.latest.level.code, first.latest.count) == ("TI", 2)  # same date, entered later


@pytest.mark.django_db
@pytest.mark.parametrize("cohort_loaded", [True, False])
def test_passeport_for_runs_a_fixed_number_of_queries(rich, django_assert_max_num_queries, cohort_loaded):
    student = Student.objects.select_related("cohort").get(pk=rich.student.pk) if cohort_loaded else None
    student = student or Student.objects.get(pk=rich.student.pk)
    with django_assert_max_num_queries(9):
        p = selectors.passeport_for(student)
    assert p.student.cohort.exam_session.pk == rich.student.cohort.exam_session_id
