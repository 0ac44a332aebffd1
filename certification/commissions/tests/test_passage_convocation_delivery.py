"""With SMTP stopped, the passage is saved and its convocation delivered once the server is back, exactly once."""

import email
import email.policy

from aiosmtpd.controller import Controller

from certification.models import Convocation, Passage
from notifications import tasks
from notifications.models import OutboxMessage, OutboxState
from notifications.services import deliver_due_messages
from tests.factories_certification_commissions import make_commission
from tests.factories_certification_planning import Inbox, at, free_port, point_delivery_at, schedule


def test_with_smtp_stopped_the_passage_is_saved_and_the_convocation_delivered_once_back(
    cast, settings, django_capture_on_commit_callbacks, time_machine
):
    port = free_port()
    point_delivery_at(settings, port)
    time_machine.move_to("2027-05-20 10:00 +02:00", tick=False)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        passage = schedule(make_commission(cast), cast.student, at(14))

    assert callbacks, "delivery is attempted after the commit"
    assert Passage.objects.filter(pk=passage.pk).exists()
    message_id = Convocation.objects.get(passage=passage).outbox_message_id
    assert message_id is not None
    message = OutboxMessage.objects.get(pk=message_id)
    assert message.state == OutboxState.QUEUED
    assert message.last_error.startswith("Serveur SMTP injoignable")

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        time_machine.shift(3600)
        deliver_due_messages()
        tasks.deliver_outbox_message.enqueue(message.pk)  # a late duplicate of the task sends nothing more
        deliver_due_messages()
    finally:
        controller.stop()

    (envelope,) = inbox.envelopes
    assert envelope.rcpt_tos == [cast.student.user.email]
    parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert str(parsed["Subject"]).strip().startswith("Convocation – BTS NDRC E4 situation B")
    message.refresh_from_db()
    assert message.state == OutboxState.SENT
