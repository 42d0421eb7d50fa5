"""The practitioner's private list of things to bring to supervision."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments.http import AuthenticatedHttpRequest
from assessments.practitioner.access import get_checkin_for_user, get_supervision_note_for_user
from assessments.practitioner.forms import SupervisionMarkForm
from assessments.practitioner.profile import build_profile
from assessments.practitioner.supervision import SupervisionError, supervision_items, supervision_mark, supervision_tick


def _supervision_page(request: AuthenticatedHttpRequest, form: SupervisionMarkForm, status: int = 200) -> HttpResponse:
    return render(
        request,
        "assessments/practitioner/supervision.html",
        {
            "items": supervision_items(request.user, done=False),
            "done_items": supervision_items(request.user, done=True),
            "form": form,
        },
        status=status,
    )


@login_required
def supervision(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _supervision_page(request, SupervisionMarkForm.for_own_note())


@login_required
@require_POST
def supervision_add(request: AuthenticatedHttpRequest, checkin_pk: int | None = None) -> HttpResponse:
    """Add to the list, from a profile (its reflections and parts) or from the list's own note. A problem shows the
    form again, with what was chosen, under an error summary: the list's page, or a page of its own for a profile's
    form (so the person lands at the form, not at the top of a long profile)."""
    checkin = get_checkin_for_user(request.user, checkin_pk) if checkin_pk else None
    if checkin is not None:
        if not checkin.is_submitted:
            raise Http404
        reflections = list(checkin.reflections.all())
        form = SupervisionMarkForm.for_profile(
            request.POST, reflections=reflections, dimension_rows=build_profile(checkin).dimensions
        )
    else:
        form = SupervisionMarkForm.for_own_note(request.POST)
    if form.is_valid():
        try:
            supervision_mark(
                user=request.user,
                checkin=checkin,
                phases=form.cleaned_data.get("phases", []),
                dimensions=form.cleaned_data.get("dimensions", []),
                note=form.cleaned_data["note"],
            )
        except SupervisionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Added to your list for supervision."))
            if checkin is None:
                return redirect("practitioner:supervision")
            return redirect("practitioner:checkin_detail", pk=checkin.pk)
    if checkin is None:
        return _supervision_page(request, form, status=400)
    return render(
        request,
        "assessments/practitioner/supervision_add.html",
        {"checkin": checkin, "form": form, "with_reflections": bool(reflections) or "phases" in form.errors},
        status=400,
    )


@login_required
@require_POST
def supervision_tick_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    note = get_supervision_note_for_user(request.user, pk)
    supervision_tick(note=note, done=request.POST.get("done") != "0")
    return redirect("practitioner:supervision")
