"""Team actions: what the service agreed to do about a systemic pressure, shown back to the team."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from assessments.core.framework import DIMENSIONS_BY_SLUG
from assessments.models.figures import TeamAction
from assessments.models.organisation import Team


class TeamActionError(Exception):
    pass


def team_action_create(
    *, team: Team, created_by: AbstractBaseUser, dimension: str, description: str, starts_on: date
) -> TeamAction:
    found = DIMENSIONS_BY_SLUG.get(dimension)
    if found is None or not found.is_systemic:
        raise TeamActionError("Team actions are only for dimensions the service can change.")
    return TeamAction.objects.create(
        team=team, created_by=created_by, dimension=dimension, description=description.strip(), starts_on=starts_on
    )


def actions_for_practitioner(user: AbstractBaseUser, limit: int = 20) -> QuerySet[TeamAction]:
    """The actions agreed for the teams this person checks in with, newest first."""
    return TeamAction.objects.filter(team__in=Team.objects.practised_in_by(user)).select_related("team")[:limit]
