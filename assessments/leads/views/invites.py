"""A lead invites practitioners to their team, by email."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from assessments.http import AuthenticatedHttpRequest
from assessments.leads.access import get_led_team
from assessments.leads.forms import InviteForm
from assessments.leads.invites import InviteError, invite_create
from assessments.models.organisation import Invite


@login_required
@require_http_methods(["GET", "POST"])
def team_invites(request: AuthenticatedHttpRequest, team_pk: int) -> HttpResponse:
    team = get_led_team(request.user, team_pk)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        try:
            invite_create(team=team, created_by=request.user, email=email)
        except InviteError as exc:
            form.add_error("email", str(exc))
        else:
            messages.success(request, _("Invite sent to %(email)s.") % {"email": email})
            return redirect("leads:team_invites", team_pk=team.pk)
    invites = Invite.objects.filter(team=team).select_related("used_by")[:50]
    return render(
        request,
        "assessments/leads/team_invites.html",
        {
            "team": team,
            "form": form,
            "invites": invites,
            "invite_days": settings.INVITE_VALID_DAYS,
            "period_name": _("quarter") if settings.SUMMARY_PERIOD == "quarter" else _("month"),
        },
        status=400 if form.errors else 200,
    )
