"""Signing in and out: the local form (while LOCAL_PASSWORDS is on), the organisation's account (OpenID Connect),
and the public key the provider checks our client assertions with.

An organisation sign-in keeps what its callback needs (state, nonce, PKCE verifier, where to go next) in a signed
cookie that lasts the state's hour, never in the session: starting a sign-in writes nothing on the server, however
often anyone starts one. A callback whose state is not in that cookie is refused before the provider is asked
anything. Both the start and the callback are throttled per client address (OIDC_SIGN_IN_LIMIT_PER_MINUTE).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import login, logout
from django.contrib.auth.views import LoginView, redirect_to_login
from django.core import signing
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments.web import oidc
from assessments.web.forms import SignInForm
from assessments.web.identities import IdentityRefused, NoAccount, identity_sign_in

# The session of a person who signed in with their organisation says so (the issuer), so that signing out sends them
# on to the provider too. It keeps no ID token: that is personal data and a credential, and sign-out needs neither.
ORGANISATION_KEY = "organisation_sign_in_issuer"
# Sessions begun when the ID token was kept hold it under this key; they are gone within SESSION_IDLE_MINUTES.
OLD_ID_TOKEN_KEY = "organisation_sign_in_id_token"
BACKEND = "assessments.web.backends.OrganisationSignInBackend"

# The sign-ins this browser has on the way, newest first: a few, for a person with two tabs; each lasts an hour.
STATE_COOKIE = "organisation_sign_in"
STATE_SALT = "assessments.web.sign_in.state"
STATE_SECONDS = 60 * 60
STATES_KEPT = 3
NEXT_MAX_LENGTH = 500  # a longer `next` is dropped rather than risk a cookie the browser will not keep


def _safe_next(request: HttpRequest, url: str) -> str:
    host, https = {request.get_host()}, request.is_secure()
    return url if url and url_has_allowed_host_and_scheme(url, allowed_hosts=host, require_https=https) else ""


def local_passwords_only(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """The password pages: not found once LOCAL_PASSWORDS is off."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        if not settings.LOCAL_PASSWORDS:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def admin_sign_in(request: HttpRequest) -> HttpResponse:
    """The admin's own sign-in form, while local passwords are on; otherwise the organisation's, on our page."""
    if settings.LOCAL_PASSWORDS:
        return admin.site.login(request)
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"))


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponseBase:
    """The sign-in page: the local form while LOCAL_PASSWORDS is on, and the organisation's button when configured."""
    context: dict[str, object] = {
        "organisation_sign_in": oidc.configured(),
        "local_passwords": settings.LOCAL_PASSWORDS,
    }
    if settings.LOCAL_PASSWORDS:
        return LoginView.as_view(authentication_form=SignInForm, extra_context=context)(request)
    context["next"] = _safe_next(request, request.GET.get("next", ""))
    return render(request, "registration/login.html", context, status=403 if request.method == "POST" else 200)


def _callback_address() -> str:
    return settings.SITE_URL + reverse("site:organisation_sign_in_callback")


def _states(request: HttpRequest) -> list[dict]:
    """The sign-ins on the way in this browser's cookie, newest first, less any whose hour is up. A cookie that is
    not ours (forged, or signed with another SECRET_KEY) counts as none."""
    try:
        states = signing.loads(request.COOKIES.get(STATE_COOKIE, ""), salt=STATE_SALT, max_age=STATE_SECONDS)
    except signing.BadSignature:
        return []
    now = time.time()
    return [s for s in states if isinstance(s, dict) and s.get("at", 0) + STATE_SECONDS > now][:STATES_KEPT]


def _keep_states(request: HttpRequest, response: HttpResponse, states: list[dict]) -> HttpResponse:
    """The response, with the cookie now holding `states` (or gone, when there are none left)."""
    if not states:
        if STATE_COOKIE in request.COOKIES:
            response.delete_cookie(STATE_COOKIE, path=reverse("site:organisation_sign_in"), samesite="Lax")
        return response
    response.set_cookie(
        STATE_COOKIE,
        signing.dumps(states, salt=STATE_SALT, compress=True),
        max_age=STATE_SECONDS,
        path=reverse("site:organisation_sign_in"),  # the start and the callback, nothing else
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",  # sent on the provider's redirect back, a top-level GET
    )
    return response


