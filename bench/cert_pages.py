"""In-process cost of the certification pages that grow with a class: a member's grid, the agreed grid, profiles.

Not collected by the suite (the name does not start with ``test_``); run it explicitly, a few seconds per size:

    .venv/bin/python -m pytest -q -s bench/cert_pages.py

A class of 35 then of 70 candidates (six profiles, half of them marked), the test settings (DEBUG off, so Django's
cached template loader), the test client logged in as the commission's responsible. Prints, for 50 requests of each
page, the median and p95 CPU time (``time.process_time``: the machine is shared, wall time is noise; SQLite in memory
runs in this process), its number of queries, and ``/moi/`` for reference.
"""

import statistics
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certification.evaluation.tests.test_profiles_queries import PROFILES, _fill
from tests.factories_certification_marks import add_students, make_marks_commission, make_range

REQUESTS = 50


def _measure(client, url: str) -> tuple[float, float, int]:
    for _ in range(3):
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    queries = len(captured)  # now: the next request clears the connection's log
    samples = []
    for _ in range(REQUESTS):
        start = time.process_time()
        client.get(url)
        samples.append((time.process_time() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))], queries


@pytest.mark.django_db
def test_measure(cast, login, settings):
    settings.WHITENOISE_AUTOREFRESH = False  # the test settings' rescan of static files on every request
    commission = make_marks_commission(cast)
    for key in PROFILES:
        make_range(commission, key, "10", "12")
    students = [cast.student, cast.student2, *add_students(cast, 33)]
    _fill(commission, students)
    client = login(cast.teacher)
    student = students[0]
    urls = {
        "moi": "/moi/",
        "grid": reverse("certification:grid_member", args=[commission.pk, student.pk]),
        "grid_agreed": reverse("certification:grid_agreed", args=[commission.pk, student.pk]),
        "profiles": reverse("certification:profiles", args=[commission.pk]),
    }
    for size in (35, 70):
        if size == 70:
            _fill(commission, add_students(cast, 35, prefix="more"), offset=35)
        for name, url in urls.items():
            median, p95, queries = _measure(client, url)
            print(f"{size} candidats  {name:12} médiane {median:6.1f} ms  p95 {p95:6.1f} ms  {queries:3} requêtes")
