"""Turn a database outage into a friendly "try again" page instead of a stack trace; refuse bodies too large to be
a form, file uploads, and form bodies that are not UTF-8; add headers Django does not; log and count each request;
compress the pages that are safe to compress."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.gzip import GZipMiddleware
from django.shortcuts import render, resolve_url
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.utils.log import log_response

from assessments import metrics
from assessments.web import context_processors, logs, session_timeout
from assessments.web.logs import printable

logger = logging.getLogger(__name__)
# One line per request, at INFO: the app's access log (scripts/serve turns gunicorn's off).
request_logger = logging.getLogger("assessments.requests")

DATABASE_ERRORS = (OperationalError, InterfaceError)


def outage_response() -> HttpResponse:
    # Rendered without the request: the context processors would ask the database who is signed in.
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(settings.OUTAGE_RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


# The pages whose HTML is sent compressed, by URL namespace or name: docs/adr/0016 says why each is safe (no secret on
# it that someone who can put words on it cannot already read; the CSRF token is masked afresh in every response). Not
# the practitioner's pages nor the home page: they show a person's private words beside words a lead wrote (an
# action's description). Every page not named here is sent as it is, so a new page is uncompressed until it is added.
COMPRESSED_NAMESPACES = frozenset({"leads"})
COMPRESSED_PAGES = frozenset({"login", "site:privacy", "site:accessibility", "site:support"})


class CompressSafePagesMiddleware(GZipMiddleware):
    """Django's gzip (which pads each compressed response with 0 to 99 random bytes, against BREACH), for the pages
    named above only. Static files are whitenoise's, compressed ahead of time, and never reach a URL pattern."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        match = getattr(request, "resolver_match", None)
        if match is None or not (match.namespace in COMPRESSED_NAMESPACES or match.view_name in COMPRESSED_PAGES):
            return response
        return super().process_response(request, response)


class DatabaseOutageMiddleware:
    """A view (or a template it renders) that cannot reach the database answers 503 with a page that says so.

    Database errors raised by other middleware (saving the session, say) never reach process_exception; Django
    turns them into a 500 first. handler500 (errors.server_error) catches those.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_ERRORS):
            # The route, not the path: a path is anyone's to write (a %0A in it decodes to a newline, which could
            # forge a line) and can hold a token.
            logger.warning(
                "Database unavailable for %s %s: %s", printable(request.method), logs.route_of(request), exception
            )
            # Signing in hands out a new CSRF token before the sign-in is recorded. The sign-in failed: keep the
            # browser's token, or the form it sends again once the database is back would be refused with a 403.
            request.META["CSRF_COOKIE_NEEDS_UPDATE"] = False
            return outage_response()
        return None


class RequestLogMiddleware:
    """The outermost middleware: gives the request an id, which every log line written while it is answered carries
    (logs.RequestContextFilter) and which goes back in the X-Request-ID header; then writes the request's own line
    and counts it for /metrics (assessments/metrics.py).

    The line and the count name the URL pattern and its name, never the path: a path can hold an invite or
    password-reset token, or an id. Nothing about who asked: no user, no address, no user agent (the app keeps no
    record of when a person used it).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        context = logs.RequestContext(logs.request_id_for(request.headers.get("X-Request-ID")), request)
        request.log_context = context  # type: ignore[attr-defined]  # for Django's lines written after we return
        token = logs.current.set(context)
        try:
            began = time.monotonic()
            response = self.get_response(request)
            seconds = time.monotonic() - began
            response["X-Request-ID"] = context.request_id
            route, view = logs.route_of(request), logs.view_of(request)
            method = printable(request.method, 10)
            request_logger.info(
                "%s %s %s %.0f ms",
                method,
                route,
                response.status_code,
                seconds * 1000,
                extra={
                    "method": method,
                    "path": route,
                    "view": view,
                    "status": response.status_code,
                    "duration_ms": round(seconds * 1000, 1),
                },
            )
            metrics.request_observed(view=view, method=method, status=response.status_code, seconds=seconds)
            return response
        finally:
            logs.current.reset(token)


