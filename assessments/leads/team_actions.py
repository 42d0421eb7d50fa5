"""Team actions: what the service agreed to do about what its teams reported, from planned to done or stopped.

An action is for one team, or for every team of a service. It is about a systemic dimension, or about an
individual dimension through something the service provides (training, preceptorship, induction, protected
time), so that the responsibility stays with the service. Every write records who changed what in the
action's history, in the same transaction. Who may write is decided by the views (access.py): the leads of
the team or service, and administrators.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth.models import User
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from assessments.core.framework import DIMENSIONS_BY_SLUG
from assessments.core.periods import add_months
from assessments.leads.action_library import Suggestion
from assessments.models.compiled import JSONRows
from assessments.models.figures import TeamAction, TeamActionEvent
from assessments.models.organisation import Service, Team

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Status = TeamAction.Status

# Which status may follow which. A closed action (done or stopped) can be opened again, as under way.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.PLANNED: (Status.UNDER_WAY, Status.DONE, Status.STOPPED),
    Status.UNDER_WAY: (Status.DONE, Status.STOPPED),
    Status.DONE: (Status.UNDER_WAY,),
    Status.STOPPED: (Status.UNDER_WAY,),
}
# How long after it is recorded an action is looked at again, unless the lead says otherwise.
REVIEW_AFTER_MONTHS = 3


class TeamActionError(Exception):
    """The action cannot be saved as asked. The message is safe to show."""


def _check_subject(dimension: str, provision: str) -> None:
    found = DIMENSIONS_BY_SLUG.get(dimension)
    if found is None:
        raise TeamActionError(_("Please choose what the action is about."))
    if not found.is_systemic and provision not in TeamAction.Provision.values:
        raise TeamActionError(
            _(
                "An action on an individual dimension is about what the service provides: choose training, "
                "preceptorship, induction or protected time."
            )
        )
    if found.is_systemic and provision:
        raise TeamActionError(_("An action on a part the service runs does not need something to provide."))


def _event(action: TeamAction, actor: User, field: str, before: str = "", after: str = "") -> None:
    TeamActionEvent.objects.create(
        action=action,
        actor=actor,
        actor_username=actor.get_username(),
        field=field,
        before=before[:500],
        after=after[:500],
    )


def _date(value: date | None) -> str:
    return date_format(value, "j F Y") if value else ""


@transaction.atomic
def team_action_create(
    *,
    created_by: User,
    dimension: str,
    description: str,
    starts_on: date,
    team: Team | None = None,
    service: Service | None = None,
    provision: str = "",
    owner: str = "",
    review_on: date | None = None,
    suggestion: str = "",
) -> TeamAction:
    """Record an action for one team, or (`service` without `team`) for every team of the service."""
    if team is None and service is None:
        raise TeamActionError(_("An action is for a team or for a whole service."))
    _check_subject(dimension, provision)
    action = TeamAction.objects.create(
        team=team,
        service=team.service if team is not None else cast(Service, service),  # one of the two, checked above
        created_by=created_by,
        dimension=dimension,
        provision=provision,
        description=description.strip(),
        owner=owner.strip(),
        starts_on=starts_on,
        review_on=review_on,
        suggestion=suggestion,
    )
    _event(action, created_by, TeamActionEvent.Field.CREATED, after=action.get_status_display())
    return action


def team_action_from_suggestion(
    *, created_by: User, suggestion: Suggestion, team: Team | None = None, service: Service | None = None
) -> TeamAction:
    """One step: the suggestion as a planned action from today, owned by the lead who started it, reviewed in three
    months. The lead can change any of it afterwards."""
    today = timezone.localdate()
    return team_action_create(
        created_by=created_by,
        team=team,
        service=service,
        dimension=suggestion.dimension_slug,
        provision=suggestion.provision,
        description=str(suggestion.description),
        owner=created_by.get_full_name() or created_by.get_username(),
        starts_on=today,
        review_on=add_months(today, REVIEW_AFTER_MONTHS),
        suggestion=suggestion.key,
    )


@transaction.atomic
def team_action_edit(
    *, action: TeamAction, by: User, description: str, owner: str, review_on: date | None, provision: str
) -> list[str]:
    """Change what the action says. Returns the fields that changed; each is a line in the history."""
    action = TeamAction.objects.select_for_update().get(pk=action.pk)
    _check_subject(action.dimension, provision)
    # (field, before, after, attribute): the values are text or dates, by field.
    changes: list[tuple[str, Any, Any, str]] = [
        (TeamActionEvent.Field.DESCRIPTION, action.description, description.strip(), "description"),
        (TeamActionEvent.Field.OWNER, action.owner, owner.strip(), "owner"),
        (TeamActionEvent.Field.REVIEW_ON, action.review_on, review_on, "review_on"),
        (TeamActionEvent.Field.PROVISION, action.provision, provision, "provision"),
    ]
    changed = []
    labels = dict(TeamAction.Provision.choices)
    for field, before, after, attribute in changes:
        if before == after:
            continue
        if field == TeamActionEvent.Field.REVIEW_ON:
            shown = (_date(before), _date(after))
        elif field == TeamActionEvent.Field.PROVISION:
            shown = (str(labels.get(before, "")), str(labels.get(after, "")))
        else:
            shown = (before, after)
        setattr(action, attribute, after)
        _event(action, by, field, *shown)
        changed.append(attribute)
    if changed:
        action.save(update_fields=changed)
    return changed


@transaction.atomic
def team_action_move(*, action: TeamAction, by: User, status: str) -> TeamAction:
    """Move the action to another status (closing it when done or stopped, opening it again when under way)."""
    action = TeamAction.objects.select_for_update().get(pk=action.pk)
    if status not in TRANSITIONS.get(action.status, ()):
        raise TeamActionError(
            _("This action is %(status)s, so it cannot be moved to that. The page shows what it can move to.")
            % {"status": action.get_status_display().lower()}
        )
    before = action.get_status_display()
    action.status = status
    action.closed_at = None if action.is_open else timezone.now()
    action.save(update_fields=["status", "closed_at"])
    _event(action, by, TeamActionEvent.Field.STATUS, before, action.get_status_display())
    return action


def next_statuses(action: TeamAction) -> list[tuple[str, StrOrPromise]]:
    """The statuses this action may move to, with their labels."""
    labels = dict(Status.choices)
    return [(s, labels[s]) for s in TRANSITIONS[action.status]]


# --- reads ---------------------------------------------------------------------------------------------------


def _team_actions(team_id: Any, service_id: Any) -> QuerySet[TeamAction]:
    """`team_id` and `service_id`: ids, or OuterRefs to them (TEAM_ACTIONS_BESIDE)."""
    return TeamAction.objects.filter(Q(team_id=team_id) | Q(service_id=service_id, team__isnull=True)).order_by(
        F("closed_at").asc(nulls_first=True), "-starts_on", "-pk"
    )


def _service_actions(service_id: Any) -> QuerySet[TeamAction]:
    """`service_id`: an id, or an OuterRef to one (SERVICE_ACTIONS_BESIDE)."""
    return TeamAction.objects.filter(service_id=service_id).order_by(
        F("closed_at").asc(nulls_first=True), F("team__name").asc(nulls_first=True), "-starts_on", "-pk"
    )


# What a summary page reads of each action it lists: every column of the action, then its team's (all None for a
# service's action).
_ACTION_COLUMNS = tuple(f.attname for f in TeamAction._meta.concrete_fields)
_TEAM_COLUMNS = tuple(f.attname for f in Team._meta.concrete_fields)
ACTION_READ = (*_ACTION_COLUMNS, *(f"team__{c}" for c in _TEAM_COLUMNS))

# A team summary's actions (the team's own and its service's) and a service summary's (the service's and every
# team's), open ones first, newest first: read beside the team or service by the page's access check, in the same
# statement (assessments/leads/access.py).
TEAM_ACTIONS_BESIDE = JSONRows(_team_actions(OuterRef("pk"), OuterRef("service_id")), *ACTION_READ)
SERVICE_ACTIONS_BESIDE = JSONRows(_service_actions(OuterRef("pk")), *ACTION_READ)


def actions_from_rows(rows: list[tuple]) -> list[TeamAction]:
    """The actions of rows read beside a summary (ACTION_READ), each with its team (or None) in place."""
    actions = []
    for row in rows:
        action = TeamAction.from_db(DEFAULT_DB_ALIAS, _ACTION_COLUMNS, row[: len(_ACTION_COLUMNS)])
        team_row = row[len(_ACTION_COLUMNS) :]
        team = None if team_row[0] is None else Team.from_db(DEFAULT_DB_ALIAS, _TEAM_COLUMNS, team_row)
        TeamAction.team.field.set_cached_value(action, team)
        actions.append(action)
    return actions


ACTION_ID = _ACTION_COLUMNS.index("id")
ACTION_STARTS_ON = _ACTION_COLUMNS.index("starts_on")


def actions_for_practitioner(user: User, limit: int = 20) -> QuerySet[TeamAction]:
    """The open actions for the teams this person checks in with, and for those teams' services, newest first."""
    teams = Team.objects.practised_in_by(user)
    return (
        TeamAction.objects.filter(status__in=TeamAction.OPEN)
        .filter(Q(team__in=teams) | Q(team__isnull=True, service__in=teams.values("service_id")))
        .select_related("team", "service")
        .order_by("-starts_on", "-pk")[:limit]
    )
