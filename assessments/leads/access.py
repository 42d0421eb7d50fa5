"""Who leads what: the teams and services whose summaries a person may see, otherwise 404."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from assessments.models.figures import TeamAction
from assessments.models.organisation import Membership, Role, Service, ServiceLead, Team


def get_led_team(user: User, pk: int) -> Team:
    """A team this person leads, otherwise 404."""
    return get_object_or_404(Team.objects.led_by(user), pk=pk)


def leads_anything(user: User) -> bool:
    """Whether this person leads a team or a service (and so may be emailed when figures are ready)."""
    return (
        Membership.objects.filter(user=user, role=Role.LEAD).exists() or ServiceLead.objects.filter(user=user).exists()
    )


# --- Summaries: a lead sees what they lead; administrators see everything ---


def is_administrator(user: User) -> bool:
    return bool(user.is_superuser or user.is_staff)


def summary_services(user: User) -> QuerySet[Service]:
    """Services whose summaries this person may see: those they lead as a whole."""
    if is_administrator(user):
        return Service.objects.all()
    return Service.objects.filter(pk__in=ServiceLead.objects.filter(user=user).values("service_id"))


def summary_teams(user: User) -> QuerySet[Team]:
    """Teams whose summaries this person may see: teams they lead, and every team of a service they lead."""
    teams = Team.objects.select_related("service")
    if is_administrator(user):
        return teams
    led = Membership.objects.filter(user=user, role=Role.LEAD).values("team_id")
    services = ServiceLead.objects.filter(user=user).values("service_id")
    return teams.filter(Q(pk__in=led) | Q(service_id__in=services))


def get_summary_team(user: User, pk: int) -> Team:
    """A team whose summary this person may see, otherwise 404."""
    return get_object_or_404(summary_teams(user), pk=pk)


def get_summary_service(user: User, pk: int) -> Service:
    """A service whose summary this person may see, otherwise 404."""
    return get_object_or_404(summary_services(user), pk=pk)


# --- Actions: readable by whoever sees the team's (or, for a service's action, any team's) summary; changed
# only by the leads of its team or service, and administrators ---


def get_readable_action(user: User, pk: int) -> TeamAction:
    """An action this person may read, otherwise 404. A service's action is for every team, so team leads read it."""
    teams = summary_teams(user)
    readable = (
        Q(team__in=teams)
        | Q(team__isnull=True, service__in=summary_services(user))
        | Q(team__isnull=True, service__in=teams.values("service_id"))
    )
    return get_object_or_404(TeamAction.objects.filter(readable).select_related("team", "service"), pk=pk)


def may_change_action(user: User, action: TeamAction) -> bool:
    """Who may change an action. A team's: its leads, its service's leads, administrators. A service's: its service
    leads and administrators."""
    if action.team_id is not None:
        return summary_teams(user).filter(pk=action.team_id).exists()
    return summary_services(user).filter(pk=action.service_id).exists()


def get_changeable_action(user: User, pk: int) -> TeamAction:
    """An action this person may change, otherwise 404 (for a team lead reading a service's action too)."""
    action = get_readable_action(user, pk)
    if not may_change_action(user, action):
        raise Http404
    return action
