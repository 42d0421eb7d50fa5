"""The practitioner's private list of things to bring to supervision."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments.http import AuthenticatedHttpRequest
from assessments.models.private import SUPERVISION_NOTE_MAX_LENGTH
from assessments.practitioner.access import get_checkin_for_user, get_supervision_note_for_user
from assessments.practitioner.forms import SupervisionMarkForm
from assessments.practitioner.supervision import SupervisionError, supervision_items, supervision_mark, supervision_tick


@login_required
def supervision(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "assessments/practitioner/supervision.html",
        {
            "items": supervision_items(request.user, done=False),
            "done_items": supervision_items(request.user, done=True),
            "form": SupervisionMarkForm.for_own_note(),
        },
    )


@login_required
@require_POST
def supervision_add(request: AuthenticatedHttpRequest, checkin_pk: int | None = None) -> HttpResponse:
    checkin = get_checkin_for_user(request.user, checkin_pk) if checkin_pk else None
    form = SupervisionMarkForm(request.POST)
    back = reverse("practitioner:checkin_detail", args=[checkin.pk]) if checkin else reverse("practitioner:supervision")
    if not form.is_valid():
        messages.error(
            request,
            _("That could not be added. Please check your note is under %(n)s characters.")
            % {"n": SUPERVISION_NOTE_MAX_LENGTH},
        )
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
def supervision_tick_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    note = get_supervision_note_for_user(request.user, pk)
    supervision_tick(note=note, done=request.POST.get("done") != "0")
    return redirect("practitioner:supervision")
