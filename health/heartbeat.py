"""The task worker's heartbeat.

django-tasks-db's `db_worker` records nothing while it waits for work, so an idle worker and a dead one look the
same in the database. `manage.py run_worker` runs the unchanged `db_worker` loop with a daemon thread beside it that
touches this worker's WorkerHeartbeat row every HEALTH_HEARTBEAT_SECONDS. A thread rather than a hook in the loop:
the library's loop has no hook, and copying it would drift from upstream. The thread dies with the process (SIGKILL,
crash, a loop that raised), so a stale row means « no worker process »; a task that hangs for ever is a separate
matter (its own age, see the stuck-pack detection).

A heartbeat is operational bookkeeping, not a change to exam records: no audit entry, one UPDATE every 30 s.
"""

import logging
import os
import socket
import threading
from datetime import datetime, timedelta

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from health.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

# Rows of workers gone for this long are removed (a worker started without --worker-id gets a random one each time).
FORGET_AFTER = timedelta(days=7)


def beat(*, worker_id: str, started_at: datetime) -> None:
    """Record that this worker is alive now."""
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
            "started_at": started_at,
            "last_seen": now,
        },
    )
    WorkerHeartbeat.objects.filter(last_seen__lt=now - FORGET_AFTER).delete()


class HeartbeatThread(threading.Thread):
    """Beats every HEALTH_HEARTBEAT_SECONDS until stopped; a database error is logged, never fatal.

    The first beat is the caller's (``beat_once`` before ``start``), so a worker is seen before it takes a task."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.started_at = timezone.now()
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(settings.HEALTH_HEARTBEAT_SECONDS):
                self.beat_once()
        finally:
            connection.close()

    def beat_once(self) -> None:
        close_old_connections()
        try:
            beat(worker_id=self.worker_id, started_at=self.started_at)
        except Exception:
            logger.warning("Signe de vie du travailleur %s non enregistré", self.worker_id, exc_info=True)
            connection.close()  # a broken connection is replaced at the next beat

    def stop(self) -> None:
        self.stopped.set()
