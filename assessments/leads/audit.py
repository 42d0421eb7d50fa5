"""The audit logs: who read which summary for which period, and who invited or joined whom."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.utils import timezone

from assessments.core.periods import Period
from assessments.figures.summaries import ServiceFigures, service_figures
from assessments.models.compiled import CompiledInsert
from assessments.models.figures import AuditEvent, SummaryAccess
from assessments.models.organisation import Service, Team

# Written on every read of a summary, so its SQL is written once (assessments/models/compiled.py).
_SUMMARY_ACCESS = CompiledInsert(
    SummaryAccess, "user", "username", "action", "team", "service", "scope", "period", "at"
)


def summary_access_record(
    *, user: User, action: str, service: Service, period: Period, team: Team | None = None
) -> None:
    _SUMMARY_ACCESS.insert(
        user=user.pk,
        username=user.get_username(),
        action=SummaryAccess.Action(action).value,
        team=team.pk if team else None,
        service=service.pk,
        scope=f"{service.name} – {team.name}" if team else service.name,
        period=period.key,
        at=timezone.now(),
    )


def figures_read(
    *, user: User, action: str, period: Period, service: Service, team: Team | None = None
) -> ServiceFigures:
    """The figures a page or export shows, and the audit row saying who read them: never one without the other."""
    figures = service_figures(service, period)
    summary_access_record(user=user, action=action, service=service, team=team, period=period)
    return figures


def audit_record(
    *,
    actor: User | None,
    action: str,
    subject: str,
    team: Team | None = None,
    service: Service | None = None,
    detail: str = "",
) -> AuditEvent:
    """One line in the audit log of invites, memberships and lead roles."""
    return AuditEvent.objects.create(
        actor=actor,
        actor_username=actor.get_username() if actor is not None else "",
        action=action,
        team=team,
        service=service or (team.service if team is not None else None),
        subject=subject[:254],
        detail=detail[:200],
    )
