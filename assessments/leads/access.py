"""Who leads what: the teams and services whose summaries a person may see, otherwise 404."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from assessments.leads.team_actions import SERVICE_ACTIONS_BESIDE, TEAM_ACTIONS_BESIDE
from assessments.models.compiled import CompiledQuery, JSONRows, RowsAsRead
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


def _services_led_by(user_id: int) -> QuerySet[Service]:
    return Service.objects.filter(pk__in=ServiceLead.objects.filter(user_id=user_id).values("service_id"))


def _teams_led_by(user_id: int) -> QuerySet[Team]:
    led = Membership.objects.filter(user_id=user_id, role=Role.LEAD).values("team_id")
    services = ServiceLead.objects.filter(user_id=user_id).values("service_id")
    return Team.objects.filter(Q(pk__in=led) | Q(service_id__in=services))


def summary_services(user: User) -> QuerySet[Service]:
    """Services whose summaries this person may see: those they lead as a whole."""
    if is_administrator(user):
        return Service.objects.all()
    return _services_led_by(user.pk)


def summary_teams(user: User) -> QuerySet[Team]:
    """Teams whose summaries this person may see: teams they lead, and every team of a service they lead."""
    if is_administrator(user):
        return Team.objects.select_related("service")
    return _teams_led_by(user.pk).select_related("service")


# The summary pages' own access checks: the same rules as above, compiled once (assessments/models/compiled.py), for
# one row by its id (so without the models' default order, which would only cost the database a sort).
_TEAM_COLUMNS = tuple(f.attname for f in Team._meta.concrete_fields)
_SERVICE_COLUMNS = tuple(f.attname for f in Service._meta.concrete_fields)
_TEAM_READ = (*_TEAM_COLUMNS, *(f"service__{c}" for c in _SERVICE_COLUMNS))


def _checks(
    model: type[Team] | type[Service], led_by, columns: tuple[str, ...], id_name: str, **beside: JSONRows
) -> tuple[CompiledQuery, CompiledQuery]:
    """A summary's access checks for one row of `model` by its id (`id_name`): a lead's (`led_by` their user id) and
    an administrator's, each reading `columns` and `beside` the row too."""
    extra = tuple(beside)
    led = CompiledQuery(
        lambda user_id, **ids: led_by(user_id)
        .filter(pk=ids[id_name])
        .order_by()
        .annotate(**beside)
        .values_list(*columns, *extra),
        "user_id",
        id_name,
    )
    anyone = CompiledQuery(
        lambda **ids: model.objects.filter(pk=ids[id_name]).order_by().annotate(**beside).values_list(*columns, *extra),
        id_name,
    )
    return led, anyone


_TEAM_CHECKS = _checks(Team, _teams_led_by, _TEAM_READ, "team_id")
_SERVICE_CHECKS = _checks(Service, _services_led_by, _SERVICE_COLUMNS, "service_id")
# The summary pages read their actions in the same statement (assessments/leads/team_actions.py): a reader who may not
# see the page gets no row, so no action either.
_TEAM_AND_ACTIONS_CHECKS = _checks(Team, _teams_led_by, _TEAM_READ, "team_id", action_rows=TEAM_ACTIONS_BESIDE)
_SERVICE_AND_ACTIONS_CHECKS = _checks(
    Service, _services_led_by, _SERVICE_COLUMNS, "service_id", action_rows=SERVICE_ACTIONS_BESIDE
)


def _row(user: User, pk: int, checks: tuple[CompiledQuery, CompiledQuery], id_name: str) -> tuple:
    """The row `checks` (from `_checks`) let this person read, otherwise 404."""
    led, anyone = checks
    ids: dict[str, Any] = {id_name: int(pk)}
    rows = anyone.rows(**ids) if is_administrator(user) else led.rows(user_id=user.pk, **ids)
    if not rows:
        raise Http404
    return rows[0]


def _team_of(row: tuple) -> Team:
    team = Team.from_db(DEFAULT_DB_ALIAS, _TEAM_COLUMNS, row[: len(_TEAM_COLUMNS)])
    service = Service.from_db(DEFAULT_DB_ALIAS, _SERVICE_COLUMNS, row[len(_TEAM_COLUMNS) : len(_TEAM_READ)])
    Team.service.field.set_cached_value(team, service)
    return team


def _service_of(row: tuple) -> Service:
    return Service.from_db(DEFAULT_DB_ALIAS, _SERVICE_COLUMNS, row[: len(_SERVICE_COLUMNS)])


def get_summary_team(user: User, pk: int) -> Team:
    """A team whose summary this person may see (with its service), otherwise 404."""
    return _team_of(_row(user, pk, _TEAM_CHECKS, "team_id"))


def get_summary_team_and_actions(user: User, pk: int) -> tuple[Team, RowsAsRead]:
    """A team whose summary this person may see, with the actions its summary lists (TEAM_ACTIONS_BESIDE), in one
    statement; otherwise 404."""
    row = _row(user, pk, _TEAM_AND_ACTIONS_CHECKS, "team_id")
    return _team_of(row), TEAM_ACTIONS_BESIDE.read(row[-1])


def get_summary_service(user: User, pk: int) -> Service:
    """A service whose summary this person may see, otherwise 404."""
    return _service_of(_row(user, pk, _SERVICE_CHECKS, "service_id"))


def get_summary_service_and_actions(user: User, pk: int) -> tuple[Service, RowsAsRead]:
    """A service whose summary this person may see, with the actions its summary lists (SERVICE_ACTIONS_BESIDE), in
    one statement; otherwise 404."""
    row = _row(user, pk, _SERVICE_AND_ACTIONS_CHECKS, "service_id")
    return _service_of(row), SERVICE_ACTIONS_BESIDE.read(row[-1])


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
