"""The emails a test has made the app send: the queue is sent first, as the cron job would (assessments/mail/)."""

from __future__ import annotations

from django.core import mail

from assessments.mail.sending import emails_send


def delivered() -> list[mail.EmailMessage]:
    """Send what is queued through the test backend, then every email it has taken in this test, oldest first."""
    emails_send()
    return mail.outbox
