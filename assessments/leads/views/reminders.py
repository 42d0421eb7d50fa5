"""A lead sets how often their team is reminded to check in."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from assessments.http import AuthenticatedHttpRequest
from assessments.leads.access import get_led_team
from assessments.leads.forms import TeamCadenceForm


@login_required
@require_http_methods(["GET", "POST"])
def team_reminders(request: AuthenticatedHttpRequest, team_pk: int) -> HttpResponse:
    team = get_led_team(request.user, team_pk)
    form = TeamCadenceForm(request.POST if request.method == "POST" else None, instance=team)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Reminders for %(team)s saved.") % {"team": team.name})
        return redirect("leads:team_reminders", team_pk=team.pk)
    return render(request, "assessments/leads/team_reminders.html", {"team": team, "form": form})
