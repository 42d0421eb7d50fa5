"""The emails a test has made the app send: the queue is sent first, as the cron job would (assessments/mail/)."""

from __future__ import annotations

import smtplib

from django.core import mail
from django.core.mail.backends import locmem

from assessments.mail.sending import emails_send


def delivered() -> list[mail.EmailMessage]:
    """Send what is queued through the test backend, then every email it has taken in this test, oldest first."""
    emails_send()
    return mail.outbox


class RelayRefusingOneAddress(locmem.EmailBackend):
    """A relay that takes every message but those to REFUSED, as a relay refuses a mailbox it does not know."""

    REFUSED = "nobody@example.nhs.uk"

    def send_messages(self, messages):
        for message in messages:
            if self.REFUSED in message.to:
                raise smtplib.SMTPRecipientsRefused({self.REFUSED: (550, b"5.1.1 No such mailbox")})
        return super().send_messages(messages)


class RelayDown(locmem.EmailBackend):
    """A relay that cannot be reached: every connection is refused. Counts the attempts."""

    attempts = 0

    def open(self):
        RelayDown.attempts += 1
        raise ConnectionRefusedError(111, "Connection refused")
