"""Check-in reminders: one email per person per cadence window, never to someone who opted out.

A lead sets a cadence for their team. A person in several teams follows the
most frequent cadence among them. Windows are fixed: four-weekly windows are
runs of four weeks counted from a fixed Monday, and monthly windows are calendar
months. Whoever has sent a check-in since the
window began is not reminded. Each email sent is recorded (person + window
start), so running the command twice in a window sends nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import cast

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.mail.outbox import email_queue
from assessments.models.checkins import CheckIn
from assessments.models.organisation import Cadence, Membership, Role
from assessments.models.private import PractitionerProfile, ReminderSent

# Four-week windows are counted from this Monday, so every run agrees on where one starts.
FOUR_WEEK_EPOCH = date(2024, 1, 1)
# Most frequent first: a person in several teams follows the first that applies.
CADENCE_ORDER: list[str] = [Cadence.FOUR_WEEKLY, Cadence.MONTHLY]


def window_start(cadence: str, today: date) -> date:
    """The first day of the cadence window that contains today."""
    if cadence == Cadence.FOUR_WEEKLY:
        monday = today - timedelta(days=today.weekday())
        weeks = (monday - FOUR_WEEK_EPOCH).days // 7
        return monday - timedelta(weeks=weeks % 4)
    if cadence == Cadence.MONTHLY:
        return today.replace(day=1)
    raise ValueError(f"Unknown cadence {cadence!r}")


def next_window_start(cadence: str, today: date) -> date:
    """The first day of the cadence window after the one that contains today."""
    start = window_start(cadence, today)
    if cadence == Cadence.FOUR_WEEKLY:
        return start + timedelta(weeks=4)
    return (start + timedelta(days=31)).replace(day=1)


def next_reminder(user_id: int, today: date) -> date | None:
    """The day from which this person will next be reminded, having just checked in: the start of their next window
    (the most frequent cadence among their teams), or None when no reminder will come (no cadence, reminders off,
    no email address). Two queries."""
    cadences = set(
        Membership.objects.filter(user_id=user_id, role=Role.PRACTITIONER, user__email__gt="")
        .exclude(team__checkin_cadence=Cadence.NONE)
        .values_list("team__checkin_cadence", flat=True)
    )
    if not cadences or PractitionerProfile.objects.filter(user_id=user_id, reminders_enabled=False).exists():
        return None
    cadence = min(cadences, key=CADENCE_ORDER.index)
    return next_window_start(cadence, today)


@dataclass(frozen=True)
class DueReminder:
    user_id: int
    email: str
    first_name: str
    window_start: date


def reminders_due(today: date) -> list[DueReminder]:
    """Practitioners with an email, reminders on, and no check-in sent in their current window (four queries)."""
    cadence_by_user: dict[int, str] = {}
    memberships = Membership.objects.filter(role=Role.PRACTITIONER, user__is_active=True).exclude(
        team__checkin_cadence=Cadence.NONE
    )
    for user_id, cadence in memberships.values_list("user_id", "team__checkin_cadence"):
        current = cadence_by_user.get(user_id)
        if current is None or CADENCE_ORDER.index(cadence) < CADENCE_ORDER.index(current):
            cadence_by_user[user_id] = cadence
    opted_out = set(
        PractitionerProfile.objects.filter(user_id__in=cadence_by_user, reminders_enabled=False).values_list(
            "user_id", flat=True
        )
    )
    starts = {uid: window_start(c, today) for uid, c in cadence_by_user.items() if uid not in opted_out}
    if not starts:
        return []
    earliest = timezone.make_aware(datetime.combine(min(starts.values()), time.min))
    last_checkin: dict[int, datetime] = {}
    for uid, submitted_at in CheckIn.objects.filter(
        user_id__in=starts, status=CheckIn.Status.SUBMITTED, submitted_at__gte=earliest
    ).values_list("user_id", "submitted_at"):
        at = cast(datetime, submitted_at)  # a sent check-in has its time (a database constraint)
        last_checkin[uid] = max(at, last_checkin.get(uid, at))
    already_sent = set(
        ReminderSent.objects.filter(user_id__in=starts, window_start__gte=min(starts.values())).values_list(
            "user_id", "window_start"
        )
    )
    users = get_user_model().objects.filter(pk__in=starts).exclude(email="").order_by("pk")
    due = []
    for user in users:
        start = starts[user.pk]
        start_at = timezone.make_aware(datetime.combine(start, time.min))
        if (user.pk, start) in already_sent or last_checkin.get(user.pk, start_at - timedelta(1)) >= start_at:
            continue
        due.append(DueReminder(user_id=user.pk, email=user.email, first_name=user.first_name, window_start=start))
    return due


def reminder_queue(reminder: DueReminder) -> None:
    """Queue the reminder: a link and nothing else about the person's check-ins or answers."""
    site = settings.SITE_URL.rstrip("/")
    email_queue(
        to=reminder.email,
        subject=_("Time for your check-in"),
        template="reminder",
        context={
            "name": reminder.first_name or _("there"),
            "link": site + reverse("site:home"),
            "settings_link": site + reverse("practitioner:my_data"),
        },
    )


def reminders_send(*, today: date) -> int:
    """Queue every reminder that is due and record each one, together. Returns how many were queued."""
    sent = 0
    for reminder in reminders_due(today):
        try:
            with transaction.atomic():
                ReminderSent.objects.create(user_id=reminder.user_id, window_start=reminder.window_start)
                reminder_queue(reminder)
        except IntegrityError:
            continue  # another run got there first
        sent += 1
    return sent
