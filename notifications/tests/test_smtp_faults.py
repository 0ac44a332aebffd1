"""Issue 18, faults 2 and 3, against a real SMTP server on 127.0.0.1 that stores then stalls, refuses or drops.

Timeouts are made short through EMAIL_TIMEOUT, never waited out at their production length.
"""

import email
from email import policy

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from notifications import tasks
from notifications.models import OutboxMessage, OutboxState
from notifications.services import deliver_due_messages, deliver_message
from notifications.tests.smtp_servers import CLIENT_TIMEOUT, DroppingInbox, RefusingInbox, StallingInbox

pytestmark = pytest.mark.django_db


@pytest.fixture
def short_timeout(settings, smtp_port):
    settings.EMAIL_TIMEOUT = CLIENT_TIMEOUT
    return smtp_port


def _message_ids(inbox) -> list[str]:
    return [str(email.message_from_bytes(e.content, policy=policy.default)["Message-ID"]) for e in inbox.envelopes]


def _make_due(row: OutboxMessage) -> None:
    OutboxMessage.objects.filter(pk=row.pk, state=OutboxState.QUEUED).update(next_attempt_at=timezone.now())


def test_fault_2_a_slow_server_gets_the_email_at_most_twice_with_one_message_id(
    short_timeout, start_smtp, file_message
):
    inbox = start_smtp(StallingInbox())
    row = file_message()

    deliver_message(message_id=row.pk)
    row.refresh_from_db()
    assert row.state == OutboxState.QUEUED  # the single retry
    assert row.uncertain_attempts == 1
    assert row.last_error.startswith("Remise incertaine : le serveur SMTP a reçu le message mais n'a pas répondu")

    for _ in range(6):  # as many sweeps as the old eight attempts would have had: nothing more goes out
        _make_due(row)
        deliver_due_messages()
        tasks.deliver_outbox_message.enqueue(row.pk)

    row.refresh_from_db()
    assert row.state == OutboxState.UNCERTAIN
    assert row.get_state_display() == "Incertain"
    assert row.next_attempt_at is None
    assert len(inbox.envelopes) == 2
    first, second = _message_ids(inbox)
    assert first == second and first.startswith("<")


def test_fault_2_the_outbox_page_shows_the_uncertain_state_and_the_reason(
    cast, login, short_timeout, start_smtp, file_message
):
    start_smtp(StallingInbox())
    row = file_message(headers={"X-NDRC-Establishment": str(cast.establishment.pk)})
    for _ in range(2):
        _make_due(row)
        deliver_message(message_id=row.pk)

    page = login(cast.admin).get(reverse("accounts:outbox")).text

    assert '<span class="tag tag-warn">Incertain</span>' in page
    assert "Remise incertaine : le serveur SMTP a reçu le message mais n&#x27;a pas répondu" in page


def test_fault_2_a_server_that_answers_in_time_gets_the_email_once(short_timeout, start_smtp, file_message):
    inbox = start_smtp(StallingInbox(delay=0))
    row = file_message()

    deliver_message(message_id=row.pk)

    row.refresh_from_db()
    assert row.state == OutboxState.SENT
    assert len(inbox.envelopes) == 1


def test_fault_3_a_message_refused_with_550_is_not_delivered_and_never_retried(short_timeout, start_smtp, file_message):
    start_smtp(RefusingInbox())
    row = file_message()

    deliver_message(message_id=row.pk)
    _make_due(row)
    assert deliver_due_messages()["sent"] == 0

    row.refresh_from_db()
    assert row.state == OutboxState.REFUSED
    assert row.get_state_display() == "Non remis"
    assert row.attempts == 1
    assert row.last_error == "Message refusé par le serveur SMTP : 550 5.7.1 Message refusé"


def test_fault_3_a_recipient_refused_with_550_is_not_delivered(start_smtp, file_message):
    from notifications.tests.conftest import Inbox

    start_smtp(Inbox(refuse_recipients=True))
    row = file_message(to=["inconnu@example.org"])

    deliver_message(message_id=row.pk)

    row.refresh_from_db()
    assert row.state == OutboxState.REFUSED


def test_a_connection_dropped_after_the_data_is_uncertain_and_retried_once(short_timeout, start_smtp, file_message):
    inbox = start_smtp(DroppingInbox(after_data=True))
    row = file_message()

    for _ in range(4):
        _make_due(row)
        deliver_message(message_id=row.pk)

    row.refresh_from_db()
    assert row.state == OutboxState.UNCERTAIN
    assert len(inbox.envelopes) == 2
    assert len(set(_message_ids(inbox))) == 1


def test_a_connection_dropped_before_the_data_is_retried_with_backoff(short_timeout, start_smtp, file_message):
    inbox = start_smtp(DroppingInbox(after_data=False))
    row = file_message()

    deliver_message(message_id=row.pk)

    row.refresh_from_db()
    assert row.state == OutboxState.QUEUED
    assert row.uncertain_attempts == 0
    assert row.last_error.startswith("Serveur SMTP injoignable")
    assert row.next_attempt_at > timezone.now()
    assert inbox.envelopes == []


def test_a_slow_server_after_a_down_server_ends_uncertain_not_failed(settings, short_timeout, start_smtp, file_message):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    row = file_message()
    start_smtp(StallingInbox())
    deliver_message(message_id=row.pk)  # may have been delivered
    row.refresh_from_db()
    assert row.uncertain_attempts == 1

    settings.EMAIL_PORT = settings.EMAIL_PORT + 1 if settings.EMAIL_PORT < 65535 else 1  # nothing listens there
    _make_due(row)
    deliver_message(message_id=row.pk)

    row.refresh_from_db()
    assert row.state == OutboxState.UNCERTAIN


def test_an_uncertain_message_retried_by_an_admin_is_sent_with_the_same_message_id(
    cast, login, short_timeout, start_smtp, file_message, django_capture_on_commit_callbacks
):
    stalling = StallingInbox()
    start_smtp(stalling)
    row = file_message(headers={"X-NDRC-Establishment": str(cast.establishment.pk)})
    for _ in range(2):
        _make_due(row)
        deliver_message(message_id=row.pk)
    stalling.delay = 0  # the server is fast again

    with django_capture_on_commit_callbacks(execute=True):
        response = login(cast.admin).post(reverse("accounts:outbox_retry", args=[row.pk]), follow=True)

    assert "Nouvel envoi demandé" in response.text
    row.refresh_from_db()
    assert row.state == OutboxState.SENT
    assert len(stalling.envelopes) == 3
    assert len(set(_message_ids(stalling))) == 1
    entry = AuditEntry.objects.get(action="outbox.retried")
    assert entry.actor == cast.admin
    assert entry.changes["state"] == ["uncertain", "queued"]
