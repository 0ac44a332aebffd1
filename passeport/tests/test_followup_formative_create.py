"""A teacher records a formative assessment: a dated positioning on critères about an activity or a fiche."""

import datetime

import time_machine
from django.urls import reverse

from passeport.models import FormativeAssessment
from tests.factories import criteria, make_activity, make_fiche


def _url(student, query=""):
    return reverse("passeport:formative_create", args=[student.pk]) + query


def _post(client, student, activity, **levels):
    data = {"assessed_on": "2026-03-10", "about": f"activite-{activity.pk}", "comment": "Bonne progression."}
    data.update(levels)
    return client.post(_url(student), data)


def test_the_form_lists_every_e4_and_e6_critere_with_its_indicators_as_hints(cast, login):
    page = login(cast.teacher).get(_url(cast.student)).content.decode()
    for criterion in criteria(cast.student, "E4") + criteria(cast.student, "E6"):
        assert f'name="critere-{criterion.pk}"' in page
    assert "Indicateurs : Pertinence de l’analyse du portefeuille clients" in page
    assert 'type="checkbox"' not in page
    assert "non évalué" in page
    assert "TS – très satisfaisant" in page


@time_machine.travel("2026-03-01 23:30 +0000", tick=False)
def test_the_date_defaults_to_today_in_paris(cast, login):
    page = login(cast.teacher).get(_url(cast.student)).content.decode()
    assert 'value="2026-03-02"' in page


def test_it_offers_only_the_students_activities_and_fiches(cast, login):
    mine = make_activity(cast.student, title="Salon professionnel")
    fiche = make_fiche(cast.student, activity=mine)
    theirs = make_activity(cast.student2, title="Activité de Lucas")
    page = login(cast.teacher).get(_url(cast.student)).content.decode()
    assert f'value="activite-{mine.pk}"' in page
    assert f'value="fiche-{fiche.pk}"' in page
    assert f'value="activite-{theirs.pk}"' not in page


def test_it_preselects_the_activity_given_in_the_query(cast, login):
    activity = make_activity(cast.student)
    page = login(cast.teacher).get(_url(cast.student, f"?activity={activity.pk}")).content.decode()
    assert f'<option value="activite-{activity.pk}" selected>' in page


def test_it_preselects_the_fiche_given_in_the_query(cast, login):
    fiche = make_fiche(cast.student)
    page = login(cast.teacher).get(_url(cast.student, f"?fiche={fiche.pk}")).content.decode()
    assert f'<option value="fiche-{fiche.pk}" selected>' in page


def test_an_activity_or_fiche_of_another_student_in_the_query_is_a_404(cast, login):
    client = login(cast.teacher)
    other_activity = make_activity(cast.student2)
    other_fiche = make_fiche(cast.student2)
    assert client.get(_url(cast.student, f"?activity={other_activity.pk}")).status_code == 404
    assert client.get(_url(cast.student, f"?fiche={other_fiche.pk}")).status_code == 404
    assert client.get(_url(cast.student, "?activity=abc")).status_code == 404


def test_it_records_the_positions_and_goes_to_the_passeport(cast, login):
    activity = make_activity(cast.student)
    first, second = criteria(cast.student, "E4")[:2]
    e6 = criteria(cast.student, "E6")[0]
    response = _post(
        login(cast.teacher), cast.student, activity, **{f"critere-{first.pk}": "S", f"critere-{e6.pk}": "TI"}
    )
    assert response.status_code == 302
    assert response.url == reverse("passeport:passeport", args=[cast.student.pk])
    assessment = FormativeAssessment.objects.get()
    assert (assessment.student, assessment.assessor, assessment.activity, assessment.fiche) == (
        cast.student,
        cast.teacher,
        activity,
        None,
    )
    assert assessment.assessed_on == datetime.date(2026, 3, 10)
    assert assessment.comment == "Bonne progression."
    positions = {p.criterion_id: p.level.code for p in assessment.positions.select_related("level")}
    assert positions == {first.pk: "S", e6.pk: "TI"}
    assert second.pk not in positions


def test_it_can_be_about_a_fiche(cast, login):
    fiche = make_fiche(cast.student)
    first = criteria(cast.student, "E4")[0]
    login(cast.teacher).post(
        _url(cast.student), {"assessed_on": "2026-03-10", "about": f"fiche-{fiche.pk}", f"critere-{first.pk}": "TS"}
    )
    assessment = FormativeAssessment.objects.get()
    assert (assessment.fiche, assessment.activity) == (fiche, None)


def test_at_least_one_critere_must_be_positioned(cast, login):
    activity = make_activity(cast.student)
    response = _post(login(cast.teacher), cast.student, activity)
    assert response.status_code == 200
    assert "Positionnez l&#x27;étudiant·e sur au moins un critère" in response.content.decode()
    assert not FormativeAssessment.objects.exists()


def test_an_activity_of_another_student_cannot_be_posted(cast, login):
    other = make_activity(cast.student2)
    first = criteria(cast.student, "E4")[0]
    response = _post(login(cast.teacher), cast.student, other, **{f"critere-{first.pk}": "S"})
    assert response.status_code == 200
    assert "n&#x27;est pas celle de cet·te étudiant·e" in response.content.decode()
    assert not FormativeAssessment.objects.exists()


def test_an_unknown_level_is_refused(cast, login):
    activity = make_activity(cast.student)
    first = criteria(cast.student, "E4")[0]
    response = _post(login(cast.teacher), cast.student, activity, **{f"critere-{first.pk}": "A+"})
    assert response.status_code == 200
    assert not FormativeAssessment.objects.exists()


def test_the_professional_may_read_but_not_assess(cast, login):
    assert login(cast.professional).get(_url(cast.student)).status_code == 403


def test_the_student_cannot_assess_themself(cast, login):
    activity = make_activity(cast.student)
    first = criteria(cast.student, "E4")[0]
    assert _post(login(cast.student), cast.student, activity, **{f"critere-{first.pk}": "TS"}).status_code == 403
    assert not FormativeAssessment.objects.exists()
