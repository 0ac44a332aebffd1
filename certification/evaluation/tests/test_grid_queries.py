"""A member's grid and the agreed grid read a fixed number of queries, whatever the size of the commission's class."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories_certification_grids import criteria_of, fill_grid, seat, with_professional
from tests.factories_certification_marks import add_students

CODES = ["S", "TS", "I", None]


def _fill(commission, students, members) -> None:
    count = len(criteria_of(commission))
    for index, student in enumerate(students):
        for member in members:
            fill_grid(commission, student, member, [CODES[(index + n) % len(CODES)] for n in range(count)])
        fill_grid(commission, student, None, [CODES[index % len(CODES)]] * count)


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_grid_pages_queries_do_not_grow_with_the_class(cast, login):
    commission = with_professional(cast)
    members = [seat(commission, cast.teacher), seat(commission, cast.professional)]
    _fill(commission, [cast.student, *add_students(cast, 4, commission=commission)], members)
    client = login(cast.teacher)
    urls = [
        reverse(name, args=[commission.pk, cast.student.pk])
        for name in ("certification:grid_member", "certification:grid_agreed")
    ]
    for url in urls:
        client.get(url)  # warm the session and the navigation's kept counters
    with_five = [_count(client, url) for url in urls]
    _fill(commission, add_students(cast, 25, prefix="more", commission=commission), members)
    response = client.get(urls[1])
    assert response.context["flow"].count >= 30
    assert [_count(client, url) for url in urls] == with_five
