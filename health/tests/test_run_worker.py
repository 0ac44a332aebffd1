"""`manage.py run_worker`: django-tasks-db's worker, plus a heartbeat row that /sante/ reads."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from health.heartbeat import HeartbeatThread, beat
from health.models import WorkerHeartbeat


@pytest.mark.django_db
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


@pytest.mark.sqlite_only
def test_a_killed_worker_stops_beating(tmp_path):
    """In a real process: the heartbeat is fresh while the worker lives, and goes stale once it is SIGKILLed."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ndrc.settings",
        "DEMO_MODE": "true",
        "SQLITE_PATH": str(tmp_path / "db.sqlite3"),
        "MEDIA_ROOT": str(tmp_path),
        "HEALTH_HEARTBEAT_SECONDS": "1",
    }
    env.pop("DATABASE_URL", None)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, timeout=120)  # noqa: S603
    worker = subprocess.Popen(  # noqa: S603
        [*manage, "run_worker", "--no-reload", "--worker-id", "hote-1", "-v0"], env=env
    )
    try:
        assert _wait_for(lambda: _age(env) is not None and _age(env) < 2, seconds=30)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        time.sleep(3)
        assert _age(env) >= 3
    finally:
        worker.kill()


def _age(env: dict) -> float | None:
    import sqlite3

    with sqlite3.connect(env["SQLITE_PATH"]) as db:
        try:
            row = db.execute(
                "SELECT (julianday('now') - julianday(max(last_seen))) * 86400 FROM health_workerheartbeat"
            ).fetchone()
        except sqlite3.OperationalError:
            return None
    return row[0]


def _wait_for(predicate, *, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False
