"""A lead's figures-ready emails: a settings page they own, and the one-click stop link from the email."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from assessments.http import AuthenticatedHttpRequest
from assessments.leads.access import leads_anything
from assessments.leads.forms import FiguresReadyEmailsForm
from assessments.leads.nudges import figures_ready_set, figures_ready_wanted, unsubscribe_user


@login_required
@require_http_methods(["GET", "POST"])
def email_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not leads_anything(request.user):
        raise Http404
    initial = {"figures_ready": "yes" if figures_ready_wanted(request.user) else "no"}
    form = FiguresReadyEmailsForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        figures_ready_set(user=request.user, on=form.cleaned_data["figures_ready"])
        messages.success(request, _("Your email settings are saved."))
        return redirect("leads:email_settings")
    return render(request, "assessments/leads/email_settings.html", {"form": form}, status=400 if form.errors else 200)


# The signed token is the authority here, not a session, so the link works signed out. Opening it changes nothing
# (mail scanners open every link in an email); the button on the page turns the emails off, with a CSRF token
# like every other form.
@require_http_methods(["GET", "POST"])
def email_stop(request: HttpRequest, token: str) -> HttpResponse:
    user = unsubscribe_user(token)
    if user is None:
        return render(request, "assessments/leads/email_stop_invalid.html", status=400)
    if request.method == "POST":
        figures_ready_set(user=user, on=False)
        return render(request, "assessments/leads/email_stopped.html")
    return render(request, "assessments/leads/email_stop.html")
