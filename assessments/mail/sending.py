"""Sending the queued emails through the relay, with retries, and deleting them once they are no longer needed.

`manage.py send_queued_email` runs `emails_send` every minute from cron, on every app server. Two runs at once never
send one email twice: each email is claimed before it is sent (PostgreSQL: the next due row locked with SKIP LOCKED,
so the runs share the queue; SQLite: a conditional UPDATE that only one run's can match), and the claim is a time in
`next_attempt_at`, so an email whose sender died is tried again once the claim runs out.

An email the relay refuses or never answers for stays queued with what went wrong, and is tried again later, waiting
twice as long each time up to an hour. A relay that cannot be reached ends the run at once: the rest of the queue
waits for the next run rather than holding the job EMAIL_TIMEOUT seconds per email.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from assessments.models.mail import OutgoingEmail

logger = logging.getLogger(__name__)

LONGEST_WAIT = timedelta(hours=1)


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    relay_unreachable: bool = False


def retry_after(attempts: int) -> timedelta:
    """How long to wait after the nth failed attempt: one minute, then two, four, ... up to an hour."""
    return min(LONGEST_WAIT, timedelta(minutes=2 ** min(attempts - 1, 10)))


def claim_length() -> timedelta:
    """How long a claimed email is left alone by other runs: longer than sending it can take, each step of the SMTP
    conversation being allowed EMAIL_TIMEOUT seconds."""
    return max(timedelta(minutes=5), timedelta(seconds=20 * settings.EMAIL_TIMEOUT))


def _due(now: datetime) -> QuerySet[OutgoingEmail]:
    due = OutgoingEmail.objects.filter(sent_at__isnull=True, next_attempt_at__lte=now)
    return due.order_by("next_attempt_at", "pk")


def _claim_next() -> OutgoingEmail | None:
    """The next email due, claimed for this run; None when nothing is due (or every due one is claimed)."""
    now = timezone.now()
    hold = now + claim_length()
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            email = _due(now).select_for_update(skip_locked=True).first()
            if email is not None:
                OutgoingEmail.objects.filter(pk=email.pk).update(next_attempt_at=hold)
            return email
    for email in _due(now)[:20]:
        claimed = OutgoingEmail.objects.filter(
            pk=email.pk, sent_at__isnull=True, next_attempt_at=email.next_attempt_at
        ).update(next_attempt_at=hold)
        if claimed:
            return email
    return None


def _message(email: OutgoingEmail, relay: BaseEmailBackend) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        email.subject, email.text, settings.DEFAULT_FROM_EMAIL, [email.to], headers=email.headers, connection=relay
    )
    message.attach_alternative(email.html, "text/html")
    return message


def _words(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else reply


def _describe(error: Exception) -> str:
    """What went wrong, for the operator: the relay's reply code and words, or the kind of failure. Never the
    message, and never the address (SMTPRecipientsRefused would name it)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        replies = list(error.recipients.values())
        code, reply = replies[0] if replies else (0, b"")
        return f"the relay refused the address: {code} {_words(reply)}"[:300]
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{type(error).__name__}: {error.smtp_code} {_words(error.smtp_error)}"[:300]
    return f"{type(error).__name__}: {error}"[:300]


def _failed(email: OutgoingEmail, error: Exception) -> None:
    attempts = email.attempts + 1
    OutgoingEmail.objects.filter(pk=email.pk).update(
        attempts=attempts, next_attempt_at=timezone.now() + retry_after(attempts), last_error=_describe(error)
    )
    logger.warning("Email %s not sent (attempt %s), will try again: %s", email.pk, attempts, _describe(error))


def _sent(email: OutgoingEmail) -> None:
    # The words go at once (a join or reset link must not sit in the database, or its backups, once it has gone);
    # who it went to and its subject stay for EMAIL_SENT_KEEP_DAYS.
    OutgoingEmail.objects.filter(pk=email.pk).update(
        sent_at=timezone.now(), attempts=email.attempts + 1, text="", html="", headers={}, last_error=""
    )


def emails_send(*, limit: int = 1000) -> SendReport:
    """Send the queued emails that are due, up to `limit`, over one connection to the relay."""
    report = SendReport()
    relay = get_connection()
    try:
        while report.sent + report.failed < limit:
            email = _claim_next()
            if email is None:
                break
            try:
                relay.open()
            except (OSError, ValueError) as error:  # refused, timed out, TLS or authentication failed
                _failed(email, error)
                report.failed += 1
                report.relay_unreachable = True
                break
            try:
                relay.send_messages([_message(email, relay)])
            except (smtplib.SMTPRecipientsRefused, ValueError) as error:  # this email's address or headers: go on
                _failed(email, error)
                report.failed += 1
                continue
            except OSError as error:  # the relay went away or stopped answering mid-way: stop here
                _failed(email, error)
                report.failed += 1
                report.relay_unreachable = True
                break
            _sent(email)
            report.sent += 1
    finally:
        try:
            relay.close()
        except OSError:
            pass
    return report


@dataclass
class PurgeReport:
    sent_deleted: int
    given_up: int


def emails_purge() -> PurgeReport:
    """Delete sent emails older than EMAIL_SENT_KEEP_DAYS, and give up on (delete) emails still not sent after
    EMAIL_RETRY_DAYS: by then a join or reset link in one has expired, and the address should not be kept."""
    now = timezone.now()
    sent, _ = OutgoingEmail.objects.filter(
        sent_at__isnull=False, sent_at__lt=now - timedelta(days=settings.EMAIL_SENT_KEEP_DAYS)
    ).delete()
    given_up, _ = OutgoingEmail.objects.filter(
        sent_at__isnull=True, created_at__lt=now - timedelta(days=settings.EMAIL_RETRY_DAYS)
    ).delete()
    if given_up:
        logger.error("Gave up on %s email(s) not sent in %s days.", given_up, settings.EMAIL_RETRY_DAYS)
    return PurgeReport(sent_deleted=sent, given_up=given_up)
