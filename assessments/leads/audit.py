"""The audit log of summary views and exports: who saw which team or service, for which period, when."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

from assessments.core.periods import Period
from assessments.models.figures import SummaryAccess
from assessments.models.organisation import Service, Team


def summary_access_record(
    *, user: AbstractBaseUser, action: str, service: Service, period: Period, team: Team | None = None
) -> SummaryAccess:
    return SummaryAccess.objects.create(
        user=user,
        username=user.get_username(),
        action=action,
        team=team,
        service=service,
        scope=f"{service.name} – {team.name}" if team else service.name,
        period=period.key,
    )
