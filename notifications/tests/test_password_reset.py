"""A password reset never depends on the mail server being up at the moment of the request."""

import email
from datetime import timedelta
from email import policy

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from notifications.models import OutboxMessage, OutboxState
from notifications.services import deliver_due_messages


def test_with_the_smtp_server_stopped_a_reset_succeeds_and_is_sent_once_the_server_is_back(
    cast, client, smtp_port, start_smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": cast.admin.email})

    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    row = OutboxMessage.objects.get()
    assert row.state == OutboxState.QUEUED
    assert row.attempts == 1
    assert row.last_error.startswith("Serveur SMTP injoignable : ")
    assert row.kind == "password_reset"
    assert row.establishment_id == cast.establishment.pk

    inbox = start_smtp()
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        deliver_due_messages()
        deliver_due_messages()

    (envelope,) = inbox.envelopes
    assert envelope.rcpt_tos == [cast.admin.email]
    received = email.message_from_bytes(envelope.content, policy=policy.default)
    assert received["Subject"] == "Réinitialisation de votre mot de passe NDRC CCF"
    assert "/mot-de-passe/nouveau/" in received.get_body(("plain",)).get_content()
    assert "X-NDRC-Kind" not in received
    row.refresh_from_db()
    assert row.state == OutboxState.SENT
    assert row.attempts == 2


def test_a_students_reset_is_filed_under_their_school(cast, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        client.post(reverse("accounts:password_reset"), {"email": cast.other_student.user.email})

    assert OutboxMessage.objects.get().establishment_id == cast.other_establishment.pk


@pytest.mark.django_db
def test_an_unknown_address_files_nothing_and_looks_the_same(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "personne@example.org"})

    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    assert not OutboxMessage.objects.exists()
