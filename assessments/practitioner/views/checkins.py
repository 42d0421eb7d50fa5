"""The check-in: start, each step, review and send, discard; one check-in's profile; the history."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from assessments.core.steps import (
    DIMENSION_PAGE_STEP,
    QUESTION_STEP_COUNT,
    QUESTION_STEPS,
    REVIEW,
    REVIEW_STEP,
    Step,
    first_open_step,
    get_step,
    next_step,
    previous_step,
)
from assessments.http import AuthenticatedHttpRequest
from assessments.models.checkins import CheckIn
from assessments.models.organisation import Team
from assessments.practitioner.access import get_checkin_for_user
from assessments.practitioner.checkins import (
    CheckInAlreadySent,
    CheckInError,
    checkin_discard,
    checkin_save_step,
    checkin_start,
    checkin_submit,
)
from assessments.practitioner.forms import StartCheckInForm, StepForm, question_field_name
from assessments.practitioner.moves import MAX_OPEN_MOVES, open_moves
from assessments.practitioner.profile import build_profile, saved_values, submitted_checkins
from assessments.practitioner.questions import questions_by_step, step_questions
from assessments.practitioner.sent import what_happens_next
from assessments.practitioner.values_prompt import values_prompt
from assessments.practitioner.views.moves import profile_extras, review_panel


def _step_url(checkin: CheckIn, slug: str) -> str:
    return reverse("practitioner:checkin_step", args=[checkin.pk, slug])


def _already_sent(request: HttpRequest, checkin: CheckIn) -> HttpResponse:
    """Sending again (a double click, a retry after a lost answer, another tab) is not an error: show the
    confirmation, as the first send did."""
    messages.info(request, _("Your check-in has already been sent. Thank you."))
    return redirect("practitioner:checkin_sent", pk=checkin.pk)


@login_required
@require_POST
def checkin_begin(request: AuthenticatedHttpRequest) -> HttpResponse:
    teams = Team.objects.practised_in_by(request.user)
    form = StartCheckInForm(request.POST, teams=teams)
    team_count = teams.count()
    if team_count == 0:
        messages.error(request, _("You can only check in with a team you belong to."))
        return redirect("site:home")
    if team_count == 1:
        team = teams.get()
    elif form.is_valid():
        team = form.cleaned_data["team"]
    else:  # in two teams and none chosen: the question again, with an error summary that links to it
        return render(request, "assessments/practitioner/checkin_begin.html", {"form": form}, status=400)
    try:
        checkin = checkin_start(user=request.user, team=team)
    except CheckInError as exc:
        messages.error(request, str(exc))
        return redirect("site:home")
    if checkin.steps_completed == 0 and review_panel(request.user, checkin) is not None:
        # First, if they like, a look back at the moves chosen last time (a page of its own, skippable).
        return redirect("practitioner:moves_review", checkin_pk=checkin.pk)
    return redirect(_step_url(checkin, first_open_step(checkin.steps_completed).slug))


@login_required
@require_http_methods(["GET", "POST"])
def checkin_step(request: AuthenticatedHttpRequest, pk: int, step_slug: str) -> HttpResponse:
    checkin = get_checkin_for_user(request.user, pk)
    if step_slug in DIMENSION_PAGE_STEP:  # a link from when each dimension had a page: its phase's page
        return redirect(_step_url(checkin, DIMENSION_PAGE_STEP[step_slug].slug))
    step = get_step(step_slug)
    if step is None:
        raise Http404
    if checkin.is_submitted and step.slug == REVIEW:
        return _already_sent(request, checkin)
    if checkin.is_submitted:
        messages.info(request, _("This check-in has already been sent, so it can no longer be changed."))
        return redirect("practitioner:checkin_detail", pk=checkin.pk)
    if step.index > checkin.steps_completed:
        messages.warning(request, _("Please answer the earlier parts of the check-in first."))
        return redirect(_step_url(checkin, first_open_step(checkin.steps_completed).slug))
    if step.slug == REVIEW:
        return _review_step(request, checkin)

    questions = step_questions(checkin.question_set_id, step)
    # Opened from "Check your answers" to change one page: saving it goes straight back there.
    changing = (request.POST if request.method == "POST" else request.GET).get("change") == "1"
    if request.method == "POST":
        form = StepForm(request.POST, questions=questions, step=step)
        if form.is_valid():
            try:
                checkin_save_step(
                    checkin=checkin,
                    step=step,
                    answers=form.answers(),
                    reflection=form.cleaned_data.get("reflection"),
                    values=form.cleaned_data.get("values"),
                )
            except CheckInAlreadySent as exc:  # sent from another tab while this page was open
                messages.info(request, str(exc))
                return redirect("practitioner:checkin_detail", pk=checkin.pk)
            except CheckInError as exc:
                messages.error(request, str(exc))
                return redirect(_step_url(checkin, step.slug))
            if "save_and_leave" in request.POST:
                messages.success(request, _("Saved. You can carry on later, from any device."))
                return redirect("site:home")
            if changing and checkin.steps_completed >= QUESTION_STEP_COUNT:
                return redirect(_step_url(checkin, REVIEW_STEP.slug))
            return redirect(_step_url(checkin, cast(Step, next_step(step)).slug))  # a question page: one follows
    else:
        saved = {a.question_id: a.value for a in checkin.answers.filter(question__in=questions)}
        initial: dict[str, int | str | None] = {question_field_name(q): saved.get(q.pk) for q in questions}
        if step.closes_phase and step.phase is not None:
            reflection = checkin.reflections.filter(phase=step.phase.slug).first()
            initial["reflection"] = reflection.text if reflection else ""
        if step.asks_values:
            initial["values"] = saved_values(request.user)
        form = StepForm(initial=initial, questions=questions, step=step)
    return render(
        request,
        "assessments/practitioner/checkin_step.html",
        {
            "checkin": checkin,
            "step": step,
            "question_steps": QUESTION_STEP_COUNT,
            "previous": REVIEW_STEP if changing else previous_step(step),
            "changing": changing,
            "form": form,
            # The moves chosen last time, if they are still to be looked back on (their own page, skippable).
            "moves_to_review": step.index == 0 and review_panel(request.user, checkin) is not None,
            # The values named last time, brought to this period's biggest pressure from the first pages.
            "values_prompt": values_prompt(checkin, saved_values(request.user)) if step.asks_values else None,
        },
    )


def _review_step(request: HttpRequest, checkin: CheckIn) -> HttpResponse:
    if request.method == "POST":
        try:
            checkin_submit(checkin=checkin)
        except CheckInAlreadySent:
            return _already_sent(request, checkin)
        except CheckInError as exc:
            messages.error(request, str(exc))
            return redirect(_step_url(checkin, REVIEW_STEP.slug))
        return redirect("practitioner:checkin_sent", pk=checkin.pk)
    answers = {a.question_id: a.value for a in checkin.answers.all()}
    reflections = {r.phase: r.text for r in checkin.reflections.all()}
    questions = questions_by_step(checkin.question_set)
    sections = [
        {
            "step": s,
            "rows": [(q.text, q.answer_label(answers.get(q.pk)) or None) for q in questions[s.slug]],
            "answered": sum(1 for q in questions[s.slug] if q.pk in answers),
            "reflection": reflections.get(s.phase.slug, "") if s.closes_phase and s.phase is not None else "",
        }
        for s in QUESTION_STEPS
    ]
    return render(
        request,
        "assessments/practitioner/checkin_review.html",
        {
            "checkin": checkin,
            "previous": previous_step(REVIEW_STEP),
            "first_step": QUESTION_STEPS[0],
            "sections": sections,
            "answered": len(answers),
            "asked": sum(len(q) for q in questions.values()),
            "reflections": len(reflections),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def checkin_discard_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Delete a draft, after a page that asks first: a GET only asks, so no tap or link deletes anything."""
    checkin = get_checkin_for_user(request.user, pk)
    if checkin.is_submitted:  # sent since the link was shown: it is deleted from its own page, if at all
        messages.info(request, _("This check-in has already been sent, so it is no longer a draft."))
        return redirect("practitioner:checkin_detail", pk=checkin.pk)
    if request.method == "GET":
        return render(request, "assessments/practitioner/checkin_discard.html", {"checkin": checkin})
    try:
        checkin_discard(checkin=checkin)
    except CheckInError as exc:
        messages.error(request, str(exc))
        return redirect("practitioner:checkin_detail", pk=checkin.pk)
    messages.success(request, _("Your draft check-in has been deleted."))
    return redirect("site:home")


@login_required
def checkin_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    checkin = get_checkin_for_user(request.user, pk)
    if not checkin.is_submitted:
        return redirect(_step_url(checkin, first_open_step(checkin.steps_completed).slug))
    profile = build_profile(checkin)
    return render(
        request,
        "assessments/practitioner/checkin_detail.html",
        {
            "profile": profile,
            "sections": list(profile.levels.items()),
            "values": saved_values(request.user),
            **profile_extras(request.user, checkin, profile.dimensions),
        },
    )


@login_required
def checkin_sent(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The confirmation after sending: what happens next, then the profile or the moves, one tap each."""
    checkin = get_checkin_for_user(request.user, pk)
    if not checkin.is_submitted:
        return redirect(_step_url(checkin, first_open_step(checkin.steps_completed).slug))
    return render(
        request,
        "assessments/practitioner/checkin_sent.html",
        {
            "checkin": checkin,
            "next": what_happens_next(checkin),
            "moves_left": MAX_OPEN_MOVES - len(open_moves(request.user)),
        },
    )


@login_required
def history(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "assessments/practitioner/history.html", {"checkins": submitted_checkins(request.user)})