def _throttled(kind: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """At most OIDC_SIGN_IN_LIMIT_PER_MINUTE requests of this kind per client address per clock minute, counted in
    this process's cache (so per app process, not across them); the rest get a 429 page at once."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not oidc.configured():
                raise Http404
            now = time.time()
            key = f"sign-in-{kind}:{get_client_ip_address(request) or 'unknown'}:{int(now // 60)}"
            cache.add(key, 0, timeout=120)
            try:
                count = cache.incr(key)
            except ValueError:  # the count was dropped between the two calls
                count = 1
            if count > settings.OIDC_SIGN_IN_LIMIT_PER_MINUTE:
                reason = _(
                    "You have tried to sign in with your organisation many times in the last minute. "
                    "Please wait a minute and try again."
                )
                response = _refused(request, reason, 429)
                response["Retry-After"] = str(60 - int(now % 60))
                return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


@require_GET
@_throttled("start")
def organisation_sign_in(request: HttpRequest) -> HttpResponse:
    try:
        started = oidc.start(redirect_uri=_callback_address())
    except oidc.SignInFailed as exc:
        return _refused(request, exc.message, exc.status, getattr(exc, "retry_after", None))
    next_url = _safe_next(request, request.GET.get("next", ""))
    state = {
        "state": started.state,
        "nonce": started.nonce,
        "verifier": started.code_verifier,
        "next": next_url if len(next_url) <= NEXT_MAX_LENGTH else "",
        "at": int(time.time()),
    }
    return _keep_states(request, HttpResponseRedirect(started.url), [state, *_states(request)][:STATES_KEPT])


@require_GET
@_throttled("callback")
def organisation_sign_in_callback(request: HttpRequest) -> HttpResponse:
    states = _states(request)
    given = request.GET.get("state", "")
    mine = next((s for s in states if given and s.get("state") == given), None)
    others = [s for s in states if s is not mine]  # this state is used up, whatever happens next
    if request.GET.get("error"):
        failed = oidc.refused_at_provider(request.GET["error"], request.GET.get("error_description", ""))
        return _keep_states(request, _refused(request, failed.message, failed.status), others)
    if mine is None:
        failed = oidc.not_started_here(given)
        return _keep_states(request, _refused(request, failed.message, failed.status), others)
    try:
        person = oidc.verified_person(
            code=request.GET.get("code", ""),
            redirect_uri=_callback_address(),
            nonce=mine["nonce"],
            code_verifier=mine["verifier"],
        )
    except oidc.SignInFailed as exc:
        return _keep_states(
            request, _refused(request, exc.message, exc.status, getattr(exc, "retry_after", None)), others
        )
    try:
        user, joined = identity_sign_in(
            issuer=person.issuer, subject=person.subject, email=person.email, name=person.name
        )
    except NoAccount:
        context = {"email": person.email}
        page = render(request, "registration/organisation_sign_in_no_account.html", context, status=403)
        return _keep_states(request, page, others)
    except IdentityRefused as exc:
        return _keep_states(request, _refused(request, str(exc), 403), others)
    login(request, user, backend=BACKEND)
    request.session[ORGANISATION_KEY] = person.issuer
    for membership in joined:
        messages.success(request, _("Welcome. You have joined %(team)s.") % {"team": membership.team.name})
    return _keep_states(request, redirect(mine.get("next") or settings.LOGIN_REDIRECT_URL), others)


def _refused(request: HttpRequest, reason: str, status: int, retry_after: int | None = None) -> HttpResponse:
    response = render(request, "registration/organisation_sign_in_refused.html", {"reason": reason}, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """End the session here and, after an organisation sign-in, the provider's too (RP-initiated logout)."""
    with_organisation = request.session.get(ORGANISATION_KEY) or request.session.get(OLD_ID_TOKEN_KEY)
    was_signed_in = request.user.is_authenticated
    logout(request)
    if was_signed_in:  # kept in the message cookie, which outlives the session, through the provider and back
        messages.success(request, _("You have signed out."))
    if with_organisation and oidc.configured():
        back = settings.SITE_URL + resolve_url(settings.LOGOUT_REDIRECT_URL)
        url = oidc.end_session_url(post_logout_redirect_uri=back)
        if url:
            return HttpResponseRedirect(url)
    return redirect(settings.LOGOUT_REDIRECT_URL)


@require_GET
def organisation_jwks(request: HttpRequest) -> HttpResponse:
    """The app's public key (private_key_jwt): the provider fetches it to check our client assertions."""
    if not oidc.configured() or settings.OIDC_CLIENT_AUTH != "private_key_jwt":
        raise Http404
    return JsonResponse(oidc.public_jwks(), headers={"Cache-Control": "public, max-age=300"})
