"""A lead records what the service will do about a systemic pressure."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from assessments.core.framework import get_dimension
from assessments.leads.access import get_summary_team
from assessments.leads.forms import TeamActionForm
from assessments.leads.team_actions import TeamActionError, team_action_create


@login_required
@require_http_methods(["GET", "POST"])
def team_action_add(request: HttpRequest, team_pk: int) -> HttpResponse:
    team = get_summary_team(request.user, team_pk)
    form = TeamActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            action = team_action_create(team=team, created_by=request.user, **form.cleaned_data)
        except TeamActionError:
            messages.error(request, _("Team actions are only for the parts the service can change."))
        else:
            messages.success(
                request,
                _("Saved. The team will see this action about “%(dimension)s” on their home page.")
                % {"dimension": get_dimension(action.dimension).name},
            )
            return redirect("leads:team_summary_current", team_pk=team.pk)
    return render(request, "assessments/leads/team_action_form.html", {"team": team, "form": form}, status=200)
