"""Writes on the outbox: file a message, deliver one, sweep the due ones, retry or resend one.

Delivery is at-least-once: a row is claimed by a conditional UPDATE before the SMTP conversation, so two workers
never send it together and a sent row is never sent again. Only a worker that dies between the SMTP "250" and the
"sent" UPDATE leaves a row in "sending"; the sweep requeues it after ``STUCK_AFTER``, which may send it twice.

Each outcome says what the server knows (``notifications.smtp``):
- an error before the message data reached the server (refused connection, 4xx): retried with backoff, then
  « échec définitif » after ``OUTBOX_MAX_ATTEMPTS``;
- a 5xx refusal of the recipient or of the data: « non remis » at once, never retried;
- no answer after the whole message was sent (timeout, dropped connection): the server may have it. One retry
  only, with the same bytes and so the same Message-ID (receivers de-duplicate on it), then « incertain ».
"""

import logging
import smtplib
import socket
from datetime import timedelta
from email import policy
from email.parser import BytesParser
from email.policy import Policy
from email.utils import formatdate, make_msgid
from functools import partial

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.smtp import EmailBackend as DjangoSMTPBackend
from django.core.mail.utils import DNS_NAME
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from audit.services import log_action
from notifications.models import MAX_UNCERTAIN_SENDS, RETRYABLE_STATES, OutboxMessage, OutboxState
from notifications.smtp import DataPhaseError, SMTPDeliveryBackend

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
    if isinstance(exc, DataPhaseError):
        message.uncertain_attempts += 1
    message.state = _state_after_failure(message, exc)
    if message.state == OutboxState.QUEUED:
        message.next_attempt_at = timezone.now() + retry_delay(message.attempts)
        logger.warning("Courriel %s non envoyé (tentative %s) : %s", message.pk, message.attempts, message.last_error)
    else:
        message.next_attempt_at = None
        logger.error("Courriel %s : %s – %s", message.pk, message.get_state_display(), message.last_error)
    message.save(update_fields=["attempts", "uncertain_attempts", "last_error", "state", "next_attempt_at"])


def _state_after_failure(message: OutboxMessage, exc: Exception) -> str:
    """Where a failed attempt leaves the message; once an attempt may have delivered it, giving up is
    « incertain », never « échec » nor « non remis », which would say it surely did not arrive."""
    if message.uncertain_attempts >= MAX_UNCERTAIN_SENDS:
        return OutboxState.UNCERTAIN
    gives_up = is_permanent_error(exc) or message.attempts >= settings.OUTBOX_MAX_ATTEMPTS
    if not gives_up:
        return OutboxState.QUEUED
    if message.uncertain_attempts:
        return OutboxState.UNCERTAIN
    return OutboxState.REFUSED if is_permanent_error(exc) else OutboxState.FAILED


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
    counts = {"requeued": requeued, "sent": 0, "queued": 0, "failed": 0, "uncertain": 0, "refused": 0}
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

    def as_bytes(self, unixfrom: bool = False, policy: Policy | None = None, linesep: str = "\n") -> bytes:
        return self.raw if linesep == "\r\n" else self.raw.replace(b"\r\n", linesep.encode())

    def get_charset(self) -> None:
        return None


def _send_stored(message: OutboxMessage) -> None:
    backend = settings.OUTBOX_DELIVERY_BACKEND
    # Django's own SMTP backend cannot tell a lost answer from a lost message: ours can, with the same settings.
    if import_string(backend) is DjangoSMTPBackend:
        backend = f"{SMTPDeliveryBackend.__module__}.{SMTPDeliveryBackend.__qualname__}"
    connection = get_connection(backend, fail_silently=False)
    connection.send_messages([StoredEmailMessage(message)])


