"""Teams' planned actions, recorded through the real write path."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import User

from assessments.leads.team_actions import team_action_create
from assessments.models import Service, Team, TeamAction


def make_action(created_by: User, team: Team | None = None, service: Service | None = None, **extra) -> TeamAction:
    """A planned action on supervision and peer support, recorded through the real write path: for `team`, or
    for every team of `service`. `extra` overrides any field."""
    values = {
        "dimension": "systemic_support",
        "description": "A peer group every fortnight",
        "owner": "Dana",
        "starts_on": date(2026, 1, 5),
        "review_on": date(2026, 4, 1),
        **extra,
    }
    return team_action_create(created_by=created_by, team=team, service=service, **values)
