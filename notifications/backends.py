"""The project's EMAIL_BACKEND: sending an email files it in the outbox; a worker delivers it after commit."""

import logging
from collections.abc import Sequence
from functools import partial

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction

from notifications import services, tasks

logger = logging.getLogger(__name__)


class OutboxEmailBackend(BaseEmailBackend):
    """Writes each message in the caller's transaction, so a rolled-back action sends nothing.

    Optional headers route the message and are not sent: ``X-NDRC-Establishment`` (the establishment id whose
    administrators see it) and ``X-NDRC-Kind`` (e.g. ``password_reset``).
    """

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        count = 0
        for email in email_messages:
            if not email.recipients():
                continue
            try:
                with transaction.atomic():
                    message = services.file_email(email)
                    # robust: a queue that cannot take the task must not fail the committed action; the
                    # row is safe and the `send_outbox` sweep delivers it.
                    transaction.on_commit(partial(tasks.enqueue_delivery, message.pk), robust=True)
            except Exception:
                if not self.fail_silently:
                    raise
                logger.exception("Impossible de mettre le courriel « %s » en file d'attente", email.subject)
                continue
            count += 1
        return count
