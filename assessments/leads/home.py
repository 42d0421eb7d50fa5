"""A lead's home page answers "what needs me?": for each team they lead, who took part in the last period that has
ended, what is at its concerning end, and which actions are due for review; for each service they lead, the teams
that need a look named first. Every figure is a published one (figures/summaries.py), read as the summary pages
read them, and the read is in the audit log like theirs."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Count, Q
from django.utils import timezone

from assessments.core.periods import Period, latest_shown_period
from assessments.figures.summaries import Cell, DimensionFigures, PublishedTeam
from assessments.leads.audit import figures_read
from assessments.models.figures import SummaryAccess, TeamAction
from assessments.models.organisation import Service, Team


@dataclass(frozen=True)
class TeamCard:
    team: Team
    period: Period
    cell: Cell
    # Where the team's own figures are hidden: the whole service's, so a small team's lead still has something.
    service_cell: Cell | None
    due_for_review: int


@dataclass(frozen=True)
class ServiceCard:
    service: Service
    period: Period
    cell: Cell
    # The teams with a figure worth a look, most first: the same list the service summary opens with.
    needing_a_look: list[tuple[PublishedTeam, list[DimensionFigures]]]


def _due_for_review(teams: list[Team]) -> dict[int, int]:
    """How many open actions of each team (its own and its service's) are due for review today (one query)."""
    services = {t.service_id for t in teams}
    due = (
        TeamAction.objects.filter(status__in=TeamAction.OPEN, review_on__lte=timezone.localdate())
        .filter(Q(team__in=teams) | Q(team__isnull=True, service_id__in=services))
        .values_list("team_id", "service_id")
        .annotate(n=Count("pk"))
    )
    by_team: dict[int, int] = {}
    by_service: dict[int, int] = {}
    for team_id, service_id, n in due:
        if team_id is None:
            by_service[service_id] = by_service.get(service_id, 0) + n
        else:
            by_team[team_id] = by_team.get(team_id, 0) + n
    return {t.pk: by_team.get(t.pk, 0) + by_service.get(t.service_id, 0) for t in teams}


def team_cards(user: User, teams: list[Team]) -> list[TeamCard]:
    """One card per team led: two queries and an audit row per team, one more for every team's actions."""
    period = latest_shown_period()
    due = _due_for_review(teams) if teams else {}
    cards = []
    for team in teams:
        figures = figures_read(
            user=user, action=SummaryAccess.Action.VIEW, period=period, service=team.service, team=team
        )
        cell = figures.cell(team.pk)
        service_cell = figures.cell(None) if cell.hidden else None
        cards.append(TeamCard(team, period, cell, service_cell, due.get(team.pk, 0)))
    return cards


def service_cards(user: User, services: list[Service]) -> list[ServiceCard]:
    """One card per service led, its teams that need a look first."""
    period = latest_shown_period()
    cards = []
    for service in services:
        figures = figures_read(user=user, action=SummaryAccess.Action.VIEW, period=period, service=service)
        cards.append(ServiceCard(service, period, figures.cell(None), figures.teams_to_look_at()))
    return cards
