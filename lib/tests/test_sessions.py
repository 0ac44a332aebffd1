"""lib.sessions: the idle expiry is kept, but a page read within the refresh window writes no session row."""

import datetime

from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse


def _session_writes(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return sum(1 for q in ctx.captured_queries if "django_session" in q["sql"] and not q["sql"].startswith("SELECT"))


def test_pages_read_within_the_window_write_no_session(cast, login, settings):
    settings.SESSION_REFRESH_SECONDS = 60
    client = login(cast.student)
    client.get(reverse("whoami"))  # the first page after login may refresh
    assert _session_writes(client, reverse("whoami")) == 0
    assert _session_writes(client, reverse("whoami")) == 0


def test_the_expiry_moves_with_activity_after_the_window(cast, login, settings, time_machine):
    settings.SESSION_REFRESH_SECONDS = 60
    time_machine.move_to("2027-01-10 09:00 +0100")
    client = login(cast.student)
    client.get(reverse("whoami"))
    before = Session.objects.get().expire_date
    time_machine.move_to("2027-01-10 09:05 +0100")
    assert _session_writes(client, reverse("whoami")) == 1
    after = Session.objects.get().expire_date
    assert abs((after - before) - datetime.timedelta(minutes=5)) < datetime.timedelta(seconds=1)


def test_a_session_idle_for_its_whole_age_has_expired(cast, login, settings, time_machine):
    time_machine.move_to("2027-01-10 09:00 +0100")
    client = login(cast.student)
    assert client.get(reverse("whoami")).status_code == 200
    time_machine.move_to(
        datetime.datetime(2027, 1, 10, 8, 0, tzinfo=datetime.UTC)
        + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE + 60)
    )
    response = client.get(reverse("whoami"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_anonymous_visitors_and_logged_out_users_get_no_session_row(cast, login, client):
    assert client.get(reverse("accounts:login")).status_code == 200
    assert not Session.objects.exists()
    client = login(cast.student)
    client.post(reverse("accounts:logout"))
    client.get(reverse("accounts:login"))
    assert not Session.objects.exists()
