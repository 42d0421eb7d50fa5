"""Putting an email in the queue, and how many are waiting (docs/adr/0013).

Every email the app sends is queued here, in the caller's transaction: the email goes if, and only if, the change it
tells of is committed, and a relay that is down or hung holds up neither the page nor the change. `sending.py` sends
what is queued. Each email has a plain-text part and an HTML part, from two templates named after the message
(templates/assessments/email/NAME.txt and NAME.html), whose paragraphs are the same translated strings.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from assessments.models.mail import OutgoingEmail


def email_queue(
    *, to: str, subject: str, template: str, context: dict[str, Any], headers: dict[str, str] | None = None
) -> OutgoingEmail:
    """Queue one email to one address. Call it inside the transaction that makes the change the email tells of."""
    # A team's name with a line break in it must not break the header; nor a long one (or its translation) the column.
    subject = " ".join(str(subject).split())[: OutgoingEmail._meta.get_field("subject").max_length]
    context = {"subject": subject, "site_url": settings.SITE_URL, **context}
    return OutgoingEmail.objects.create(
        to=to.strip(),
        subject=subject,
        text=render_to_string(f"assessments/email/{template}.txt", context).strip() + "\n",
        html=render_to_string(f"assessments/email/{template}.html", context),
        headers=headers or {},
    )


def emails_waiting() -> int:
    """How many emails are queued and not yet sent (one query): the queue length a trust's monitoring watches."""
    return OutgoingEmail.objects.filter(sent_at__isnull=True).count()
