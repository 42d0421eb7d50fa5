"""Leads record what the service will do, move it on from planned to done or stopped, and see the team's voice on it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from assessments.core.periods import latest_shown_period
from assessments.figures.summaries import action_progress
from assessments.http import AuthenticatedHttpRequest
from assessments.leads.access import (
    get_changeable_action,
    get_readable_action,
    get_summary_service,
    get_summary_team,
    may_change_action,
)
from assessments.leads.action_library import LIBRARY_BY_KEY, suggestions_by_dimension
from assessments.leads.audit import figures_read
from assessments.leads.forms import TeamActionDetailsForm, TeamActionForm, TeamActionStatusForm
from assessments.leads.team_actions import (
    TeamActionError,
    next_statuses,
    team_action_create,
    team_action_edit,
    team_action_from_suggestion,
    team_action_move,
)
from assessments.models.figures import SummaryAccess, TeamAction
from assessments.models.organisation import Service, Team


def _saved(request: HttpRequest, action: TeamAction) -> HttpResponse:
    if action.team_id is None:
        text = _("Saved. Every team of the service will see this action on their home page while it is open.")
    else:
        text = _("Saved. The team will see this action on their home page while it is open.")
    messages.success(request, text)
    return redirect("leads:action_detail", pk=action.pk)


def _add(request: AuthenticatedHttpRequest, *, team: Team | None, service: Service) -> HttpResponse:
    form = TeamActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            action = team_action_create(created_by=request.user, team=team, service=service, **form.cleaned_data)
        except TeamActionError as exc:
            form.add_error(None, str(exc))
        else:
            return _saved(request, action)
    context = {"team": team, "service": service, "form": form, "library": suggestions_by_dimension()}
    return render(request, "assessments/leads/team_action_form.html", context, status=400 if form.errors else 200)


def _from_suggestion(
    request: AuthenticatedHttpRequest, key: str, *, team: Team | None, service: Service
) -> HttpResponse:
    suggestion = LIBRARY_BY_KEY.get(key)
    if suggestion is None:
        raise Http404
    action = team_action_from_suggestion(created_by=request.user, suggestion=suggestion, team=team, service=service)
    messages.success(
        request, _("Started from the suggestion. Check who owns it and when to review it, and change them here.")
    )
    return redirect("leads:action_edit", pk=action.pk)


@login_required
@require_http_methods(["GET", "POST"])
def team_action_add(request: AuthenticatedHttpRequest, team_pk: int) -> HttpResponse:
    team = get_summary_team(request.user, team_pk)
    return _add(request, team=team, service=team.service)


@login_required
@require_http_methods(["GET", "POST"])
def service_action_add(request: AuthenticatedHttpRequest, service_pk: int) -> HttpResponse:
    service = get_summary_service(request.user, service_pk)
    return _add(request, team=None, service=service)


@login_required
@require_POST
def team_action_suggested(request: AuthenticatedHttpRequest, team_pk: int, key: str) -> HttpResponse:
    team = get_summary_team(request.user, team_pk)
    return _from_suggestion(request, key, team=team, service=team.service)


@login_required
@require_POST
def service_action_suggested(request: AuthenticatedHttpRequest, service_pk: int, key: str) -> HttpResponse:
    service = get_summary_service(request.user, service_pk)
    return _from_suggestion(request, key, team=None, service=service)


def _detail(
    request: AuthenticatedHttpRequest, action: TeamAction, status_form: TeamActionStatusForm | None
) -> HttpResponse:
    changeable = may_change_action(request.user, action)
    if changeable and status_form is None:
        status_form = TeamActionStatusForm(choices=next_statuses(action))
    figures = figures_read(
        user=request.user,
        action=SummaryAccess.Action.VIEW,
        period=latest_shown_period(),
        service=action.service,
        team=action.team,
    )
    return render(
        request,
        "assessments/leads/team_action_detail.html",
        {
            "action": action,
            "progress": action_progress(figures, [action])[0],
            "events": action.events.all(),
            "changeable": changeable,
            "status_form": status_form if changeable else None,
            "back_url": _back_url(action),
        },
        status=400 if status_form is not None and status_form.errors else 200,
    )


def _back_url(action: TeamAction) -> str:
    if action.team_id is not None:
        return reverse("leads:team_summary_current", args=[action.team_id])
    return reverse("leads:service_summary_current", args=[action.service_id])


@login_required
def action_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _detail(request, get_readable_action(request.user, pk), None)


@login_required
@require_POST
def action_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = get_changeable_action(request.user, pk)
    form = TeamActionStatusForm(request.POST, choices=next_statuses(action))
    if form.is_valid():
        try:
            action = team_action_move(action=action, by=request.user, status=form.cleaned_data["status"])
        except TeamActionError as exc:  # someone else moved it first
            form.add_error("status", str(exc))
        else:
            messages.success(
                request, _("The action is now %(status)s.") % {"status": action.get_status_display().lower()}
            )
            return redirect("leads:action_detail", pk=action.pk)
    return _detail(request, action, form)


@login_required
@require_http_methods(["GET", "POST"])
def action_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = get_changeable_action(request.user, pk)
    initial = {
        "provision": action.provision,
        "description": action.description,
        "owner": action.owner,
        "review_on": action.review_on,
    }
    form = TeamActionDetailsForm(request.POST or None, initial=initial, dimension=action.dimension)
    if request.method == "POST" and form.is_valid():
        try:
            changed = team_action_edit(action=action, by=request.user, **form.cleaned_data)
        except TeamActionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Saved.") if changed else _("Nothing had changed."))
            return redirect("leads:action_detail", pk=action.pk)
    return render(
        request,
        "assessments/leads/team_action_edit.html",
        {"action": action, "form": form},
        status=400 if form.errors else 200,
    )
