"""The practitioner's journey: trends, resilient moves, supervision notes, reminders and their own data."""

from __future__ import annotations

import json
import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ..access import get_checkin_for_user, get_led_team, get_move_for_user, get_supervision_note_for_user
from ..accounts import account_delete
from ..checkins import checkin_delete, current_draft
from ..exports import user_export, user_export_csv
from ..forms import (
    AccountDeleteForm,
    MoveReviewForm,
    MovesChooseForm,
    ReminderSettingsForm,
    SupervisionMarkForm,
    TeamCadenceForm,
)
from ..models import CheckIn, PractitionerProfile
from ..move_catalogue import suggestions_for
from ..moves import (
    MAX_OPEN_MOVES,
    MoveError,
    moves_choose,
    moves_of,
    moves_review,
    moves_to_review,
    open_moves,
)
from ..results import scores_of, submitted_checkins
from ..steps import STEPS
from ..supervision import SupervisionError, supervision_items, supervision_mark, supervision_tick
from ..trends import trends_for

MOVE_FIELD = re.compile(r"^(?:outcome|note)_(\d+)$")


def profile_extras(user, checkin: CheckIn) -> dict:
    """What the profile page shows about moves and supervision for this check-in (two queries)."""
    still_open = open_moves(user)
    return {
        "open_moves": still_open,
        "moves_left": max(MAX_OPEN_MOVES - len(still_open), 0),
        "reflections": list(checkin.reflections.all()),
    }


def review_panel(user, checkin: CheckIn) -> MoveReviewForm | None:
    """The review of open moves shown at the top of step 1 of a new check-in, if there is anything to review."""
    moves = moves_to_review(user, checkin)
    return MoveReviewForm(moves=moves) if moves else None


@login_required
def trends(request: HttpRequest) -> HttpResponse:
    checkins, phase_trends = trends_for(request.user)
    moves = list(moves_of(request.user))
    sections = [
        (trend, [(series, [m for m in moves if m.dimension == series.slug]) for series in trend.dimension_series])
        for trend in phase_trends
    ]
    return render(request, "assessments/trends.html", {"checkins": checkins, "sections": sections, "moves": moves})


@login_required
@require_http_methods(["GET", "POST"])
def moves_choose_view(request: HttpRequest, checkin_pk: int) -> HttpResponse:
    checkin = get_checkin_for_user(request.user, checkin_pk)
    if not checkin.is_submitted:
        raise Http404
    suggestions = suggestions_for(scores_of(checkin))
    choices = [(m.key, m.text) for _d, _c, moves in suggestions for m in moves]
    already_open = open_moves(request.user)
    allowed = max(MAX_OPEN_MOVES - len(already_open), 0)
    form = MovesChooseForm(request.POST if request.method == "POST" else None, choices=choices, allowed=allowed)
    if request.method == "POST" and allowed and form.is_valid():
        try:
            chosen = moves_choose(
                user=request.user,
                checkin=checkin,
                catalogue_keys=form.cleaned_data["moves"],
                own_text=form.cleaned_data["own"],
            )
        except MoveError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("You have chosen %(n)d moves. We will ask how they went at your next check-in.") % {"n": len(chosen)}
                if len(chosen) > 1
                else _("You have chosen a move. We will ask how it went at your next check-in."),
            )
            return redirect("checkin_detail", pk=checkin.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "assessments/moves_choose.html",
        {
            "checkin": checkin,
            "form": form,
            "suggestions": suggestions,
            "allowed": allowed,
            "open_moves": already_open,
            "chosen_keys": set(form["moves"].value() or []),
        },
        status=status,
    )


@login_required
@require_POST
def moves_review_view(request: HttpRequest, checkin_pk: int) -> HttpResponse:
    """Review open moves from the panel at the top of a draft check-in's first step."""
    draft = get_checkin_for_user(request.user, checkin_pk)
    if draft.is_submitted:
        raise Http404
    step_url = reverse("checkin_step", args=[draft.pk, STEPS[0].slug])
    ids = {int(m.group(1)) for key in request.POST if (m := MOVE_FIELD.match(key))}
    moves = [get_move_for_user(request.user, pk) for pk in sorted(ids)]  # someone else's move: 404
    form = MoveReviewForm(request.POST, moves=[m for m in moves_to_review(request.user, draft) if m.pk in ids])
    if len(form.moves) != len(moves):
        messages.error(request, _("That move has already been reviewed. Nothing was changed."))
        return redirect(step_url)
    if not form.is_valid():
        errors = [str(e) for e in form.non_field_errors()] + [
            str(e) for name, errs in form.errors.items() if name != "__all__" for e in errs
        ]
        messages.error(request, " ".join(dict.fromkeys(errors)) + " " + _("Nothing was saved."))
        return redirect(step_url)
    try:
        moves_review(user=request.user, reviews=form.reviews())
    except MoveError as exc:
        messages.error(request, str(exc))
        return redirect(step_url)
    messages.success(request, _("Thank you. Your review of your moves has been saved."))
    return redirect(step_url)


