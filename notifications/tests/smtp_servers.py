"""aiosmtpd handlers of a faulty mail server: one that stores then stalls, one that refuses, one that drops."""

import asyncio
from contextlib import contextmanager

from aiosmtpd.controller import Controller

# What the tests set EMAIL_TIMEOUT to: the stalling server answers well after it.
CLIENT_TIMEOUT = 0.5


class StallingInbox:
    """Stores the message, then answers only after the client has given up (the slow server of fault 2)."""

    def __init__(self, delay: float = CLIENT_TIMEOUT * 3) -> None:
        self.envelopes: list = []
        self.delay = delay

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        await asyncio.sleep(self.delay)
        return "250 Message accepted for delivery"


class RefusingInbox:
    """Refuses the message data (or, with ``at_rcpt``, the recipient) for good; ``accept`` turns it good again."""

    def __init__(self, *, at_rcpt: bool = False) -> None:
        self.envelopes: list = []
        self.refused: list[str] = []
        self.at_rcpt = at_rcpt
        self.accept = False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.at_rcpt and not self.accept:
            self.refused.append(address)
            return "550 5.1.1 Adresse inconnue"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.accept:
            self.envelopes.append(envelope)
            return "250 Message accepted for delivery"
        self.refused.extend(envelope.rcpt_tos)
        return "550 5.7.1 Message refusé"


class DroppingInbox:
    """Drops the connection after storing the message (``after_data``) or at the recipient, before any data."""

    def __init__(self, *, after_data: bool) -> None:
        self.envelopes: list = []
        self.after_data = after_data

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if not self.after_data:
            server.transport.abort()
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        server.transport.abort()
        return "250 Message accepted for delivery"


@contextmanager
def smtp_server(handler, port: int):
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler
    finally:
        controller.stop()
