"""Resilient moves: choose them after a profile, review them at the next check-in."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from assessments.core.move_catalogue import suggestions_for
from assessments.core.steps import QUESTION_STEPS
from assessments.http import AuthenticatedHttpRequest
from assessments.models.checkins import CheckIn
from assessments.practitioner.access import get_checkin_for_user, get_move_for_user
from assessments.practitioner.forms import (
    MoveReviewForm,
    MovesChooseForm,
    SupervisionMarkForm,
)
from assessments.practitioner.moves import (
    MAX_OPEN_MOVES,
    MoveError,
    moves_choose,
    moves_review,
    moves_to_review,
    open_moves,
)
from assessments.practitioner.profile import scores_of

MOVE_FIELD = re.compile(r"^(?:outcome|obstacle|note)_(\d+)$")


def profile_extras(user, checkin: CheckIn, dimension_rows: list) -> dict:
    """What the profile page shows about moves and supervision for this check-in (two queries)."""
    still_open = open_moves(user)
    reflections = list(checkin.reflections.all())
    return {
        "open_moves": still_open,
        "moves_left": max(MAX_OPEN_MOVES - len(still_open), 0),
        "reflections": reflections,
        "supervision_form": SupervisionMarkForm.for_profile(reflections=reflections, dimension_rows=dimension_rows),
    }


def review_panel(user, checkin: CheckIn) -> MoveReviewForm | None:
    """The review of the open moves a new check-in opens with, if there is anything to review."""
    moves = moves_to_review(user, checkin)
    return MoveReviewForm(moves=moves) if moves else None


@login_required
@require_http_methods(["GET", "POST"])
def moves_choose_view(request: AuthenticatedHttpRequest, checkin_pk: int) -> HttpResponse:
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
            return redirect("practitioner:checkin_detail", pk=checkin.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "assessments/practitioner/moves_choose.html",
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
@require_http_methods(["GET", "POST"])
def moves_review_view(request: AuthenticatedHttpRequest, checkin_pk: int) -> HttpResponse:
    """How the moves chosen last time went: a page of its own before a new check-in's first page, optional, so the
    check-in's own pages stay short on a phone. Saving or skipping it leads to the first page; a problem shows the
    page again with every choice the person made still chosen."""
    draft = get_checkin_for_user(request.user, checkin_pk)
    if draft.is_submitted:
        raise Http404
    step_url = reverse("practitioner:checkin_step", args=[draft.pk, QUESTION_STEPS[0].slug])
    if request.method == "GET":
        form = review_panel(request.user, draft)
        if form is None:  # nothing (left) to look back on
            return redirect(step_url)
        return _moves_review_page(request, draft, form, step_url)
    review_url = reverse("practitioner:moves_review", args=[draft.pk])
    ids = {int(m.group(1)) for key in request.POST if (m := MOVE_FIELD.match(key))}
    moves = [get_move_for_user(request.user, pk) for pk in sorted(ids)]  # someone else's move: 404
    to_review = moves_to_review(request.user, draft)
    if {m.pk for m in moves} - {m.pk for m in to_review}:
        messages.error(request, _("That move has already been reviewed. Nothing was changed."))
        return redirect(review_url)
    if not to_review:  # all looked back on already (another tab): nothing left to save here
        return redirect(step_url)
    # Every move still to look back on, answered or not, so the page comes back whole if there is a problem.
    form = MoveReviewForm(request.POST, moves=to_review)
    if not form.is_valid():
        return _moves_review_page(request, draft, form, step_url, status=400)
    try:
        moves_review(user=request.user, reviews=form.reviews())
    except MoveError as exc:
        form.add_error(None, str(exc))
        return _moves_review_page(request, draft, form, step_url, status=400)
    messages.success(request, _("Thank you. Your review of your moves has been saved."))
    return redirect(step_url)


def _moves_review_page(
    request: AuthenticatedHttpRequest, draft: CheckIn, form: MoveReviewForm, first_page: str, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "assessments/practitioner/moves_review.html",
        {"checkin": draft, "move_review_form": form, "first_page": first_page},
        status=status,
    )
