from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ..access import get_led_team
from ..forms import InviteForm, JoinForm
from ..invites import InviteError, find_invite, invite_accept, invite_create
from ..models import Invite


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
            new_link = request.build_absolute_uri(reverse("join", args=[token]))
            form = InviteForm()
    else:
        form = InviteForm()
    invites = Invite.objects.filter(team=team).select_related("used_by")[:50]
    return render(
        request,
        "assessments/team_invites.html",
        {
            "team": team,
            "form": form,
            "invites": invites,
            "new_link": new_link,
            "invite_days": settings.INVITE_VALID_DAYS,
        },
    )


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, token: str) -> HttpResponse:
    invite = find_invite(token)
    if invite is None or not invite.is_usable:
        if invite is None:
            reason = _("This invite link is not valid.")
        elif invite.used_at:
            reason = _("This invite link has already been used.")
        else:
            reason = _("This invite link has expired.")
        return render(request, "assessments/join_invalid.html", {"reason": reason}, status=410 if invite else 404)

    form = None if request.user.is_authenticated else JoinForm(request.POST or None)
    if request.method == "POST":
        try:
            with transaction.atomic():
                if form is not None:
                    if not form.is_valid():
                        raise InviteError("")
                    user = form.save()
                else:
                    user = request.user
                invite_accept(token=token, user=user)
        except InviteError as exc:
            if str(exc):
                messages.error(request, str(exc))
                return redirect("home" if request.user.is_authenticated else "login")
        else:
            if form is not None:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome. You have joined %(team)s.") % {"team": invite.team.name})
            return redirect("home")
    return render(request, "assessments/join.html", {"invite": invite, "form": form})
