"""Writes on the outbox: file a message, deliver one, sweep the due ones.

Delivery is at-least-once: a row is claimed by a conditional UPDATE before the SMTP conversation, so two workers
never send it together and a sent row is never sent again. Only a worker that dies between the SMTP "250" and the
"sent" UPDATE leaves a row in "sending"; the sweep requeues it after ``STUCK_AFTER``, which may send it twice.
"""

import logging
import smtplib
import socket
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone

from notifications.models import OutboxMessage, OutboxState

logger = logging.getLogger(__name__)

ESTABLISHMENT_HEADER = "X-NDRC-Establishment"
KIND_HEADER = "X-NDRC-Kind"
STUCK_AFTER = timedelta(minutes=10)
RETRY_CAP = timedelta(hours=1)
MAX_ERROR_LENGTH = 2000


def file_email(email: EmailMessage) -> OutboxMessage:
    """Store ``email`` in the outbox within the caller's transaction; our routing headers are not sent."""
    establishment_id = _parse_establishment(_pop_header(email, ESTABLISHMENT_HEADER))
    kind = (_pop_header(email, KIND_HEADER) or "").strip()[:50]
    # message() also validates the headers, so a bad message fails in the request, not later in the worker.
    raw = email.message().as_bytes(linesep="\r\n")
    return OutboxMessage.objects.create(
        establishment_id=establishment_id,
        kind=kind,
        subject=str(email.subject)[:998],
        from_email=email.from_email or settings.DEFAULT_FROM_EMAIL,
        recipients=list(email.recipients()),
        raw_message=raw,
        state=OutboxState.QUEUED,
        next_attempt_at=timezone.now(),
    )


def _pop_header(email: EmailMessage, name: str) -> str | None:
    for key in list(email.extra_headers):
        if key.lower() == name.lower():
            return str(email.extra_headers.pop(key))
    return None


def _parse_establishment(value: str | None) -> int | None:
    if value is None or not value.strip():
        return None
    try:
        return int(value)
    except ValueError:
        logger.warning("En-tête %s invalide ignoré : %r", ESTABLISHMENT_HEADER, value)
        return None


def deliver_message(*, message_id: int) -> OutboxMessage | None:
    """Try to send one due message once. Returns the updated row, or None when it was not ours to send.

    Deliberately not one transaction: the claim must be committed before the SMTP conversation starts, so that
    other workers see the row as taken, and the outcome is committed on its own once the server has answered.
    """
    now = timezone.now()
    claimed = OutboxMessage.objects.filter(pk=message_id, state=OutboxState.QUEUED, next_attempt_at__lte=now).update(
        state=OutboxState.SENDING, claimed_at=now
    )
    if not claimed:
        return None
    message = OutboxMessage.objects.get(pk=message_id)
    try:
        _send_stored(message)
    except Exception as exc:
        _record_failure(message, exc)
        return message
    message.state = OutboxState.SENT
    message.sent_at = timezone.now()
    message.attempts += 1
    message.last_error = ""
    message.next_attempt_at = None
    message.save(update_fields=["state", "sent_at", "attempts", "last_error", "next_attempt_at"])
    return message


def _record_failure(message: OutboxMessage, exc: Exception) -> None:
    message.attempts += 1
    message.last_error = describe_error(exc)[:MAX_ERROR_LENGTH]
    if is_permanent_error(exc) or message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        message.state = OutboxState.FAILED
        message.next_attempt_at = None
        logger.error("Courriel %s en échec définitif : %s", message.pk, message.last_error)
    else:
        message.state = OutboxState.QUEUED
        message.next_attempt_at = timezone.now() + retry_delay(message.attempts)
        logger.warning("Courriel %s non envoyé (tentative %s) : %s", message.pk, message.attempts, message.last_error)
    message.save(update_fields=["attempts", "last_error", "state", "next_attempt_at"])


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff after the ``attempts``-th failure: base, 2×base, 4×base… capped at one hour."""
    seconds = settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return min(timedelta(seconds=seconds), RETRY_CAP)


def deliver_due_messages(*, limit: int | None = None) -> dict[str, int]:
    """Send every due message now, in this process: the safety net for tasks that were lost or never deferred."""
    requeued = requeue_stuck_messages()
    due = (
        OutboxMessage.objects.filter(state=OutboxState.QUEUED, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)
    )
    counts = {"requeued": requeued, "sent": 0, "queued": 0, "failed": 0}
    for message_id in list(due[:limit] if limit else due):
        message = deliver_message(message_id=message_id)
        if message is not None:
            counts[str(message.state)] += 1
    return counts


def requeue_stuck_messages() -> int:
    """Give back rows a dead worker left in "sending" (see the module docstring for the duplicate risk)."""
    now = timezone.now()
    return OutboxMessage.objects.filter(state=OutboxState.SENDING, claimed_at__lt=now - STUCK_AFTER).update(
        state=OutboxState.QUEUED, next_attempt_at=now
    )


class StoredEmailMessage(EmailMessage):
    """An EmailMessage whose MIME is the stored bytes, so any Django email backend can send a filed message."""

    def __init__(self, outbox_message: OutboxMessage) -> None:
        super().__init__(
            subject=outbox_message.subject, from_email=outbox_message.from_email, to=outbox_message.recipients
        )
        self.raw_message = bytes(outbox_message.raw_message)

    def message(self) -> "_StoredMIME":
        return _StoredMIME(self.raw_message)


class _StoredMIME:
    """The part of email.message.Message that Django's SMTP, file, console and locmem backends use."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw

    def as_bytes(self, unixfrom: bool = False, policy=None, linesep: str = "\n") -> bytes:
        return self.raw if linesep == "\r\n" else self.raw.replace(b"\r\n", linesep.encode())

    def get_charset(self) -> None:
        return None


def _send_stored(message: OutboxMessage) -> None:
    connection = get_connection(settings.OUTBOX_DELIVERY_BACKEND, fail_silently=False)
    connection.send_messages([StoredEmailMessage(message)])


def describe_error(exc: Exception) -> str:
    """The reason shown to administrators, in French, with the server's own words after the colon."""
    detail = _error_detail(exc)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return f"Destinataire refusé par le serveur SMTP : {detail}"
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return f"Expéditeur refusé par le serveur SMTP : {detail}"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return f"Authentification SMTP refusée : {detail}"
    if isinstance(exc, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return f"Serveur SMTP injoignable : {detail}"
    if isinstance(exc, smtplib.SMTPException):
        return f"Erreur SMTP : {detail}"
    if isinstance(exc, TimeoutError):
        return f"Serveur SMTP trop lent (délai dépassé) : {detail}"
    if isinstance(exc, ConnectionError | socket.gaierror):
        return f"Serveur SMTP injoignable : {detail}"
    return f"Erreur d'envoi : {detail}"


def _error_detail(exc: Exception) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{addr} ({code} {_text(text)})" for addr, (code, text) in exc.recipients.items())
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_text(exc.smtp_error)}"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", errors="replace") if isinstance(value, bytes) else str(value)


def is_permanent_error(exc: Exception) -> bool:
    """Every recipient refused with a 5xx code: retrying cannot help. Anything else may be temporary."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return bool(exc.recipients) and all(code >= 500 for code, _ in exc.recipients.values())
    return False
