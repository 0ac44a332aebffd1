"""`send_outbox`: the sweep that delivers what the task queue did not."""

from io import StringIO

import pytest
from django.core.management import call_command

from notifications.models import OutboxState

pytestmark = pytest.mark.django_db


def test_it_sends_every_due_message_and_says_so(inbox, file_message):
    rows = [file_message(to=[f"eleve{i}@example.org"]) for i in range(3)]
    out = StringIO()

    call_command("send_outbox", stdout=out)

    assert len(inbox.envelopes) == 3
    assert "3 envoyé(s)" in out.getvalue()
    for row in rows:
        row.refresh_from_db()
        assert row.state == OutboxState.SENT


def test_it_leaves_a_message_queued_when_the_server_is_down(smtp_port, file_message):
    row = file_message()
    out = StringIO()

    call_command("send_outbox", stdout=out)

    row.refresh_from_db()
    assert row.state == OutboxState.QUEUED
    assert "1 à réessayer" in out.getvalue()
