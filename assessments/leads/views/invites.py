"""A lead invites people to their team."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from assessments.leads.access import get_led_team
from assessments.leads.forms import InviteForm
from assessments.leads.invites import invite_create
from assessments.models.organisation import Invite


@login_required
@require_http_methods(["GET", "POST"])
def team_invites(request: HttpRequest, team_pk: int) -> HttpResponse:
    team = get_led_team(request.user, team_pk)
    new_link = None
    if request.method == "POST":
        form = InviteForm(request.POST)
        if form.is_valid():
            _invite, token = invite_create(
                team=team, created_by=request.user, role=form.cleaned_data["role"], email=form.cleaned_data["email"]
            )
            new_link = request.build_absolute_uri(reverse("site:join", args=[token]))
            form = InviteForm()
    else:
        form = InviteForm()
    invites = Invite.objects.filter(team=team).select_related("used_by")[:50]
    return render(
        request,
        "assessments/leads/team_invites.html",
        {
            "team": team,
            "form": form,
            "invites": invites,
            "new_link": new_link,
            "invite_days": settings.INVITE_VALID_DAYS,
        },
    )