def describe_error(exc: Exception) -> str:
    """The reason shown to administrators, in French, with the server's own words after the colon."""
    if isinstance(exc, DataPhaseError):
        return (
            "Remise incertaine : le serveur SMTP a reçu le message mais n'a pas répondu "
            f"({_error_detail(exc.original)})"
        )
    detail = _error_detail(exc)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return f"Destinataire refusé par le serveur SMTP : {detail}"
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return f"Expéditeur refusé par le serveur SMTP : {detail}"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return f"Authentification SMTP refusée : {detail}"
    if isinstance(exc, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return f"Serveur SMTP injoignable : {detail}"
    if isinstance(exc, smtplib.SMTPDataError):
        return f"Message refusé par le serveur SMTP : {detail}"
    if isinstance(exc, smtplib.SMTPException):
        return f"Erreur SMTP : {detail}"
    if isinstance(exc, TimeoutError):
        return f"Serveur SMTP trop lent (délai dépassé) : {detail}"
    if isinstance(exc, ConnectionError | socket.gaierror):
        return f"Serveur SMTP injoignable : {detail}"
    return f"Erreur d'envoi : {detail}"


def _error_detail(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{addr} ({code} {_text(text)})" for addr, (code, text) in exc.recipients.items())
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_text(exc.smtp_error)}"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", errors="replace") if isinstance(value, bytes) else str(value)


def is_permanent_error(exc: Exception) -> bool:
    """Every recipient, or the message data, refused with a 5xx code: retrying cannot help. Anything else may be
    temporary (4xx, a server down, a refused sender that an administrator can fix)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return bool(exc.recipients) and all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPDataError):
        return exc.smtp_code >= 500
    return False


class OutboxRefusal(Exception):
    """A retry or resend the outbox refuses; ``message`` is French, for the page."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def retry_message(*, message_id: int, actor: AbstractBaseUser, establishment_ids: list[int]) -> OutboxMessage:
    """An administrator sends a stopped message again (failed, uncertain or refused), never a delivered one.

    The same bytes go out, so the same Message-ID. After « incertain » the retry is one more send only.
    """
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update()
            .filter(pk=message_id, establishment_id__in=establishment_ids)
            .defer("raw_message")
            .first()
        )
        if message is None:
            raise OutboxRefusal("Ce courriel n'existe pas ou ne concerne pas vos établissements.")
        if message.state == OutboxState.SENT:
            raise OutboxRefusal(
                f"Ce courriel a déjà été remis au serveur de messagerie le "
                f"{timezone.localtime(message.sent_at):%d/%m/%Y à %H:%M} : il n'est pas renvoyé."
            )
        if message.state not in RETRYABLE_STATES:
            raise OutboxRefusal("Ce courriel est déjà en file d'attente : il part dans les prochaines secondes.")
        previous = message.state
        message.state = OutboxState.QUEUED
        message.next_attempt_at = timezone.now()
        message.attempts = 0
        message.uncertain_attempts = MAX_UNCERTAIN_SENDS - 1 if previous == OutboxState.UNCERTAIN else 0
        message.save(update_fields=["state", "next_attempt_at", "attempts", "uncertain_attempts"])
        log_action(
            "outbox.retried",
            actor=actor,
            obj=message,
            changes={"state": [previous, message.state], "last_error": message.last_error},
        )
        _deliver_on_commit(message.pk)
    return message


def resend_copy(*, message_id: int, to: str) -> OutboxMessage:
    """File, in the caller's transaction, a new message with the same content as ``message_id`` sent to ``to``:
    a new Message-ID and date, since it is a new email (e.g. to a corrected address after a refusal)."""
    original = OutboxMessage.objects.get(pk=message_id)
    parsed = BytesParser(policy=policy.SMTP).parsebytes(bytes(original.raw_message))
    for header, value in (
        ("To", to),
        ("Message-ID", make_msgid(domain=DNS_NAME)),
        ("Date", formatdate(localtime=True)),
    ):
        del parsed[header]
        parsed[header] = value
    del parsed["Cc"]
    copy = OutboxMessage.objects.create(
        establishment_id=original.establishment_id,
        kind=original.kind,
        subject=original.subject,
        from_email=original.from_email,
        recipients=[to],
        raw_message=parsed.as_bytes(),
        state=OutboxState.QUEUED,
        next_attempt_at=timezone.now(),
    )
    _deliver_on_commit(copy.pk)
    return copy


def _deliver_on_commit(message_id: int) -> None:
    from notifications import tasks  # tasks imports this module

    transaction.on_commit(partial(tasks.enqueue_delivery, message_id), robust=True)
