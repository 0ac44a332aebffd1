"""grid_evidence: from a compétence of the grid, the candidate's dossier, fiches, activities, formative positions,
internship periods and teachers' comments, in a fixed number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from passeport.models import FicheComment, FormativeAssessment, FormativePosition
from tests.factories import make_activity, make_fiche
from tests.factories_certification_dossiers import make_dossier, make_internship
from tests.factories_certification_grids import level, make_grid_commission, with_professional


def _competency(commission, order=1):
    return commission.exam.block.competencies.get(order=order)


def _url(commission, student, competency):
    return reverse("certification:grid_evidence", args=[commission.pk, student.pk, competency.pk])


def _traces(cast, commission, count=1):
    """``count`` activities mobilising the first critère, each with a fiche, a formative position and a comment."""
    criterion = _competency(commission).criteria.get(number=1)
    for index in range(count):
        activity = make_activity(cast.student, title=f"Prospection n° {index + 1}")
        activity.criteria.add(criterion)
        fiche = make_fiche(cast.student, activity=activity, title=f"Fiche de prospection {index + 1}")
        assessment = FormativeAssessment.objects.create(
            student=cast.student,
            assessor=cast.teacher2,
            activity=activity,
            assessed_on=datetime.date(2026, 3, 10 + index),
            comment="Analyse du portefeuille solide",
        )
        FormativePosition.objects.create(assessment=assessment, criterion=criterion, level=level(commission, "S"))
        FicheComment.objects.create(fiche=fiche, rubric="acteurs", author=cast.teacher2, text=f"Précisez {index}")
    make_internship(cast.student, organisation=f"Entreprise {count}")


def test_it_shows_the_traces_that_help_judge_the_competency(cast, login):
    commission = make_grid_commission(cast)
    _traces(cast, commission)
    dossier = make_dossier(cast.student)
    unrelated = make_activity(cast.student, title="Salon sans lien")
    unrelated.criteria.add(_competency(commission, 3).criteria.first())

    response = login(cast.teacher).get(_url(commission, cast.student, _competency(commission)))

    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("certification:dossier_detail", args=[dossier.pk]) in html
    fiche = cast.student.fiches.get()
    assert reverse("passeport:fiche_edit", args=[fiche.pk]) in html
    assert "Prospection n° 1" in html and "Salon sans lien" not in html
    assert "10/03/2026" in html and "Berthe PROF" in html and "Analyse du portefeuille solide" in html
    assert 'class="level level-3">S</span>' in html  # a formative level, not the certifying grid
    assert "Entreprise 1" in html and "semaine" in html
    assert "Précisez 0" in html


def test_the_query_count_does_not_grow_with_the_traces(cast, login, django_assert_max_num_queries):
    commission = make_grid_commission(cast)
    _traces(cast, commission, count=1)
    client = login(cast.teacher)
    url = _url(commission, cast.student, _competency(commission))
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    _traces(cast, commission, count=5)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("Précisez") == 6


def test_a_professional_member_who_does_not_follow_the_student_sees_titles_without_dead_links(cast, login):
    commission = with_professional(cast)
    _traces(cast, commission)
    cast.student.professionals.remove(cast.professional)
    html = login(cast.professional).get(_url(commission, cast.student, _competency(commission))).content.decode()
    assert "Fiche de prospection 1" in html
    assert reverse("passeport:fiche_edit", args=[cast.student.fiches.get().pk]) not in html
    assert "vous ne suivez pas" in html


def test_a_professional_member_who_follows_the_student_gets_the_links(cast, login):
    commission = with_professional(cast)
    _traces(cast, commission)
    html = login(cast.professional).get(_url(commission, cast.student, _competency(commission))).content.decode()
    assert reverse("passeport:fiche_edit", args=[cast.student.fiches.get().pk]) in html


def test_a_competency_of_another_exam_is_404(cast, login):
    commission = make_grid_commission(cast)
    e6 = make_grid_commission(cast, "E6")
    assert login(cast.teacher).get(_url(commission, cast.student, _competency(e6))).status_code == 404


@pytest.mark.parametrize("persona", ["student", "student2"])
def test_students_get_404(cast, login, persona):
    commission = make_grid_commission(cast)
    assert login(getattr(cast, persona)).get(_url(commission, cast.student, _competency(commission))).status_code == 404
