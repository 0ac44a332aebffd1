"""Background delivery of the outbox. Tasks take a message id and may run any number of times."""

import logging

from django_tasks import task

from notifications import services
from notifications.models import OutboxMessage, OutboxState

logger = logging.getLogger(__name__)


@task()
def deliver_outbox_message(message_id: int) -> str:
    """Send one filed message if it is still due; a message already sent or taken is left alone."""
    message = services.deliver_message(message_id=message_id)
    if message is None:
        return "skipped"
    if message.state == OutboxState.QUEUED:
        schedule_retry(message)
    return str(message.state)


def enqueue_delivery(message_id: int) -> None:
    """Called on commit by the email backend: deliver as soon as a worker is free."""
    deliver_outbox_message.enqueue(message_id)


def schedule_retry(message: OutboxMessage) -> None:
    """Ask the queue to try again at ``next_attempt_at`` when it can defer; otherwise `send_outbox` will."""
    backend = deliver_outbox_message.get_backend()
    if not backend.supports_defer:
        return
    try:
        deliver_outbox_message.using(run_after=message.next_attempt_at).enqueue(message.pk)
    except Exception:
        # The row stays queued with its next_attempt_at: the `send_outbox` sweep still delivers it.
        logger.exception("Impossible de programmer la nouvelle tentative du courriel %s", message.pk)
