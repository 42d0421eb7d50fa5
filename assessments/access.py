"""Who may see what, written once. Every view fetches owned objects through here."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from .models import CheckIn, Membership, ResilientMove, Role, Service, ServiceLead, SupervisionNote, Team


def get_checkin_for_user(user: AbstractBaseUser, pk: int) -> CheckIn:
    """The check-in if it belongs to this person, otherwise 404 (never 403: we do not confirm it exists)."""
    return get_object_or_404(CheckIn.objects.select_related("question_set", "team"), pk=pk, user=user)


def practitioner_teams(user: AbstractBaseUser) -> QuerySet[Team]:
    return Team.objects.filter(memberships__user=user, memberships__role=Role.PRACTITIONER).select_related("service")


def led_teams(user: AbstractBaseUser) -> QuerySet[Team]:
    return Team.objects.filter(memberships__user=user, memberships__role=Role.LEAD).select_related("service")


def get_led_team(user: AbstractBaseUser, pk: int) -> Team:
    """A team this person leads, otherwise 404."""
    return get_object_or_404(led_teams(user), pk=pk)


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
def get_move_for_user(user: AbstractBaseUser, pk: int) -> ResilientMove:
    """A resilient move if it belongs to this person, otherwise 404."""
    return get_object_or_404(ResilientMove, pk=pk, user=user)


def get_supervision_note_for_user(user: AbstractBaseUser, pk: int) -> SupervisionNote:
    """A supervision note if it belongs to this person, otherwise 404."""
    return get_object_or_404(SupervisionNote, pk=pk, user=user)
