"""commission_create: administrators and the cohort's teachers create an E4 or E6 commission."""

from django.urls import reverse

from certification.models import Commission

URL = reverse("certification:commission_create")


def _data(cast, **overrides):
    data = {
        "session": cast.session.pk,
        "exam_code": "E4",
        "cohort": cast.cohort.pk,
        "number": "NDRC-E4-01",
        "responsible": cast.teacher.pk,
    }
    data.update(overrides)
    return data


def test_the_form_offers_the_cohorts_the_user_teaches(cast, login):
    response = login(cast.teacher2).get(URL)

    assert response.status_code == 200
    cohorts = set(response.context["form"].fields["cohort"].queryset)
    assert cohorts == {cast.cohort, cast.first_year}


def test_a_teacher_of_the_cohort_creates_the_commission(cast, login):
    response = login(cast.teacher).post(URL, _data(cast))

    commission = Commission.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("certification:commission_detail", args=[commission.pk])
    assert commission.responsible == cast.teacher
    assert commission.situations.count() == 2


def test_an_administrator_names_another_teacher_responsible(cast, login):
    login(cast.admin).post(URL, _data(cast, responsible=cast.teacher2.pk, exam_code="E6"))

    commission = Commission.objects.get()
    assert commission.exam.code == "E6"
    assert commission.members.get().user == cast.teacher2


def test_it_refuses_another_establishments_cohort(cast, login):
    response = login(cast.teacher).post(URL, _data(cast, cohort=cast.other_cohort.pk))

    assert response.status_code == 200
    assert "cohort" in response.context["form"].errors
    assert not Commission.objects.exists()


def test_it_refuses_e5(cast, login):
    response = login(cast.teacher).post(URL, _data(cast, exam_code="E5"))

    assert "exam_code" in response.context["form"].errors


def test_it_refuses_a_professional_as_responsible(cast, login):
    response = login(cast.admin).post(URL, _data(cast, responsible=cast.professional.pk))

    assert "responsible" in response.context["form"].errors
    assert not Commission.objects.exists()


def test_it_explains_a_duplicate_in_french(cast, login):
    client = login(cast.teacher)
    client.post(URL, _data(cast))

    response = client.post(URL, _data(cast))

    assert "existe déjà" in response.content.decode()
    assert Commission.objects.count() == 1


def test_it_says_which_session_the_cohort_sits(cast, login):
    response = login(cast.teacher2).post(URL, _data(cast, cohort=cast.first_year.pk, responsible=cast.teacher2.pk))

    assert "Session 2028" in response.context["form"].errors["session"][0]


def test_a_student_gets_a_404(cast, login):
    assert login(cast.student).post(URL, _data(cast)).status_code == 404
    assert not Commission.objects.exists()
