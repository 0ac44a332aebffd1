"""SMTP delivery that knows how far the conversation went, so a lost answer is not mistaken for a lost message.

Once the server has received the message data (the body and its final ".") it may have stored the message even
if its answer never comes back: a timeout or a dropped connection from then on is « incertain », and retrying
blindly sends the email again (the fault of issue 18: a slow server got every convocation eight times). Before
that point nothing was handed over and a retry is safe.
"""

import smtplib

from django.core.mail.backends.smtp import EmailBackend


class DataPhaseError(Exception):
    """The server received the whole message but its answer was lost (timeout, connection dropped)."""

    def __init__(self, original: BaseException) -> None:
        super().__init__(str(original))
        self.original = original


class _TrackingMixin(smtplib.SMTP):
    """Notes when the message body has been written to the socket inside a DATA command."""

    message_data_sent = False
    message_accepted = False
    _in_data = False

    def data(self, msg):
        self._in_data = True
        try:
            code, reply = super().data(msg)
        finally:
            self._in_data = False
        self.message_accepted = code == 250
        return code, reply

    def send(self, s):
        super().send(s)
        # The DATA command itself is sent as text; the body, ending with "\r\n.\r\n", as bytes.
        if self._in_data and isinstance(s, bytes) and s.endswith(b"\r\n.\r\n"):
            self.message_data_sent = True


class TrackingSMTP(_TrackingMixin, smtplib.SMTP):
    pass


class TrackingSMTPSSL(_TrackingMixin, smtplib.SMTP_SSL):
    pass


class SMTPDeliveryBackend(EmailBackend):
    """Django's SMTP backend, raising DataPhaseError when the answer to a delivered DATA is lost."""

    @property
    def connection_class(self):
        return TrackingSMTPSSL if self.use_ssl else TrackingSMTP

    def send_messages(self, email_messages):
        self._last_connection = None
        try:
            return super().send_messages(email_messages)
        except smtplib.SMTPResponseException:
            # The server answered with a code: a definite outcome, whatever the phase.
            raise
        except (OSError, smtplib.SMTPException) as exc:
            connection = self._last_connection
            if connection is not None and connection.message_accepted:
                return 1  # the server said 250; only the goodbye failed
            if connection is not None and connection.message_data_sent:
                raise DataPhaseError(exc) from exc
            raise

    def open(self):
        opened = super().open()
        if self.connection is not None:
            self._last_connection = self.connection
        return opened
