from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.personas import make_student


def test_the_cohort_page_lists_its_students(cast, login):
    page = login(cast.teacher).get(reverse("accounts:cohort_detail", args=[cast.cohort.pk])).content.decode()
    assert cast.student.user.last_name.upper() in page
    assert cast.other_student.user.last_name.upper() not in page


def test_the_cohort_page_query_count_does_not_grow_with_students(cast, login):
    client = login(cast.teacher)
    url = reverse("accounts:cohort_detail", args=[cast.cohort.pk])
    client.get(url)  # warm the session and the navigation's kept counters
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(20):
        make_student(f"extra{n}", "Extra", f"Nom{n}", cast.cohort)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_the_cohort_list_shows_only_the_establishment_cohorts(cast, login):
    page = login(cast.other_teacher).get(reverse("accounts:cohort_list")).content.decode()
    assert cast.other_cohort.name in page
    assert ">NDRC 2<" not in page
