"""`manage.py run_worker`: django-tasks-db's worker, plus a heartbeat row that /sante/ reads."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from health.heartbeat import HeartbeatThread, beat
from health.models import WorkerHeartbeat


# The worker closes its database connection between tasks, so the test cannot sit inside a rolled-back transaction.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_beats_before_working_and_runs_the_queue(database_queue):
    result = nothing.enqueue()
    call_command("run_worker", "--batch", "--no-reload", "--no-startup-delay", "--worker-id", "hote-1", verbosity=0)
    heartbeat = WorkerHeartbeat.objects.get(worker_id="hote-1")
    assert heartbeat.pid == os.getpid()
    assert timezone.now() - heartbeat.last_seen < timedelta(seconds=30)
    assert DBTaskResult.objects.get(pk=result.id).status == "SUCCESSFUL"


@pytest.mark.django_db
def test_a_beat_moves_the_same_row_and_forgets_long_gone_workers():
    long_ago = timezone.now() - timedelta(days=30)
    WorkerHeartbeat.objects.create(worker_id="ancien", started_at=long_ago, last_seen=long_ago)
    started = timezone.now()
    beat(worker_id="hote-1", started_at=started)
    first = WorkerHeartbeat.objects.get(worker_id="hote-1").last_seen
    beat(worker_id="hote-1", started_at=started)
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["hote-1"]
    assert WorkerHeartbeat.objects.get(worker_id="hote-1").last_seen >= first


@pytest.mark.django_db
def test_a_database_error_does_not_stop_the_heartbeat(monkeypatch, caplog):
    def broken(**kwargs):
        raise RuntimeError("base indisponible")

    monkeypatch.setattr("health.heartbeat.beat", broken)
    HeartbeatThread("hote-1").beat_once()  # logged, not raised
    assert "Signe de vie du travailleur hote-1 non enregistré" in caplog.text


@task()
def nothing() -> None:
    """The task run by the batch worker above."""


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_killed_worker_stops_beating(tmp_path):
    """In a real process: the heartbeat is fresh while the worker lives, and goes stale once it is SIGKILLed."""
    env = _worker_environment(tmp_path)
    worker = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "run_worker", "--no-reload", "--worker-id", "hote-1", "-v0"], env=env
    )
    try:
        assert _wait_for(lambda: (_age(env) or float("inf")) < 2, seconds=30)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        time.sleep(3)
        age = _age(env)
        assert age is not None and age >= 3
    finally:
        worker.kill()


def _worker_environment(tmp_path) -> dict:
    """The worker process sees this test's database: PostgreSQL's test database, or a SQLite file of its own (the
    in-memory test database is out of another process's reach)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ndrc.settings", "DEMO_MODE": "true", "MEDIA_ROOT": str(tmp_path)}
    env["HEALTH_HEARTBEAT_SECONDS"] = "1"
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        env["DATABASE_URL"] = f"postgresql://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        return env
    env.pop("DATABASE_URL", None)
    env["SQLITE_PATH"] = str(tmp_path / "db.sqlite3")
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], env=env, check=True, timeout=120)  # noqa: S603
    return env


def _age(env: dict) -> float | None:
    """Seconds since the last beat of any worker, or None before the first."""
    if "SQLITE_PATH" not in env:
        latest = WorkerHeartbeat.objects.order_by("-last_seen").first()
        return None if latest is None else (timezone.now() - latest.last_seen).total_seconds()
    with sqlite3.connect(env["SQLITE_PATH"]) as db:
        row = db.execute(
            "SELECT (julianday('now') - julianday(max(last_seen))) * 86400 FROM health_workerheartbeat"
        ).fetchone()
    return row[0]


def _wait_for(predicate, *, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False
