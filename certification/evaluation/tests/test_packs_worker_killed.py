"""Issue 18, fault 6, for real: the task worker (``manage.py db_worker``, as deploy/systemd starts it) is killed with
SIGKILL in the middle of a pack build. The pack used to stay « en cours » for ever and « manquants » would not
rebuild it; now the page says « interrompu » and « manquants » queues it again, built by the next worker.

The worker runs in a subprocess on the test database (PostgreSQL: the same database; SQLite: the in-memory test
database is copied to a file for the worker and back, with SQLite's backup API).
"""

import datetime
import os
import secrets
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from certification.evaluation.services import packs
from certification.models import EvaluationPack, PackState
from tests.factories_certification_commissions import make_commission

ROOT = Path(__file__).resolve().parents[3]
WORKER = ["db_worker", "--queue-name", "default", "--interval", "0.2", "--no-reload"]

# The worker closes its connections when it stops: the test cannot sit inside a rolled-back transaction.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _worker_env(tmp_path: Path, database_file: Path) -> dict[str, str]:
    env = {n: v for n, v in os.environ.items() if n not in ("DJANGO_SETTINGS_MODULE", "DEBUG", "DEMO_MODE")}
    env.update(
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="localhost",
        MEDIA_ROOT=str(tmp_path / "media"),
        TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        SLOW_PACK_MARKER=str(tmp_path / "building"),
    )
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        user, password = quote(db["USER"], safe=""), quote(db["PASSWORD"], safe="")
        host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        env["DATABASE_URL"] = f"postgresql://{user}:{password}@{host}/{quote(db['NAME'], safe='')}"
    else:
        env.pop("DATABASE_URL", None)
        env["SQLITE_PATH"] = str(database_file)
    return env


@contextmanager
def _shared_database(database_file: Path):
    """PostgreSQL: nothing to do. SQLite: the worker works on a file copy, copied back when it is done."""
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    with sqlite3.connect(database_file) as copy:
        connection.connection.backup(copy)
    try:
        yield
    finally:
        connection.close_if_unusable_or_obsolete()
        connection.ensure_connection()
        with sqlite3.connect(database_file) as copy:
            copy.backup(connection.connection)


def _wait_for(condition, timeout: float, what: str, worker=None) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if worker is not None and worker.poll() is not None:
            raise AssertionError(f"worker exited ({worker.returncode}) before {what}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


@pytest.fixture
def db_tasks(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _page(client, commission) -> str:
    return client.get(reverse("certification:evaluation_packs", args=[commission.pk])).content.decode()


def test_fault_6_a_worker_killed_mid_build_leaves_the_pack_interrupted_and_manquants_rebuilds_it(
    cast, login, db_tasks, tmp_path
):
    commission = make_commission(cast)
    total = packs.candidates(commission).count()
    client = login(cast.teacher)
    database_file = tmp_path / "worker.sqlite3"
    env = _worker_env(tmp_path, database_file)
    logs = (tmp_path / "worker.log").open("w")
    client.post(reverse("certification:evaluation_packs", args=[commission.pk]))
    assert DBTaskResult.objects.count() == 1  # the task that queues one build per candidate

    with _shared_database(database_file):
        worker = subprocess.Popen(  # noqa: S603 - the project's own manage.py, through the test wrapper
            [sys.executable, "certification/evaluation/tests/slow_pack_worker.py", *WORKER, "--worker-id", "tue"],
            cwd=ROOT,
            env=env,
            stdout=logs,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_for((tmp_path / "building").exists, 120, "a pack build to start", worker)
        finally:
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(timeout=30)
    assert worker.returncode == -signal.SIGKILL

    victim = int((tmp_path / "building").read_text())
    pack = EvaluationPack.objects.get(commission=commission, student_id=victim)
    assert pack.state == PackState.BUILDING  # what the dead worker left
    assert DBTaskResult.objects.filter(status="RUNNING").count() == 1  # nor does the task table notice
    assert not (tmp_path / "media" / packs.pack_path(commission.pk, victim)).exists()

    assert "interrompu" not in _page(client, commission).lower()  # its heartbeat is still fresh
    later = timezone.now() + packs.BUILD_SILENCE + datetime.timedelta(seconds=5)
    with time_machine.travel(later, tick=True):
        page = _page(client, commission)
        assert f"0 / {total} dossiers prêts" in page
        assert "1 interrompu" in page and "Interrompu (la construction s&#x27;est arrêtée avant la fin)" in page
        assert page.count("En cours de construction") == 0

        response = client.post(reverse("certification:evaluation_packs", args=[commission.pk]), follow=True)
        assert "Construction lancée pour 1 dossier(s) d&#x27;évaluation." in response.content.decode()

    with _shared_database(database_file):
        rerun = subprocess.run(  # noqa: S603 - the project's own manage.py
            [sys.executable, "manage.py", *WORKER, "--batch", "--no-startup-delay", "--worker-id", "relance"],
            cwd=ROOT,
            env=env,
            stdout=logs,
            stderr=subprocess.STDOUT,
            timeout=300,
        )
    assert rerun.returncode == 0, (tmp_path / "worker.log").read_text()[-3000:]

    assert f"{total} / {total} dossiers prêts" in _page(client, commission)
    assert EvaluationPack.objects.get(commission=commission, student_id=victim).state == PackState.READY
    download = client.get(reverse("certification:evaluation_pack_download", args=[commission.pk, victim]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
