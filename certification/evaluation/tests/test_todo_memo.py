"""The navigation's count of blocking steps is kept per person (``lib.generations``) until a commission writes: every
table ``blocking_steps`` reads is watched, and a write through HTTP shows in the counter of the very next page."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from certification.evaluation.selectors import steps
from certification.evaluation.selectors.todo import todo_for
from lib import generations
from tests.factories_certification_commissions import make_commission
from tests.sql_tables import models_read

PARIS = ZoneInfo("Europe/Paris")


def test_every_table_the_steps_read_is_watched(cast):
    make_commission(cast)
    user = User.objects.get(pk=cast.teacher.pk)  # no roles memoised on the instance: every query runs
    with CaptureQueriesContext(connection) as queries:
        items = steps.blocking_steps(user)
    assert items, "the commission has steps left: every read ran"
    read = models_read(queries)
    assert len(read) >= 14
    labels_only = {apps.get_model(label) for label in steps.LABELS_ONLY}
    assert read - generations.WATCHED[steps.GENERATION] - labels_only == set()
    assert set(steps.READ_MODELS) == generations.WATCHED[steps.GENERATION]


def _counter(html: str) -> int:
    found = re.search(r">À faire \((\d+)\)<", html)
    assert found, "the navigation shows the counter"
    return int(found.group(1))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_readiness_recorded_through_http_shows_in_the_next_pages_counter(cast, login):
    with time_machine.travel(datetime.datetime(2027, 6, 10, 12, tzinfo=PARIS)):
        commission = make_commission(cast)
        client = login(cast.teacher)
        with CaptureQueriesContext(connection) as first:
            before = _counter(client.get("/moi/").text)
        with CaptureQueriesContext(connection) as second:
            assert _counter(client.get("/moi/").text) == before
        assert len(second) <= len(first) - 10  # the steps are read once, then kept
        assert before == len(todo_for(cast.teacher))

        situation = commission.situations.get(code="B")
        for student in cast.cohort.students.all():
            response = client.post(
                reverse("certification:readiness_record", args=[commission.pk, student.pk]),
                {
                    "aptitude-situation": situation.pk,
                    "aptitude-decided_on": "2027-05-15",
                    "aptitude-grounds": "Deux fiches riches, stage complet.",
                },
            )
            assert response.status_code == 302

        after = _counter(client.get("/moi/").text)
        assert after == len(todo_for(cast.teacher)) == before - 1  # « Aptitude … (situation B) » is gone
