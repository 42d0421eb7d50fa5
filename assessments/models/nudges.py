"""A lead's emails that new figures are ready: whether they want them, and which were sent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LeadEmailSetting(models.Model):
    """Whether a lead is emailed when new figures are ready. No row means yes: leads are asked once, by the email."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lead_email_setting")
    figures_ready = models.BooleanField(_("email me when new figures are ready"), default=True)
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Figures-ready emails {'on' if self.figures_ready else 'off'} for {self.user_id}"


class LeadNudgeSent(models.Model):
    """One figures-ready email per lead per period, claimed before it is sent, so no run sends it twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    period_kind = models.CharField(max_length=10)
    period_start = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "period_kind", "period_start"], name="one_nudge_per_lead_period")
        ]

    def __str__(self) -> str:
        return f"Figures-ready email for {self.period_kind} {self.period_start}"
