"""Who leads what: the teams and services whose summaries a person may see, otherwise 404."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from assessments.models.organisation import Membership, Role, Service, ServiceLead, Team


def get_led_team(user: AbstractBaseUser, pk: int) -> Team:
    """A team this person leads, otherwise 404."""
    return get_object_or_404(Team.objects.led_by(user), pk=pk)


# --- Summaries: a lead sees what they lead; administrators see everything ---


def is_administrator(user: AbstractBaseUser) -> bool:
    return bool(user.is_superuser or user.is_staff)


def summary_services(user: AbstractBaseUser) -> QuerySet[Service]:
    """Services whose summaries this person may see: those they lead as a whole."""
    if is_administrator(user):
        return Service.objects.all()
    return Service.objects.filter(pk__in=ServiceLead.objects.filter(user=user).values("service_id"))


def summary_teams(user: AbstractBaseUser) -> QuerySet[Team]:
    """Teams whose summaries this person may see: teams they lead, and every team of a service they lead."""
    teams = Team.objects.select_related("service")
    if is_administrator(user):
        return teams
    led = Membership.objects.filter(user=user, role=Role.LEAD).values("team_id")
    services = ServiceLead.objects.filter(user=user).values("service_id")
    return teams.filter(Q(pk__in=led) | Q(service_id__in=services))


def get_summary_team(user: AbstractBaseUser, pk: int) -> Team:
    """A team whose summary this person may see, otherwise 404."""
    return get_object_or_404(summary_teams(user), pk=pk)


def get_summary_service(user: AbstractBaseUser, pk: int) -> Service:
    """A service whose summary this person may see, otherwise 404."""
    return get_object_or_404(summary_services(user), pk=pk)
