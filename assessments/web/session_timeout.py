"""The idle timeout, as a person meets it: how long the page in front of them has left, the "Stay signed in" button
of the warning (static/js/session-timeout.js), and what the sign-in page says when the time ran out.

A session ends SESSION_COOKIE_AGE seconds after it was last pushed back (SlidingSessionMiddleware). The browser
forgets the session cookie at that same moment, so a request after the end cannot be told from a first visit by the
session alone. A second cookie, SIGNED_IN_COOKIE, says only "someone signed in here lately": it outlives the session
by SIGNED_IN_GRACE_SECONDS and holds nothing about who. Signing out removes it, so after a real sign-out the page
says "You have signed out" and never that time ran out.

Answers on a page sent after the end are not kept to be put back after signing in again: they would be held before
anyone knew whose they were, outside the sealed, author-only storage every private word has, for whoever next
signs in on that browser. The warning two minutes before the end, and a clear message after it, are the protection.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.views import redirect_to_login
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

PUSHED_AT = "_idle_timeout_pushed_at"  # when the session's end was last pushed back (epoch seconds)
PUSH_EVERY_SECONDS = 60  # the session is written at most this often
WARN_SECONDS = 120  # the warning shows this long before the end

SIGNED_IN_COOKIE = "signed_in_lately"
SIGNED_IN_GRACE_SECONDS = 12 * 60 * 60  # a working day after the session's end


def idle_minutes() -> int:
    return max(1, round(settings.SESSION_COOKIE_AGE / 60))


def seconds_left(session: SessionBase, now: float | None = None) -> int:
    """How long until this session ends, as the page being drawn now should count it down.

    A request whose last push is a minute old pushes the end back as it finishes (SlidingSessionMiddleware), after
    the page is drawn: that page has the whole idle time. Otherwise the end is the last push plus the idle time.
    Anything else that wrote the session since only moves the real end later, so the warning is never late."""
    now = time.time() if now is None else now
    pushed = session.get(PUSHED_AT, 0)
    if now - pushed >= PUSH_EVERY_SECONDS:
        return settings.SESSION_COOKIE_AGE
    return max(0, int(pushed + settings.SESSION_COOKIE_AGE - now))


def push_due(session: SessionBase, now: float | None = None) -> bool:
    """Whether this request pushes the session's end back (SlidingSessionMiddleware): its last push is a minute old."""
    now = time.time() if now is None else now
    return now - session.get(PUSHED_AT, 0) >= PUSH_EVERY_SECONDS


def push(session: SessionBase, response: HttpResponse, now: float | None = None) -> None:
    """Move the session's end back to the full idle time from now (Django's SessionMiddleware writes the session and
    sends its cookie, as for any changed session), and the signed-in cookie with it."""
    session[PUSHED_AT] = int(time.time() if now is None else now)
    response.session_pushed = True  # type: ignore[attr-defined]  # SlidingSessionMiddleware asks the menu with it
    response.set_cookie(
        SIGNED_IN_COOKIE,
        "1",
        max_age=settings.SESSION_COOKIE_AGE + SIGNED_IN_GRACE_SECONDS,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def forget_signed_in(response: HttpResponse) -> None:
    response.delete_cookie(SIGNED_IN_COOKIE, samesite="Lax")


def timed_out(request: HttpRequest) -> bool:
    """Someone signed in on this browser lately, and the session has ended without their signing out."""
    return SESSION_KEY not in request.session and request.COOKIES.get(SIGNED_IN_COOKIE) == "1"


def timed_out_message(*, posted: bool) -> str:
    n = idle_minutes()
    if posted:
        return ngettext(
            "You were signed out after %(n)d minute without activity. Your answers on that page were not saved. "
            "Sign in to carry on.",
            "You were signed out after %(n)d minutes without activity. Your answers on that page were not saved. "
            "Sign in to carry on.",
            n,
        ) % {"n": n}
    return ngettext(
        "You were signed out after %(n)d minute without activity. Sign in to carry on.",
        "You were signed out after %(n)d minutes without activity. Sign in to carry on.",
        n,
    ) % {"n": n}


@require_POST
def stay_signed_in(request: HttpRequest) -> HttpResponse:
    """The warning's "Stay signed in": push the session's end back now, whatever the minute.

    Asked by the warning's script, it answers JSON (the seconds the session now has, or 401 if it has already
    ended). Sent as a plain form, it goes back to the page it came from."""
    wants_json = "application/json" in request.headers.get("Accept", "")
    if SESSION_KEY not in request.session:
        if wants_json:
            return JsonResponse({"signed_in": False}, status=401)
        return redirect_to_login(reverse("site:home"))
    if wants_json:
        response: HttpResponse = JsonResponse({"signed_in": True, "seconds_left": settings.SESSION_COOKIE_AGE})
    else:
        back = request.POST.get("next", "")
        safe = url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=request.is_secure())
        response = HttpResponseRedirect(back if back and safe else reverse("site:home"))
    push(request.session, response)
    return response
