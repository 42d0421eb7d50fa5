"""What the confirmation page says happens next to a check-in just sent: who sees what, and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import cast

from django.utils import timezone

from assessments.core.anonymity import min_group_size
from assessments.core.periods import Period, period_of
from assessments.models.checkins import CheckIn
from assessments.practitioner.reminders import next_reminder


@dataclass(frozen=True)
class WhatNext:
    counts: bool  # False for a check-in sent with nothing answered: it is not taking part
    period: Period  # the period whose team figures it counts in
    min_group_size: int
    reminder: date | None  # the day the next reminder may come; None when none will

    @property
    def figures_from(self) -> date:
        """The first day the team's figures for the period can be read: the day after it ends."""
        return self.period.end

    @property
    def period_last_day(self) -> date:
        return self.period.end - timedelta(days=1)


def what_happens_next(checkin: CheckIn) -> WhatNext:
    """Three queries: whether anything was answered, and the person's reminders."""
    sent_at = cast(datetime, checkin.submitted_at)  # only a sent check-in has a confirmation page
    return WhatNext(
        counts=checkin.answers.exists(),
        period=period_of(sent_at),
        min_group_size=min_group_size(),
        reminder=next_reminder(checkin.user_id, timezone.localdate(sent_at)),
    )
