"""The hot passeport pages run the same number of SQL queries whatever the number of activities, fiches, versos,
comments or assessments (no N+1): each page is counted at two sizes."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from passeport.models import FicheComment
from passeport.services.followup import create_formative_assessment
from tests.factories import add_evidence, criteria, level, make_activity, make_fiche

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> int:
    assert client.get(url).status_code == 200  # warm caches (session, référentiel) out of the count
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _grow_passeport(student, teacher, size: int) -> None:
    e4, e6 = criteria(student, "E4"), criteria(student, "E6")
    for n in range(size):
        activity = make_activity(student, title=f"Activité {n}", start_date=datetime.date(2026, 1, 1 + n))
        activity.criteria.set([e4[n % len(e4)], e6[n % len(e6)]])
        add_evidence(activity, 1 + n % 2)
        if n % 2:
            make_fiche(student, activity=activity)
        else:
            make_fiche(student, activity=activity, exam_code="E6", kind_code="distributeurs", real_lived=n == 0)
        create_formative_assessment(
            student=student,
            assessor=teacher,
            assessed_on=datetime.date(2026, 2, 1 + n),
            activity=activity,
            positions={e4[n % len(e4)]: level(student, "S"), e6[0]: level(student, "I")},
            comment=f"Commentaire {n}",
        )


@pytest.mark.parametrize("viewer", ["student", "teacher"])
def test_the_passeport_runs_the_same_queries_for_2_and_8_activities(cast, login, viewer):
    _grow_passeport(cast.student, cast.teacher, 2)
    _grow_passeport(cast.student2, cast.teacher, 8)
    # The teacher opens both passeports; each student opens their own.
    small_reader = cast.teacher if viewer == "teacher" else cast.student
    large_reader = cast.teacher if viewer == "teacher" else cast.student2
    count_small = _queries(login(small_reader), reverse("passeport:passeport", args=[cast.student.pk]))
    count_large = _queries(login(large_reader), reverse("passeport:passeport", args=[cast.student2.pk]))
    assert count_small == count_large


def _grow_fiche(fiche, teacher, versos: int) -> None:
    for order in range(2, versos + 1):
        verso = fiche.versos.create(order=order, content={"contribution": f"Verso {order}"})
        FicheComment.objects.create(fiche=fiche, verso=verso, rubric="contribution", author=teacher, text="Précisez.")
    FicheComment.objects.create(fiche=fiche, rubric="acteurs", author=teacher, text="Qui décide ?")


@pytest.mark.parametrize("reader", ["student", "teacher"])
def test_the_fiche_runs_the_same_queries_with_1_and_4_versos(cast, login, reader):
    small, large = make_fiche(cast.student), make_fiche(cast.student)
    _grow_fiche(small, cast.teacher, 1)
    _grow_fiche(large, cast.teacher, 4)
    client = login(cast.student if reader == "student" else cast.teacher)
    count_small = _queries(client, reverse("passeport:fiche_edit", args=[small.pk]))
    count_large = _queries(client, reverse("passeport:fiche_edit", args=[large.pk]))
    assert count_small == count_large
