"""/sante/: 200 when all is well, 503 with the failing check otherwise, within 2 s, for anyone, without a session.

The checks run on a connection of their own in another thread, so these tests commit their rows (transactional_db).
"""

import shutil
import socket
import threading
import time
from collections import namedtuple

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from health import checks
from notifications.models import OutboxState
from tests.personas import PASSWORD, make_user

from .conftest import make_message, make_task

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

URL = reverse("health:sante")
# The requirement: an unreachable database is reported within 2 s.
PROBE_BOUND_SECONDS = 2.0


def _probe(client):
    started = time.monotonic()
    response = client.get(URL)
    return response, time.monotonic() - started


def test_it_answers_200_when_everything_is_fine(client):
    response, _ = _probe(client)
    assert response.status_code == 200
    assert response.json() == {
        "statut": "ok",
        "verifications": {"base": "ok", "espace_disque": "ok", "travailleur": "ok", "courriels": "ok"},
    }


def test_it_answers_200_with_a_live_worker_on_the_database_queue(client, database_queue, heartbeat):
    heartbeat(seconds_ago=10)
    response, _ = _probe(client)
    assert response.status_code == 200
    assert response.json()["verifications"]["travailleur"] == "ok"


def test_it_answers_503_without_any_worker_heartbeat(client, database_queue):
    response, _ = _probe(client)
    assert response.status_code == 503
    assert response.json()["verifications"]["travailleur"] == "erreur"


def test_it_answers_503_on_a_stale_heartbeat(client, database_queue, heartbeat, settings):
    settings.HEALTH_WORKER_MAX_AGE_SECONDS = 180
    heartbeat(seconds_ago=600)
    response, _ = _probe(client)
    assert response.status_code == 503
    assert response.json() == {
        "statut": "erreur",
        "verifications": {"base": "ok", "espace_disque": "ok", "travailleur": "erreur", "courriels": "ok"},
    }


def test_it_answers_503_when_tasks_wait_despite_a_heartbeat(client, database_queue, heartbeat, settings):
    settings.HEALTH_TASK_MAX_WAIT_MINUTES = 15
    heartbeat(seconds_ago=5)
    make_task(status="READY", minutes_ago=5)
    assert _probe(client)[0].status_code == 200
    make_task(status="READY", minutes_ago=40)
    response, _ = _probe(client)
    assert response.status_code == 503
    assert response.json()["verifications"]["travailleur"] == "erreur"


def test_it_answers_503_when_media_space_is_low(client, monkeypatch, settings):
    settings.HEALTH_MEDIA_MIN_FREE_MB = 500
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage(10**12, 10**12 - 100 * 2**20, 100 * 2**20))
    response, _ = _probe(client)
    assert response.status_code == 503
    assert response.json()["verifications"]["espace_disque"] == "erreur"
    assert response.json()["verifications"]["base"] == "ok"


def test_it_answers_503_on_an_outbox_backlog(client, settings):
    settings.HEALTH_OUTBOX_MAX_DELAY_MINUTES = 30
    make_message(state=OutboxState.QUEUED, minutes_ago=10)  # due recently: the worker has time
    make_message(state=OutboxState.FAILED, minutes_ago=90)  # failed for good: the home page's business, not a backlog
    assert _probe(client)[0].status_code == 200
    make_message(state=OutboxState.QUEUED, minutes_ago=45)
    response, _ = _probe(client)
    assert response.status_code == 503
    assert response.json()["verifications"]["courriels"] == "erreur"


def test_a_message_stuck_sending_is_a_backlog(client, settings):
    settings.HEALTH_OUTBOX_MAX_DELAY_MINUTES = 30
    make_message(state=OutboxState.SENDING, minutes_ago=45)
    assert _probe(client)[0].status_code == 503


@pytest.mark.sqlite_only
def test_it_answers_503_in_time_when_the_sqlite_file_cannot_be_opened(client, monkeypatch, tmp_path):
    monkeypatch.setitem(connections.settings["default"], "NAME", str(tmp_path / "absent" / "db.sqlite3"))
    response, elapsed = _probe(client)
    assert response.status_code == 503
    assert response.json() == {
        "statut": "erreur",
        "verifications": {
            "base": "erreur",
            "espace_disque": "ok",
            "travailleur": "non vérifié",
            "courriels": "non vérifié",
        },
    }
    assert elapsed < PROBE_BOUND_SECONDS


@pytest.mark.sqlite_only
def test_a_missing_sqlite_file_is_an_error_and_is_not_created(client, monkeypatch, tmp_path):
    missing = tmp_path / "db.sqlite3"
    monkeypatch.setitem(connections.settings["default"], "NAME", str(missing))
    response, _ = _probe(client)
    assert response.status_code == 503
    assert response.json()["verifications"]["base"] == "erreur"
    assert not missing.exists()


