"""Emails waiting for the relay, and those sent lately (docs/adr/0013).

A row is written in the same transaction as the change it tells of, so a relay that is down loses neither: the
change stands, and `manage.py send_queued_email` sends the email when the relay is back. What a row holds is personal
data (an address, and a link that may sign someone up or reset a password), so its words are wiped once it is sent,
and the row itself is deleted EMAIL_SENT_KEEP_DAYS later (docs/privacy-model.md). No private words are ever put in an
email: reminders and notices carry a link and nothing about anyone's answers.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class OutgoingEmail(models.Model):
    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=300)
    text = models.TextField()
    html = models.TextField()
    # Extra headers, e.g. List-Unsubscribe on the figures-ready emails.
    headers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    # When the sender may next try: now for a new email, later after a failure (backing off), or while one sender
    # holds it (a claim, so a second sender running at once leaves it alone).
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    # What the relay said the last time it failed: its reply code and text, never the message.
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=models.Q(sent_at__isnull=True), name="email_due"),
            models.Index(fields=["sent_at"], name="email_sent_at"),
        ]

    def __str__(self) -> str:
        return f"Email {self.pk} ({'sent' if self.sent_at else 'waiting'})"