# The app uses none of these browser features; saying so stops an injected frame or script from asking.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class PermissionsPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class Utf8FormsMiddleware:
    """A POST that declares any charset but UTF-8 gets the 400 page, before anything reads its body.

    Every page of the app sends its forms as UTF-8. Left to itself, Django reads a form in a charset it does not
    know as UTF-8 anyway, decodes a multipart form in whatever charset it names, and refuses any other charset on
    an ordinary form only when request.POST is first read, inside the CSRF check or a view. Refusing here, before
    anything reads the body, gives one answer on every URL: the 400 page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        charset = (request.content_params or {}).get("charset") if request.method == "POST" else None
        if charset is not None and charset.lower() != "utf-8":
            # Django's own rule for form bodies, so nothing that gets past here can raise it again later. Answered
            # here rather than raised: with DEBUG on (make run), a raised BadRequest goes to Django's technical error
            # page, which reads request.POST, fails on the same body, and turns the 400 into a 500.
            response = render(request, "400.html", status=400)
            log_response(
                "Bad Request: %s (a form in %s, not UTF-8)", request.path, charset, response=response, request=request
            )
            return response
        return self.get_response(request)


class RequestSizeMiddleware:
    """Any multipart body, and any body declared larger than REQUEST_MAX_BYTES, gets the 413 page unread.

    The app takes no uploads, so a multipart body is never ours; left to Django, a 100 MB one is read and spooled
    to disk before anything refuses it. Checking the headers first means the body is never read at all.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        multipart = request.META.get("CONTENT_TYPE", "").lower().lstrip().startswith("multipart/")
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads no body for a length it cannot parse
        if multipart or length > settings.REQUEST_MAX_BYTES:
            # Rendered without the request: nothing about the person is needed, and nothing may read the body.
            return HttpResponse(render_to_string("413.html"), status=413, headers={"Cache-Control": "no-store"})
        return self.get_response(request)


class NoStoreWhenSignedInMiddleware:
    """Every response to a signed-in person says Cache-Control: no-store, private.

    Their pages (a reflection, a profile, a lead's CSV) must not stay in a shared computer's browser cache or in a
    proxy. Static files are served by whitenoise before this runs and keep their long cache lifetimes.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # The session is read anyway, to know who is signed in, so this costs no query.
        if SESSION_KEY in request.session:
            patch_cache_control(response, no_store=True, private=True)
        return response


class SlidingSessionMiddleware:
    """A signed-in person's session ends SESSION_IDLE_MINUTES after they last used the app: each request pushes the
    end back, but the session is written at most once a minute.

    Django's SESSION_SAVE_EVERY_REQUEST would write the session row on every request, page reads included: a
    transaction with an UPDATE on the primary database for each page anyone opens. Writing only when the last push
    is a minute old keeps the timeout sliding, to within a minute (a session ends between SESSION_IDLE_MINUTES - 1
    and SESSION_IDLE_MINUTES after the last request, never later), for one write a minute per person at most.
    Django's SessionMiddleware does the write, and sends the cookie with the new end, as for any changed session.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = request.session
        if SESSION_KEY in session:  # signed in; signing out has emptied it by now
            now = int(time.time())
            if session_timeout.push_due(session, now):
                session_timeout.push(session, response, now)
            # Whoever pushed (here, or the view: "Stay signed in" pushes whatever the minute), the menu kept in the
            # session is asked afresh with it.
            if getattr(response, "session_pushed", False) and request.user.is_authenticated:
                context_processors.menu_refresh_on_push(request)
        return response


class SignedOutForInactivityMiddleware:
    """After a session has timed out, the sign-in page says so: "You were signed out after 30 minutes without
    activity", and, when the request that found the session gone was a form being sent, that its answers were not
    saved (assessments/web/session_timeout.py says why they are not kept).

    It sits inside MessageMiddleware, so that a message added as a response is on its way out is still kept for
    the sign-in page the response redirects to.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if session_timeout.SIGNED_IN_COOKIE not in request.COOKIES:  # nobody signed in here lately: nothing to say
            return self.get_response(request)
        signed_in_before = SESSION_KEY in request.session
        ended = session_timeout.timed_out(request)
        sign_in_page = resolve_url(settings.LOGIN_URL)
        told = False
        if ended and request.method == "GET" and request.path == sign_in_page:
            messages.info(request, session_timeout.timed_out_message(posted=False))  # shown on this very page
            told = True
        response = self.get_response(request)
        if ended and not told and response.status_code == 302:
            if urlsplit(response.get("Location", "")).path == sign_in_page:
                messages.info(request, session_timeout.timed_out_message(posted=request.method == "POST"))
                told = True
        if SESSION_KEY not in request.session and (told or signed_in_before):
            session_timeout.forget_signed_in(response)  # told once; or signed out just now, which is not a time-out
        return response
