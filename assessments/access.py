"""Who may see what, written once. Every view fetches owned objects through here."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import CheckIn, ResilientMove, Role, SupervisionNote, Team


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


def get_move_for_user(user: AbstractBaseUser, pk: int) -> ResilientMove:
    """A resilient move if it belongs to this person, otherwise 404."""
    return get_object_or_404(ResilientMove, pk=pk, user=user)


def get_supervision_note_for_user(user: AbstractBaseUser, pk: int) -> SupervisionNote:
    """A supervision note if it belongs to this person, otherwise 404."""
    return get_object_or_404(SupervisionNote, pk=pk, user=user)
