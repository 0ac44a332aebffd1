"""Fixtures of the outbox tests: the real EMAIL_BACKEND and a real SMTP server on 127.0.0.1."""

import socket
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller
from django.core.mail import EmailMessage

from notifications.backends import OutboxEmailBackend
from notifications.models import OutboxMessage


@pytest.fixture(autouse=True)
def outbox_retry_settings(settings):
    settings.OUTBOX_MAX_ATTEMPTS = 8
    settings.OUTBOX_RETRY_BASE_SECONDS = 30


@dataclass
class Inbox:
    """An aiosmtpd handler that keeps every envelope it accepts."""

    envelopes: list = field(default_factory=list)
    refuse_recipients: bool = False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse_recipients:
            return "550 5.1.1 Utilisateur inconnu"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_port(settings) -> int:
    """A free local port the SMTP delivery backend points at; nothing listens there until start_smtp()."""
    port = _free_port()
    settings.OUTBOX_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    return port


@pytest.fixture
def start_smtp(smtp_port):
    """``start_smtp()`` starts a real SMTP server on ``smtp_port`` and returns its Inbox."""
    controllers: list[Controller] = []

    def _start(inbox: Inbox | None = None) -> Inbox:
        inbox = inbox or Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
        controller.start()
        controllers.append(controller)
        return inbox

    yield _start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def inbox(start_smtp) -> Inbox:
    return start_smtp()


@pytest.fixture
def file_message(db):
    """``file_message(**email_kwargs)`` files one email in the outbox, outside any on_commit delivery."""

    def _file(**kwargs) -> OutboxMessage:
        kwargs.setdefault("subject", "Convocation à l'épreuve E4")
        kwargs.setdefault("body", "Bonjour,\nvous êtes convoqué.")
        kwargs.setdefault("to", ["emma@example.org"])
        OutboxEmailBackend().send_messages([EmailMessage(**kwargs)])
        return OutboxMessage.objects.latest("pk")

    return _file