@pytest.mark.postgres_only
@pytest.mark.parametrize(
    ("host", "port"),
    [
        pytest.param("127.0.0.1", "1", id="closed-port"),
        # Not routed (RFC 5737 documentation range): the connection attempt hangs until its timeout.
        pytest.param("192.0.2.1", "5432", id="blackholed-address"),
    ],
)
def test_it_answers_503_within_2_seconds_when_postgresql_is_unreachable(client, monkeypatch, host, port):
    monkeypatch.setitem(connections.settings["default"], "HOST", host)
    monkeypatch.setitem(connections.settings["default"], "PORT", port)
    response, elapsed = _probe(client)
    assert response.status_code == 503
    assert response.json()["verifications"]["base"] == "erreur"
    assert elapsed < PROBE_BOUND_SECONDS


@pytest.fixture
def silent_server():
    """A port that accepts TCP connections and never says a word: a PostgreSQL server that hangs."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)  # the kernel completes the handshakes; nobody ever answers the startup message
        yield listener.getsockname()[1]


@pytest.mark.postgres_only
def test_it_answers_503_within_2_seconds_when_postgresql_hangs(client, monkeypatch, silent_server):
    monkeypatch.setitem(connections.settings["default"], "HOST", "127.0.0.1")
    monkeypatch.setitem(connections.settings["default"], "PORT", str(silent_server))
    response, elapsed = _probe(client)
    assert response.status_code == 503
    assert response.json()["verifications"]["base"] == "erreur"
    assert elapsed < PROBE_BOUND_SECONDS
    # The check's thread itself gives up on connect_timeout (2 s): no thread is left hanging for ever.
    checks._running["base"].thread.join(timeout=3)
    assert not checks._running["base"].thread.is_alive()
    monkeypatch.undo()
    assert _probe(client)[0].status_code == 200


def test_a_hanging_database_check_does_not_hold_the_probe(client, monkeypatch):
    """Whatever hangs (a lock, NFS, a half-open connection), the answer comes at the deadline, and a second probe
    meanwhile does not start a second hanging check."""
    release = threading.Event()
    started = []

    def hanging_check(conn):
        started.append(1)
        release.wait(10)
        return checks.Check("base", checks.OK, "")

    monkeypatch.setattr(checks, "check_database", hanging_check)
    try:
        first, elapsed = _probe(client)
        second, second_elapsed = _probe(client)
    finally:
        release.set()
        checks._running["base"].thread.join(5)  # the next test must not find it still running
    assert (first.status_code, second.status_code) == (503, 503)
    assert elapsed < PROBE_BOUND_SECONDS
    assert second_elapsed < 0.5  # no second wait: the first check still runs
    assert len(started) == 1


def test_a_hanging_disk_does_not_hold_the_probe(client, monkeypatch):
    """A hard-mounted NFS share that stopped answering blocks statvfs for ever."""
    release = threading.Event()
    monkeypatch.setattr(shutil, "disk_usage", lambda path: release.wait(10))
    try:
        response, elapsed = _probe(client)
    finally:
        release.set()
        checks._running["espace_disque"].thread.join(5)
    assert response.status_code == 503
    assert response.json()["verifications"] == {
        "base": "ok",
        "espace_disque": "erreur",
        "travailleur": "ok",
        "courriels": "ok",
    }
    assert elapsed < PROBE_BOUND_SECONDS


def test_a_check_that_raises_is_an_error_not_a_crash(client, monkeypatch):
    def broken():
        raise RuntimeError("imprévu")

    monkeypatch.setattr(checks, "check_worker", broken)
    monkeypatch.setattr(checks, "check_media_space", broken)
    response, _ = _probe(client)
    assert response.status_code == 503
    assert response.json()["verifications"]["travailleur"] == "erreur"
    assert response.json()["verifications"]["espace_disque"] == "erreur"


def test_it_sets_no_cookie_and_is_never_cached(client):
    response = client.get(URL)
    assert response.cookies == {}
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Type"] == "application/json"


def test_a_signed_in_browser_gets_the_same_answer_without_its_session_being_touched(client):
    assert client.login(username=make_user("bruno", "Bruno", "Enseignant").username, password=PASSWORD)
    session_key = client.cookies["sessionid"].value
    response = client.get(URL)
    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    assert client.cookies["sessionid"].value == session_key
    assert b"bruno" not in response.content and b"@" not in response.content


def test_it_is_not_redirected_to_https_nor_to_the_login_page(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get(URL)  # plain HTTP, as a probe on the host calls gunicorn
    assert response.status_code == 200
    assert not response.has_header("Location")


def test_it_refuses_a_post(client):
    assert client.post(URL).status_code == 405


def test_the_request_thread_sends_no_query(client, cast_free_session_cookie):
    """Session, user and checks stay off the request's own connection: with the database down nothing else waits."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    assert len(queries) == 0


@pytest.fixture
def cast_free_session_cookie(client):
    """A browser that sends a session cookie (it was signed in): reading it would be a query."""
    assert client.login(username=make_user("carla", "Carla", "Enseignante").username, password=PASSWORD)
