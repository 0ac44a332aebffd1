"""The profiles page reads a fixed number of queries, whatever the size of the group."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories_certification_conformity import CHECKED_ON
from tests.factories_certification_dossiers import make_dossier
from tests.factories_certification_marks import add_students, agree_grid, make_marks_commission, make_range, make_result

PROFILES = ["S-S-NE-S", "TS-S-NE-S", "I-NE-TS-S", "S-NE-S-I", "TS-TS-NE-TS", "S-S-S-S"]


def _fill(commission, students, offset=0):
    from certification.models import ConformityCheck

    for index, student in enumerate(students, start=offset):
        key = PROFILES[index % len(PROFILES)]
        # Négo, événement (the fiche of situation B named on the evaluation sheet), or not fixed yet (S-S-S-S).
        agree_grid(commission, student, key)
        if index % 2:
            make_result(commission, student, mark=str(10 + index % 8), locked=index % 3 == 0)
        dossier = make_dossier(student)
        ConformityCheck.objects.create(
            dossier=dossier, decision="conforme", checked_on=CHECKED_ON, decided_by=commission.responsible
        )


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_the_group(cast, login):
    commission = make_marks_commission(cast)
    for key in PROFILES:
        make_range(commission, key, "10", "12")
    students = [cast.student, cast.student2, *add_students(cast, 4)]
    _fill(commission, students)
    client = login(cast.teacher)
    url = reverse("certification:profiles", args=[commission.pk])
    client.get(url)  # warm the session and the navigation's kept counters
    with_five = _count(client, url)
    _fill(commission, add_students(cast, 30, prefix="more"), offset=6)
    response = client.get(url)
    page = response.context["page"]
    assert len(page.rows) == 36
    assert len(page.shapes) == 3  # négo, événement, not fixed yet
    assert _count(client, url) == with_five
