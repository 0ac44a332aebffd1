"""Fixtures of the health tests: rows that make a check fail, and the database task queue a worker serves."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from health.models import WorkerHeartbeat
from notifications.models import OutboxMessage, OutboxState


@pytest.fixture
def database_queue(settings):
    """Tasks go through the database queue, as in production: a worker must be alive."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def heartbeat():
    def _beat(seconds_ago: int = 5, worker_id: str = "hote-1") -> WorkerHeartbeat:
        seen = timezone.now() - timedelta(seconds=seconds_ago)
        return WorkerHeartbeat.objects.create(worker_id=worker_id, hostname="hote", started_at=seen, last_seen=seen)

    return _beat


def make_message(*, state: str, minutes_ago: int = 0, establishment_id: int | None = None) -> OutboxMessage:
    moment = timezone.now() - timedelta(minutes=minutes_ago)
    return OutboxMessage.objects.create(
        establishment_id=establishment_id,
        kind="convocation",
        subject="Convocation",
        from_email="ne-pas-repondre@example.org",
        recipients=["etudiant@example.org"],
        raw_message=b"Subject: Convocation\r\n\r\nBonjour\r\n",
        state=state,
        next_attempt_at=moment if state == OutboxState.QUEUED else None,
        claimed_at=moment if state == OutboxState.SENDING else None,
        sent_at=moment if state == OutboxState.SENT else None,
    )


def make_task(*, status: str, minutes_ago: int = 0, task_path: str = "certification.tasks.build_evaluation_pack"):
    moment = timezone.now() - timedelta(minutes=minutes_ago)
    task = DBTaskResult.objects.create(
        status=status,
        task_path=task_path,
        args_kwargs={"args": [1, 2], "kwargs": {}},
        backend_name="default",
        run_after=moment,
        finished_at=moment if status == "FAILED" else None,
        exception_class_path="builtins.OSError" if status == "FAILED" else "",
        traceback="Traceback: /srv/ndrc/media/packs/Dupont-Marie.pdf" if status == "FAILED" else "",
    )
    # enqueued_at is auto_now_add: moved back afterwards.
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=moment)
    return task
