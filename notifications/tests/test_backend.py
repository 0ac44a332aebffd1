"""The EMAIL_BACKEND files messages in the outbox; delivery is queued only once the transaction commits."""

import email
from email import policy

import pytest
from django.core.mail import EmailMessage, EmailMultiAlternatives, send_mail
from django.db import transaction

from notifications.models import OutboxMessage, OutboxState
from notifications.services import deliver_due_messages

pytestmark = pytest.mark.django_db


def test_it_files_the_message_with_its_routing_headers_and_sends_them_not(django_capture_on_commit_callbacks):
    message = EmailMultiAlternatives(
        "Réinitialisation",
        "Bonjour",
        "NDRC <ne-pas-repondre@example.org>",
        ["emma@example.org"],
        bcc=["archives@example.org"],
        headers={"X-NDRC-Establishment": "42", "X-NDRC-Kind": "password_reset"},
    )
    with django_capture_on_commit_callbacks() as callbacks:
        assert message.send() == 1

    row = OutboxMessage.objects.get()
    assert row.establishment_id == 42
    assert row.kind == "password_reset"
    assert row.subject == "Réinitialisation"
    assert row.from_email == "NDRC <ne-pas-repondre@example.org>"
    assert row.recipients == ["emma@example.org", "archives@example.org"]
    assert row.state == OutboxState.QUEUED
    assert row.attempts == 0
    raw = bytes(row.raw_message)
    assert b"X-NDRC" not in raw
    assert b"archives@example.org" not in raw  # Bcc stays on the envelope only
    assert len(callbacks) == 1


def test_nothing_is_filed_nor_sent_when_the_surrounding_transaction_rolls_back(
    inbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            send_mail("Convocation", "Bonjour", None, ["emma@example.org"])
            assert OutboxMessage.objects.count() == 1
            raise RuntimeError("l'action échoue après l'envoi")

    assert OutboxMessage.objects.count() == 0
    assert callbacks == []
    deliver_due_messages()
    assert inbox.envelopes == []


def test_a_message_without_recipients_is_not_filed():
    assert EmailMessage("Sans destinataire", "Bonjour").send() == 0
    assert not OutboxMessage.objects.exists()


def test_an_invalid_establishment_header_is_ignored_not_fatal():
    EmailMessage("Objet", "Bonjour", to=["emma@example.org"], headers={"X-NDRC-Establishment": "lycée"}).send()
    assert OutboxMessage.objects.get().establishment_id is None


def test_an_attachment_survives_the_outbox_byte_for_byte(file_message):
    pdf = b"%PDF-1.7\n" + bytes(range(256)) * 40
    message = EmailMessage("Convocation", "Ci-joint.", to=["emma@example.org"])
    message.attach("convocation.pdf", pdf, "application/pdf")
    message.send()

    parsed = email.message_from_bytes(bytes(OutboxMessage.objects.get().raw_message), policy=policy.default)
    (attachment,) = list(parsed.iter_attachments())
    assert attachment.get_filename() == "convocation.pdf"
    assert attachment.get_content() == pdf
