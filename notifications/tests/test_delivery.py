"""Delivering filed messages: once over real SMTP, retried with backoff, failed for good with the reason."""

import email
from datetime import timedelta
from email import policy

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from notifications import tasks
from notifications.models import OutboxMessage, OutboxState
from notifications.services import STUCK_AFTER, deliver_due_messages, deliver_message

pytestmark = pytest.mark.django_db


def _parsed(envelope) -> email.message.EmailMessage:
    return email.message_from_bytes(envelope.content, policy=policy.default)


def test_a_filed_message_arrives_once_through_a_real_smtp_server(inbox, file_message):
    row = file_message(subject="Convocation à l'épreuve E4", to=["emma@example.org"])

    tasks.deliver_outbox_message.enqueue(row.pk)
    tasks.deliver_outbox_message.enqueue(row.pk)  # a duplicated task must not send twice

    (envelope,) = inbox.envelopes
    assert envelope.rcpt_tos == ["emma@example.org"]
    assert _parsed(envelope)["Subject"] == "Convocation à l'épreuve E4"
    assert "vous êtes convoqué" in _parsed(envelope).get_body(("plain",)).get_content()
    row.refresh_from_db()
    assert row.state == OutboxState.SENT
    assert row.attempts == 1
    assert row.sent_at is not None
    assert row.last_error == ""


def test_the_delivery_is_queued_on_commit_and_runs_at_once(inbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        mail.send_mail("Rappel", "Bonjour", None, ["emma@example.org"])

    assert len(inbox.envelopes) == 1
    assert OutboxMessage.objects.get().state == OutboxState.SENT


def test_a_sent_message_is_never_sent_again(inbox, file_message):
    row = file_message()
    deliver_message(message_id=row.pk)

    assert deliver_message(message_id=row.pk) is None
    assert deliver_due_messages()["sent"] == 0
    assert len(inbox.envelopes) == 1


def test_an_unreachable_server_leaves_the_message_queued_with_the_reason_and_a_backoff(smtp_port, file_message):
    row = file_message()
    with time_machine.travel(timezone.now(), tick=False):
        deliver_message(message_id=row.pk)
        row.refresh_from_db()
        assert row.state == OutboxState.QUEUED
        assert row.attempts == 1
        assert row.last_error.startswith("Serveur SMTP injoignable : ")
        assert row.next_attempt_at == timezone.now() + timedelta(seconds=30)


def test_a_message_is_not_retried_before_its_next_attempt_time(smtp_port, file_message):
    row = file_message()
    deliver_message(message_id=row.pk)

    assert deliver_message(message_id=row.pk) is None
    row.refresh_from_db()
    assert row.attempts == 1


def test_the_delay_doubles_after_each_failure_up_to_one_hour(smtp_port, file_message):
    row = file_message()
    delays = []
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(9):
            deliver_message(message_id=row.pk)
            row.refresh_from_db()
            if row.state != OutboxState.QUEUED:
                break
            delays.append((row.next_attempt_at - timezone.now()).total_seconds())
            traveller.move_to(row.next_attempt_at)
    assert delays == [30, 60, 120, 240, 480, 960, 1920]


def test_after_the_last_attempt_the_message_has_failed_for_good_with_the_reason(settings, smtp_port, file_message):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    row = file_message()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(3):
            deliver_message(message_id=row.pk)
            traveller.shift(timedelta(hours=1))
    row.refresh_from_db()

    assert row.state == OutboxState.FAILED
    assert row.get_state_display() == "Échec définitif"
    assert row.attempts == 3
    assert row.last_error.startswith("Serveur SMTP injoignable : ")
    assert row.next_attempt_at is None
    assert deliver_due_messages()["failed"] == 0  # never picked up again


def test_a_recipient_refused_by_the_server_is_not_delivered_at_once(start_smtp, file_message):
    from notifications.tests.conftest import Inbox

    start_smtp(Inbox(refuse_recipients=True))
    row = file_message(to=["inconnu@example.org"])

    deliver_message(message_id=row.pk)
    row.refresh_from_db()

    assert row.state == OutboxState.REFUSED
    assert row.attempts == 1
    assert row.last_error.startswith("Destinataire refusé par le serveur SMTP : inconnu@example.org (550")


def test_a_message_left_sending_by_a_dead_worker_is_requeued_and_sent(inbox, file_message):
    row = file_message()
    long_ago = timezone.now() - STUCK_AFTER - timedelta(minutes=1)
    OutboxMessage.objects.filter(pk=row.pk).update(state=OutboxState.SENDING, claimed_at=long_ago)

    counts = deliver_due_messages()

    assert counts["requeued"] == 1
    assert counts["sent"] == 1
    assert len(inbox.envelopes) == 1


def test_a_message_being_sent_right_now_is_left_to_its_worker(inbox, file_message):
    row = file_message()
    OutboxMessage.objects.filter(pk=row.pk).update(state=OutboxState.SENDING, claimed_at=timezone.now())

    assert deliver_due_messages()["requeued"] == 0
    assert inbox.envelopes == []


def test_on_the_database_queue_a_failure_is_retried_by_a_deferred_task(settings, smtp_port, file_message):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    row = file_message()

    tasks.deliver_outbox_message.call(row.pk)

    row.refresh_from_db()
    (retry,) = DBTaskResult.objects.all()
    assert retry.task_path == "notifications.tasks.deliver_outbox_message"
    assert retry.args_kwargs == {"args": [row.pk], "kwargs": {}}
    assert retry.run_after == row.next_attempt_at


# The worker closes its database connection when it stops, so the test cannot sit inside a rolled-back transaction.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_database_worker_delivers_a_committed_message(settings, inbox, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    with django_capture_on_commit_callbacks(execute=True):
        mail.send_mail("Convocation", "Bonjour", None, ["emma@example.org"])
    assert inbox.envelopes == []  # queued, not sent by the request

    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "default")

    assert len(inbox.envelopes) == 1
    assert OutboxMessage.objects.get().state == OutboxState.SENT


def test_the_file_backend_of_the_demo_writes_the_message_to_disk(settings, tmp_path, file_message):
    settings.OUTBOX_DELIVERY_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    row = file_message(body="Lien : https://ndrc.example/mot-de-passe/nouveau/abc/def/")

    deliver_message(message_id=row.pk)

    (written,) = tmp_path.iterdir()
    content = written.read_text()
    assert "https://ndrc.example/mot-de-passe/nouveau/abc/def/" in content
    assert "\r" not in content
    row.refresh_from_db()
    assert row.state == OutboxState.SENT


def test_the_locmem_backend_receives_the_stored_message(settings, file_message):
    settings.OUTBOX_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    row = file_message(subject="Rappel")

    deliver_message(message_id=row.pk)

    (sent,) = mail.outbox
    assert sent.subject == "Rappel"
    assert sent.message().as_bytes(linesep="\r\n") == bytes(row.raw_message)
