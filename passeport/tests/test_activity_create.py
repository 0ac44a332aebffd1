"""A student records an activity on their own passeport."""

from django.urls import reverse

from passeport.models import Activity
from tests.factories import criteria


def _url(student):
    return reverse("passeport:activity_create", args=[student.pk])


def _data(cast, **overrides):
    data = {
        "title": "Salon de l'habitat",
        "setting": "stage",
        "organisation": "Maisons Rhône",
        "start_date": "2026-03-02",
        "end_date": "2026-03-04",
        "nature": "vecue",
        "description": "Accueil des visiteurs et prise de rendez-vous.",
        "criteria": [c.pk for c in criteria(cast.student, "E4")[6:8]],
        "participants": [cast.student2.pk],
    }
    data.update(overrides)
    return data


def test_the_form_groups_the_criteria_by_exam_and_competency(cast, login):
    response = login(cast.student).get(_url(cast.student))
    assert response.status_code == 200
    page = response.content.decode()
    assert "E4 – " in page and "E6 – " in page and "E5 – " not in page
    assert "Cibler et prospecter la clientèle" in page
    assert "1. Analyser un portefeuille client" in page
    assert page.count('name="criteria"') == 18


def test_only_students_of_the_same_cohort_are_offered_as_participants(cast, login):
    page = login(cast.student).get(_url(cast.student)).content.decode()
    assert cast.student2.user.display_name in page
    assert cast.other_student.user.display_name not in page


def test_a_student_records_an_activity_and_lands_on_it(cast, login):
    response = login(cast.student).post(_url(cast.student), _data(cast))
    activity = Activity.objects.get(student=cast.student)
    assert response.status_code == 302
    assert response.url == reverse("passeport:activity_detail", args=[activity.pk])
    assert activity.title == "Salon de l'habitat"
    assert activity.criteria.count() == 2
    assert list(activity.participants.all()) == [cast.student2]


def test_an_end_before_the_start_is_refused_in_french(cast, login):
    response = login(cast.student).post(_url(cast.student), _data(cast, end_date="2026-03-01"))
    assert response.status_code == 200
    assert "La date de fin ne peut pas précéder la date de début." in response.content.decode()
    assert not Activity.objects.exists()


def test_a_student_of_another_cohort_cannot_be_added_as_participant(cast, login):
    response = login(cast.student).post(_url(cast.student), _data(cast, participants=[cast.other_student.pk]))
    assert response.status_code == 200
    assert not Activity.objects.exists()


def test_the_required_fields_are_checked(cast, login):
    response = login(cast.student).post(_url(cast.student), {})
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in response.content.decode()
    assert not Activity.objects.exists()


def test_a_teacher_cannot_record_an_activity_for_a_student(cast, login):
    response = login(cast.teacher).post(_url(cast.student), _data(cast))
    assert response.status_code == 403
    assert not Activity.objects.exists()
