"""Reads for the administrators: background tasks and emails that failed recently.

Failed tasks carry no establishment (a task takes ids, the result table knows nothing else), so every
administrator sees the deployment's count and list — the task's kind, date and exception class only: the traceback,
which may quote data, stays in the worker's log and the database. Failed emails are counted per establishment.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from notifications.models import OutboxMessage, OutboxState

FAILURE_WINDOW = timedelta(days=7)
FAILED_TASKS_SHOWN = 100

# The background tasks of the product, by function name; a task not listed is shown by its path.
TASK_LABELS = {
    "build_evaluation_pack": "Construction d'un dossier d'évaluation",
    "queue_evaluation_packs": "Mise en file des dossiers d'évaluation",
    "inform_step_students": "Information des candidats",
    "deliver_outbox_message": "Envoi d'un courriel",
    "send_password_reset": "Courriel de réinitialisation du mot de passe",
}


@dataclass(frozen=True)
class FailureSummary:
    failed_tasks: int
    failed_emails: int

    def __bool__(self) -> bool:
        return bool(self.failed_tasks or self.failed_emails)


def _recent_failed_tasks() -> QuerySet[DBTaskResult]:
    return DBTaskResult.objects.failed().filter(finished_at__gte=timezone.now() - FAILURE_WINDOW)


def _recent_failed_emails() -> QuerySet[OutboxMessage]:
    return OutboxMessage.objects.filter(state=OutboxState.FAILED, created_at__gte=timezone.now() - FAILURE_WINDOW)


def failure_summary(establishment_ids: Iterable[int]) -> FailureSummary:
    """Two counts for the administrators' home page, over the last FAILURE_WINDOW."""
    failed_emails = _recent_failed_emails().filter(establishment_id__in=list(establishment_ids)).count()
    return FailureSummary(failed_tasks=_recent_failed_tasks().count(), failed_emails=failed_emails)


def failure_totals() -> FailureSummary:
    """The same counts for the whole deployment, for `check_health`."""
    return FailureSummary(failed_tasks=_recent_failed_tasks().count(), failed_emails=_recent_failed_emails().count())


@dataclass(frozen=True)
class FailedTask:
    label: str
    finished_at: datetime
    error: str


def recent_failed_tasks() -> list[FailedTask]:
    rows = (
        _recent_failed_tasks()
        .order_by("-finished_at")
        .only("task_path", "finished_at", "exception_class_path")[:FAILED_TASKS_SHOWN]
    )
    return [
        FailedTask(
            label=TASK_LABELS.get(row.task_path.rsplit(".", 1)[-1], row.task_path),
            finished_at=row.finished_at,
            error=row.exception_class_path.rsplit(".", 1)[-1] or "erreur inconnue",
        )
        for row in rows
    ]
