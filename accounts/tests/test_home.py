import pytest
from django.urls import reverse


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_a_student_sees_their_cohort_and_what_to_do(cast, login):
    page = login(cast.student).get(reverse("home")).content.decode()
    assert "Mon parcours" in page
    assert cast.cohort.name in page
    assert "Mes classes" not in page
    assert "Administration" not in page


def test_a_teacher_sees_their_cohorts(cast, login):
    page = login(cast.teacher).get(reverse("home")).content.decode()
    assert "Mes classes" in page
    assert cast.cohort.name in page
    assert cast.other_cohort.name not in page
    assert "Mon parcours" not in page


def test_an_admin_sees_the_administration_block(cast, login):
    page = login(cast.admin).get(reverse("home")).content.decode()
    assert "Administration" in page
    assert reverse("accounts:audit_log") in page


def test_a_professional_sees_followed_students_only(cast, login):
    page = login(cast.professional).get(reverse("home")).content.decode()
    assert str(cast.student) in page
    assert str(cast.student2) not in page


@pytest.mark.parametrize("persona", ["admin", "teacher", "professional", "student"])
def test_the_home_page_runs_few_queries(cast, login, django_assert_max_num_queries, persona):
    client = login(getattr(cast, persona))
    with django_assert_max_num_queries(12):
        client.get(reverse("home"))