@login_required
def supervision(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "assessments/supervision.html",
        {
            "items": supervision_items(request.user, done=False),
            "done_items": supervision_items(request.user, done=True),
            "form": SupervisionMarkForm(),
        },
    )


@login_required
@require_POST
def supervision_add(request: HttpRequest, checkin_pk: int | None = None) -> HttpResponse:
    checkin = get_checkin_for_user(request.user, checkin_pk) if checkin_pk else None
    form = SupervisionMarkForm(request.POST)
    back = reverse("checkin_detail", args=[checkin.pk]) if checkin else reverse("supervision")
    if not form.is_valid():
        messages.error(request, _("That could not be added. Please check your note is under 500 characters."))
        return redirect(back)
    try:
        supervision_mark(
            user=request.user,
            checkin=checkin,
            phases=form.cleaned_data["phases"],
            dimensions=form.cleaned_data["dimensions"],
            note=form.cleaned_data["note"],
        )
    except SupervisionError as exc:
        messages.error(request, str(exc))
        return redirect(back)
    messages.success(request, _("Added to your list for supervision."))
    return redirect(back)


@login_required
@require_POST
def supervision_tick_view(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_supervision_note_for_user(request.user, pk)
    supervision_tick(note=note, done=request.POST.get("done") != "0")
    return redirect("supervision")


@login_required
@require_http_methods(["GET", "POST"])
def my_data(request: HttpRequest) -> HttpResponse:
    # Unsaved until a valid form is sent: opening the page, or a refused post, writes nothing.
    profile = PractitionerProfile.objects.filter(user=request.user).first() or PractitionerProfile(user=request.user)
    form = ReminderSettingsForm(request.POST if request.method == "POST" else None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(
            request,
            _("Reminders are on.") if profile.reminders_enabled else _("Reminders are off. We will not email you."),
        )
        return redirect("my_data")
    return render(
        request,
        "assessments/my_data.html",
        {"form": form, "checkins": submitted_checkins(request.user), "draft": current_draft(request.user)},
    )


def _download(content: str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def export_json(request: HttpRequest) -> HttpResponse:
    # Always the signed-in person: the URL takes no user, so nothing in a request can point it at anyone else.
    data = json.dumps(user_export(request.user), indent=2, ensure_ascii=False)
    stamp = timezone.localdate().isoformat()
    return _download(data, "application/json; charset=utf-8", f"resilience-checkin-my-data-{stamp}.json")


@login_required
def export_csv(request: HttpRequest) -> HttpResponse:
    stamp = timezone.localdate().isoformat()
    return _download(user_export_csv(request.user), "text/csv; charset=utf-8", f"resilience-checkins-{stamp}.csv")


@login_required
@require_http_methods(["GET", "POST"])
def checkin_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    checkin = get_checkin_for_user(request.user, pk)
    if request.method == "POST":
        checkin_delete(checkin=checkin)
        messages.success(request, _("That check-in has been deleted, with its answers and reflections."))
        return redirect("history")
    return render(request, "assessments/checkin_delete.html", {"checkin": checkin})


@login_required
@require_http_methods(["GET", "POST"])
def account_delete_view(request: HttpRequest) -> HttpResponse:
    form = AccountDeleteForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        account_delete(user=request.user)
        logout(request)
        return render(request, "assessments/account_deleted.html")
    return render(request, "assessments/account_delete.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def team_reminders(request: HttpRequest, team_pk: int) -> HttpResponse:
    team = get_led_team(request.user, team_pk)
    form = TeamCadenceForm(request.POST if request.method == "POST" else None, instance=team)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Reminders for %(team)s saved.") % {"team": team.name})
        return redirect("team_reminders", team_pk=team.pk)
    return render(request, "assessments/team_reminders.html", {"team": team, "form": form})


def privacy(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "assessments/privacy.html",
        {
            "min_group_size": getattr(settings, "MIN_GROUP_SIZE", 5),
            "retention_months": settings.RETENTION_MONTHS,
            "draft_days": settings.DRAFT_RETENTION_DAYS,
        },
    )
