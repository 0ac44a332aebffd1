"""The health checks behind /sante/ and `manage.py check_health`.

Four checks, each answering ok or not with a French line for people (the command prints them; the public endpoint
shows only ok / erreur, never a count, a host or an address):

- **base**: a trivial query on a connection of its own with short timeouts;
- **espace_disque**: free space of MEDIA_ROOT above HEALTH_MEDIA_MIN_FREE_MB;
- **travailleur**: a task worker beat less than HEALTH_WORKER_MAX_AGE_SECONDS ago and no task has waited longer than
  HEALTH_TASK_MAX_WAIT_MINUTES (only when tasks go through the database queue; an inline backend needs no worker);
- **courriels**: no email due for longer than HEALTH_OUTBOX_MAX_DELAY_MINUTES.

A probe must answer even when what it probes hangs: a blackholed PostgreSQL server holds a connection attempt for
minutes, a hard-mounted NFS share holds `statvfs` for ever. So the database checks and the disk check each run in a
daemon thread that the caller waits for at most DEADLINE seconds; a check still running then counts as failed, and
its thread ends on its own timeouts (connect_timeout, statement_timeout, SQLite's busy timeout) or is left behind.
While a database check is still running from an earlier call, the next call does not start a second one.
"""

import copy
import shutil
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Q
from django.utils import timezone
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max

from health.models import WorkerHeartbeat
from notifications.models import OutboxMessage, OutboxState

# Seconds the caller waits for all checks: under the 2 s a probe allows, with room for the HTTP round trip.
DEADLINE = 1.5
# Seconds a database connection may take to open (libpq and psycopg never wait less than 2) and a query to run.
CONNECT_TIMEOUT = 2
STATEMENT_TIMEOUT_MS = 1500

OK = "ok"
ERROR = "erreur"
UNCHECKED = "non vérifié"


@dataclass(frozen=True)
class Check:
    name: str
    status: str  # OK, ERROR or UNCHECKED
    message: str  # French, for the command's output and the alert email; never shown by /sante/

    @property
    def ok(self) -> bool:
        return self.status == OK


@dataclass(frozen=True)
class Report:
    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    @property
    def failing(self) -> tuple[str, ...]:
        return tuple(check.name for check in self.checks if not check.ok)

    def get(self, name: str) -> Check:
        return next(check for check in self.checks if check.name == name)

    def as_public_dict(self) -> dict:
        """What /sante/ answers: the verdict of each check, nothing else."""
        return {"statut": OK if self.ok else ERROR, "verifications": {c.name: c.status for c in self.checks}}


def run_checks() -> Report:
    """Every check, within DEADLINE seconds whatever the database and the disk do."""
    started = time.monotonic()
    disk = _start("espace_disque", check_media_space)
    database = _start("base", _database_checks)
    disk_result = _outcome(disk, DEADLINE - (time.monotonic() - started))
    database_result = _outcome(database, DEADLINE - (time.monotonic() - started))
    if not isinstance(database_result, tuple):
        database_result = (
            Check("base", ERROR, f"Base de données : {database_result}."),
            Check("travailleur", UNCHECKED, "Travailleur des tâches : non vérifié (base indisponible)."),
            Check("courriels", UNCHECKED, "File des courriels : non vérifiée (base indisponible)."),
        )
    if not isinstance(disk_result, Check):
        disk_result = Check("espace_disque", ERROR, f"Espace disque : {disk_result}.")
    base, worker, outbox = database_result
    return Report((base, disk_result, worker, outbox))


def _outcome(bounded: "_Bounded | None", timeout: float):
    """The check's result, or why there is none, in French."""
    if bounded is None:
        return f"la vérification précédente ne répond toujours pas (plus de {DEADLINE:g} s)"
    if not bounded.done.wait(max(timeout, 0)):
        return f"pas de réponse en {DEADLINE:g} s"
    if isinstance(bounded.value, Exception):
        return f"vérification impossible ({type(bounded.value).__name__} : {_first_line(bounded.value)})"
    return bounded.value


class _Bounded:
    """Runs ``function`` in a daemon thread; the caller waits on ``done`` as long as it wants, never longer."""

    def __init__(self, function: Callable) -> None:
        self.value: Any = None
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(function,), name="health-check", daemon=True)
        self.thread.start()

    def _run(self, function: Callable) -> None:
        try:
            self.value = function()
        except Exception as exc:
            self.value = exc
        finally:
            self.done.set()


_running_lock = threading.Lock()
_running: dict[str, _Bounded] = {}


def _start(name: str, function: Callable) -> _Bounded | None:
    """A new check, unless the last one of that name still hangs (then None: one stuck thread, not one per probe)."""
    with _running_lock:
        previous = _running.get(name)
        if previous is not None and previous.thread.is_alive():
            return None
        _running[name] = _Bounded(function)
        return _running[name]


def _database_checks() -> tuple[Check, Check, Check]:
    """In the check's own thread: a connection of its own, with short timeouts, closed at the end."""
    connection = connections.create_connection(DEFAULT_DB_ALIAS)
    connection.settings_dict = with_short_timeouts(connection.settings_dict)
    connections[DEFAULT_DB_ALIAS] = connection  # this thread's ORM queries go through it
    try:
        base = check_database(connection)
        if not base.ok:
            return (
                base,
                Check("travailleur", UNCHECKED, "Travailleur des tâches : non vérifié (base indisponible)."),
                Check("courriels", UNCHECKED, "File des courriels : non vérifiée (base indisponible)."),
            )
        return base, _guarded("travailleur", check_worker), _guarded("courriels", check_outbox)
    finally:
        connection.close()


