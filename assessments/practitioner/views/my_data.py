"""A person's own data and account: download it, delete a check-in, change the password, delete the account."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordChangeView
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from assessments.http import AuthenticatedHttpRequest
from assessments.models.private import PractitionerProfile
from assessments.practitioner.access import get_checkin_for_user
from assessments.practitioner.account import account_delete
from assessments.practitioner.checkins import checkin_delete, current_draft
from assessments.practitioner.forms import (
    AccountDeleteForm,
    ReminderSettingsForm,
    ThrottledPasswordChangeForm,
)
from assessments.practitioner.my_data import user_export, user_export_csv
from assessments.practitioner.profile import submitted_checkins


@login_required
@require_http_methods(["GET", "POST"])
def my_data(request: AuthenticatedHttpRequest) -> HttpResponse:
    # Unsaved until a valid form is sent: opening the page, or a refused post, writes nothing.
    profile = PractitionerProfile.objects.filter(user=request.user).first() or PractitionerProfile(user=request.user)
    form = ReminderSettingsForm(request.POST if request.method == "POST" else None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(
            request,
            _("Reminders are on.") if profile.reminders_enabled else _("Reminders are off. We will not email you."),
        )
        return redirect("practitioner:my_data")
    return render(
        request,
        "assessments/practitioner/my_data.html",
        {"form": form, "checkins": submitted_checkins(request.user), "draft": current_draft(request.user)},
    )


def _download(content: str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def export_json(request: AuthenticatedHttpRequest) -> HttpResponse:
    # Always the signed-in person: the URL takes no user, so nothing in a request can point it at anyone else.
    data = json.dumps(user_export(request.user), indent=2, ensure_ascii=False)
    stamp = timezone.localdate().isoformat()
    return _download(data, "application/json; charset=utf-8", f"resilience-checkin-my-data-{stamp}.json")


@login_required
def export_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    stamp = timezone.localdate().isoformat()
    return _download(user_export_csv(request.user), "text/csv; charset=utf-8", f"resilience-checkins-{stamp}.csv")


@login_required
@require_http_methods(["GET", "POST"])
def checkin_delete_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    checkin = get_checkin_for_user(request.user, pk)
    if request.method == "POST":
        checkin_delete(checkin=checkin)
        messages.success(request, _("That check-in has been deleted, with its answers and reflections."))
        return redirect("practitioner:history")
    return render(request, "assessments/practitioner/checkin_delete.html", {"checkin": checkin})


@login_required
@require_http_methods(["GET", "POST"])
def account_delete_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = AccountDeleteForm(request.POST if request.method == "POST" else None, user=request.user, request=request)
    if request.method == "POST" and form.is_valid():
        account_delete(user=request.user)
        logout(request)
        return render(request, "assessments/practitioner/account_deleted.html")
    return render(
        request, "assessments/practitioner/account_delete.html", {"form": form}, status=400 if form.errors else 200
    )


class PasswordChange(PasswordChangeView):
    """Django's password change page (its template, URL name and redirect), with the old password throttled.

    Django's own form checks the old password with check_password, which login throttling never sees.
    """

    form_class = ThrottledPasswordChangeForm

    def get_form_kwargs(self) -> dict:
        return {**super().get_form_kwargs(), "request": self.request}
