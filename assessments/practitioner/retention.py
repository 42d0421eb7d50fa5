"""How long check-ins are kept: RETENTION_MONTHS for sent ones, DRAFT_RETENTION_DAYS for abandoned drafts."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from assessments.core.periods import kept_since
from assessments.models.checkins import CheckIn
from assessments.practitioner.checkins import checkin_delete


def retention_cutoffs(now: datetime) -> tuple[datetime, datetime]:
    """Sent check-ins submitted before the first, and drafts last saved before the second, are expired."""
    return kept_since(now), now - timedelta(days=settings.DRAFT_RETENTION_DAYS)


def expired_purge(*, now: datetime | None = None) -> dict[str, int]:
    """Delete expired check-ins, one at a time through checkin_delete. Returns counts only."""
    submitted_before, draft_before = retention_cutoffs(now or timezone.now())
    submitted = CheckIn.objects.filter(status=CheckIn.Status.SUBMITTED, submitted_at__lt=submitted_before)
    drafts = CheckIn.objects.filter(status=CheckIn.Status.DRAFT, updated_at__lt=draft_before)
    counts = {"submitted check-ins": 0, "abandoned drafts": 0}
    for key, queryset in (("submitted check-ins", submitted), ("abandoned drafts", drafts)):
        for checkin in queryset.order_by("pk").iterator():
            checkin_delete(checkin=checkin)
            counts[key] += 1
    return counts