def with_short_timeouts(settings_dict: dict) -> dict:
    """A copy of the database settings whose connection gives up quickly instead of waiting on a lock or a host."""
    settings_dict = copy.deepcopy(settings_dict)
    options = settings_dict.setdefault("OPTIONS", {})
    settings_dict["CONN_MAX_AGE"] = 0
    settings_dict["CONN_HEALTH_CHECKS"] = False
    if settings_dict["ENGINE"] == "django.db.backends.sqlite3":
        name = str(settings_dict["NAME"])
        if not name.startswith("file:") and name != ":memory:":
            # Read-write but never create: a missing database file is an error, not a new empty database.
            settings_dict["NAME"] = f"file:{urllib.parse.quote(name)}?mode=rw"
        options["timeout"] = 1
        # The usual init command waits 20 s for a lock; the journal mode is kept in the file anyway.
        options["init_command"] = "PRAGMA busy_timeout=1000;"
    elif settings_dict["ENGINE"] == "django.db.backends.postgresql":
        options["connect_timeout"] = CONNECT_TIMEOUT
        timeout = f"-c statement_timeout={STATEMENT_TIMEOUT_MS}"
        options["options"] = f"{options['options']} {timeout}" if options.get("options") else timeout
    return settings_dict


def _guarded(name: str, check: Callable[[], Check]) -> Check:
    try:
        return check()
    except Exception as exc:
        return Check(name, ERROR, f"{name} : vérification impossible ({type(exc).__name__}).")


def check_database(connection) -> Check:
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            # A real table, not SELECT 1: SQLite answers SELECT 1 without opening the file.
            cursor.execute("SELECT 1 FROM django_migrations LIMIT 1")
            cursor.fetchone()
    except Exception as exc:
        return Check("base", ERROR, f"Base de données : injoignable ({type(exc).__name__} : {_first_line(exc)}).")
    elapsed_ms = (time.monotonic() - started) * 1000
    return Check("base", OK, f"Base de données : joignable ({elapsed_ms:.0f} ms).")


def check_media_space() -> Check:
    minimum_mb = settings.HEALTH_MEDIA_MIN_FREE_MB
    try:
        free_mb = shutil.disk_usage(settings.MEDIA_ROOT).free / (1024 * 1024)
    except OSError as exc:
        return Check("espace_disque", ERROR, f"Espace disque : MEDIA_ROOT illisible ({_first_line(exc)}).")
    line = f"{_megabytes(free_mb)} libres dans MEDIA_ROOT (seuil : {_megabytes(minimum_mb)})"
    if free_mb < minimum_mb:
        return Check("espace_disque", ERROR, f"Espace disque : seulement {line}.")
    return Check("espace_disque", OK, f"Espace disque : {line}.")


def check_worker() -> Check:
    if not isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend):
        return Check("travailleur", OK, "Travailleur des tâches : sans objet (tâches exécutées dans la requête).")
    now = timezone.now()
    latest = WorkerHeartbeat.objects.order_by("-last_seen").first()
    max_age = settings.HEALTH_WORKER_MAX_AGE_SECONDS
    if latest is None:
        return Check("travailleur", ERROR, "Travailleur des tâches : aucun signe de vie enregistré (run_worker).")
    age = (now - latest.last_seen).total_seconds()
    if age > max_age:
        return Check(
            "travailleur",
            ERROR,
            f"Travailleur des tâches : dernier signe de vie il y a {_duration(age)} (seuil : {_duration(max_age)}).",
        )
    waiting = waiting_tasks_count(now=now)
    if waiting:
        return Check(
            "travailleur",
            ERROR,
            f"Travailleur des tâches : {waiting} tâche(s) en attente depuis plus de "
            f"{settings.HEALTH_TASK_MAX_WAIT_MINUTES} min malgré un signe de vie il y a {_duration(age)}.",
        )
    return Check("travailleur", OK, f"Travailleur des tâches : dernier signe de vie il y a {_duration(age)}.")


def waiting_tasks_count(*, now) -> int:
    """Tasks that could have run for HEALTH_TASK_MAX_WAIT_MINUTES and are still waiting."""
    limit = now - timedelta(minutes=settings.HEALTH_TASK_MAX_WAIT_MINUTES)
    return (
        DBTaskResult.objects.ready()
        .filter(enqueued_at__lt=limit)
        .filter(Q(run_after=get_date_max()) | Q(run_after__lt=limit))
        .count()
    )


def check_outbox() -> Check:
    delay = settings.HEALTH_OUTBOX_MAX_DELAY_MINUTES
    late = outbox_backlog_count(now=timezone.now())
    if late:
        return Check("courriels", ERROR, f"File des courriels : {late} message(s) en retard de plus de {delay} min.")
    return Check("courriels", OK, f"File des courriels : aucun message en retard de plus de {delay} min.")


def outbox_backlog_count(*, now) -> int:
    """Emails due for longer than the allowed delay: waiting for a sender, or taken by one that never finished."""
    limit = now - timedelta(minutes=settings.HEALTH_OUTBOX_MAX_DELAY_MINUTES)
    return OutboxMessage.objects.filter(
        Q(state=OutboxState.QUEUED, next_attempt_at__lt=limit) | Q(state=OutboxState.SENDING, claimed_at__lt=limit)
    ).count()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


def _megabytes(value: float) -> str:
    if value >= 1024:
        return f"{value / 1024:.1f} Go".replace(".", ",")
    return f"{value:.0f} Mo"


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h"
