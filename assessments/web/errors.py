"""Error pages: what a person sees when something breaks or they are locked out."""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template.loader import render_to_string

from assessments.web.middleware import DATABASE_ERRORS, outage_response

logger = logging.getLogger(__name__)


def caused_by_database_outage(exc: BaseException | None) -> bool:
    """Whether this exception, or one it was raised while handling, is a lost database connection."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, DATABASE_ERRORS):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a database error outside a view (in a middleware, say) still gets the 503 page."""
    if caused_by_database_outage(sys.exc_info()[1]):
        return outage_response()
    return HttpResponseServerError(render_to_string("500.html"))


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400. When the session cannot be saved because the database went away, Django reports a 400
    (SessionInterrupted); the person should see the 503 "try again" page instead."""
    if caused_by_database_outage(exception):
        return outage_response()
    # Not django.views.defaults.bad_request: its requires_csrf_token runs the CSRF check again, which reads
    # request.POST. A body that could not be read the first time (one sent in UTF-16, say) raises again there,
    # and the person would get a 500. Nothing here may read request.POST.
    return render(request, "400.html", status=400)


def login_locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes calls this when a username and address pair has had too many wrong passwords."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "registration/lockout.html", context, status=429)
