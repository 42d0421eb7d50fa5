"""Pages for everyone: the home page, joining a team from an invite, the privacy notice, the accessibility statement,
and the two files browsers and crawlers ask for."""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from assessments.core.anonymity import min_group_size, share_min_group_size
from assessments.core.periods import QUARTER, configured_kind, current_period
from assessments.core.steps import first_open_step
from assessments.figures.voices import VoiceError, get_voiced_action, latest_voices, voice_asks, voice_record
from assessments.http import AuthenticatedHttpRequest
from assessments.leads.access import is_administrator, summary_services
from assessments.leads.forms import JoinForm
from assessments.leads.home import service_cards, team_cards
from assessments.leads.invites import AccountExists, InviteError, find_invite, invite_accept, invitee_join
from assessments.leads.team_actions import actions_for_practitioner
from assessments.models.figures import ActionVoice
from assessments.models.organisation import Team
from assessments.practitioner.checkins import current_draft
from assessments.practitioner.forms import StartCheckInForm
from assessments.practitioner.moves import open_moves
from assessments.practitioner.profile import saved_values, submitted_checkins
from assessments.web.context_processors import menu_forget


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    practised_in = Team.objects.practised_in_by(request.user)
    teams = list(practised_in)
    latest = submitted_checkins(request.user).first()
    draft = current_draft(request.user)
    team_actions = list(actions_for_practitioner(request.user)) if teams else []
    voices = latest_voices(request.user, team_actions) if team_actions else {}
    services = summary_services(request.user) if not is_administrator(request.user) else None
    asks = voice_asks(request.user, team_actions, timezone.localdate()) if team_actions else {}
    return render(
        request,
        "assessments/web/home.html",
        {
            "draft": draft,
            "draft_step": first_open_step(draft.steps_completed).slug if draft else None,
            "start_form": StartCheckInForm(teams=practised_in) if len(teams) > 1 else None,
            "teams": teams,
            "latest": latest,
            "led_teams": team_cards(request.user, list(Team.objects.led_by(request.user))),
            "led_services": service_cards(request.user, list(services)) if services is not None else None,
            "team_actions": [(action, voices.get(action.pk), asks[action.pk]) for action in team_actions],
            "current_period": current_period(),
            "voice_answers": ActionVoice.Answer.choices,
            "voice_minimum": share_min_group_size(),
            "values": saved_values(request.user),
            "open_moves": open_moves(request.user),
        },
    )


@login_required
@require_POST
def action_voice(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One tap on the home page: has this action made a difference? Works without JavaScript."""
    action = get_voiced_action(request.user, pk)
    try:
        voice_record(action=action, user=request.user, answer=request.POST.get("answer", ""))
    except VoiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Thank you. Your answer counts in the team's figures for %(period)s, once it has ended.")
            % {"period": current_period().label},
        )
    return redirect(reverse("site:home") + f"#action-{action.pk}")


def privacy(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "assessments/web/privacy.html",
        {
            # The sizes the figures are held to, from where the figures read them (a share never below a figure).
            "min_group_size": min_group_size(),
            "share_min_group_size": share_min_group_size(),
            "quarterly": configured_kind() == QUARTER,
            "retention_months": settings.RETENTION_MONTHS,
            "draft_days": settings.DRAFT_RETENTION_DAYS,
        },
    )


def support(request: HttpRequest) -> HttpResponse:
    """Who can help: for everyone, signed in or not, one click away on every page (the footer)."""
    return render(request, "assessments/web/support.html")


def accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility statement the Public Sector Bodies Accessibility Regulations 2018 ask for."""
    return render(
        request,
        "assessments/web/accessibility.html",
        {
            "site_url": settings.SITE_URL,
            "contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL,
            "idle_minutes": settings.SESSION_IDLE_MINUTES,
        },
    )


# A staff-only service: nothing in it is for search engines. Pages also say noindex, for crawlers that skip this.
ROBOTS_TXT = "User-agent: *\nDisallow: /\n"


def robots_txt(request: HttpRequest) -> HttpResponse:
    return HttpResponse(ROBOTS_TXT, content_type="text/plain; charset=utf-8")


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says: send them to the design system's icon."""
    return HttpResponseRedirect(static("vendor/nhsuk-frontend/assets/images/favicon.ico"))


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
        return render(request, "assessments/web/join_invalid.html", {"reason": reason}, status=410 if invite else 404)

    if not settings.LOCAL_PASSWORDS and not request.user.is_authenticated:
        # No passwords here: the organisation's sign-in finds the invite by the address it went to.
        return redirect("site:organisation_sign_in")
    form = None if request.user.is_authenticated else JoinForm(request.POST or None, email=invite.email)
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            if form is None:
                # No form: the person is signed in (above).
                invite_accept(token=token, user=cast(User, request.user))
                menu_forget(request)  # the menu offers their new team's pages on the next page
            else:
                user = invitee_join(
                    token=token, first_name=form.cleaned_data["first_name"], password=form.cleaned_data["password1"]
                )
                login(request, user, backend="assessments.web.backends.LocalPasswordBackend")
        except AccountExists as exc:
            return render(
                request, "assessments/web/join.html", {"invite": invite, "form": None, "exists": str(exc)}, status=409
            )
        except InviteError as exc:
            return render(request, "assessments/web/join_invalid.html", {"reason": str(exc)}, status=410)
        messages.success(request, _("Welcome. You have joined %(team)s.") % {"team": invite.team.name})
        return redirect("site:home")
    status = 400 if form is not None and form.errors else 200
    return render(request, "assessments/web/join.html", {"invite": invite, "form": form}, status=status)
