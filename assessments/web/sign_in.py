"""Signing in and out: the local form (while LOCAL_PASSWORDS is on), the organisation's account (OpenID Connect),
and the public key the provider checks our client assertions with."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import login, logout
from django.contrib.auth.views import LoginView, redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments.web import oidc
from assessments.web.forms import SignInForm
from assessments.web.identities import IdentityRefused, NoAccount, identity_sign_in

NEXT_KEY = "organisation_sign_in_next"
ID_TOKEN_KEY = "organisation_sign_in_id_token"
BACKEND = "assessments.web.backends.OrganisationSignInBackend"


def _safe_next(request: HttpRequest, url: str) -> str:
    host, https = {request.get_host()}, request.is_secure()
    return url if url and url_has_allowed_host_and_scheme(url, allowed_hosts=host, require_https=https) else ""


def local_passwords_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The password pages: not found once LOCAL_PASSWORDS is off."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
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
def sign_in(request: HttpRequest) -> HttpResponse:
    """The sign-in page: the local form while LOCAL_PASSWORDS is on, and the organisation's button when configured."""
    context = {"organisation_sign_in": oidc.configured(), "local_passwords": settings.LOCAL_PASSWORDS}
    if settings.LOCAL_PASSWORDS:
        return LoginView.as_view(authentication_form=SignInForm, extra_context=context)(request)
    context["next"] = _safe_next(request, request.GET.get("next", ""))
    return render(request, "registration/login.html", context, status=403 if request.method == "POST" else 200)


@require_GET
def organisation_sign_in(request: HttpRequest) -> HttpResponse:
    if not oidc.configured():
        raise Http404
    request.session[NEXT_KEY] = _safe_next(request, request.GET.get("next", ""))
    callback = settings.SITE_URL + reverse("site:organisation_sign_in_callback")
    try:
        return oidc.authorize_redirect(request, redirect_uri=callback)
    except oidc.SignInFailed as exc:
        return _refused(request, exc.message, exc.status)


@require_GET
def organisation_sign_in_callback(request: HttpRequest) -> HttpResponse:
    if not oidc.configured():
        raise Http404
    try:
        person = oidc.verified_person(request)
    except oidc.SignInFailed as exc:
        return _refused(request, exc.message, exc.status)
    try:
        user, joined = identity_sign_in(
            issuer=person.issuer, subject=person.subject, email=person.email, name=person.name
        )
    except NoAccount:
        context = {"email": person.email}
        return render(request, "registration/organisation_sign_in_no_account.html", context, status=403)
    except IdentityRefused as exc:
        return _refused(request, str(exc), 403)
    next_url = request.session.pop(NEXT_KEY, "")
    login(request, user, backend=BACKEND)
    request.session[ID_TOKEN_KEY] = person.id_token  # the hint the provider wants when we ask it to sign out too
    for membership in joined:
        messages.success(request, _("Welcome. You have joined %(team)s.") % {"team": membership.team.name})
    return redirect(next_url or settings.LOGIN_REDIRECT_URL)


def _refused(request: HttpRequest, reason: str, status: int) -> HttpResponse:
    return render(request, "registration/organisation_sign_in_refused.html", {"reason": reason}, status=status)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """End the session here and, after an organisation sign-in, the provider's too (RP-initiated logout)."""
    id_token = request.session.get(ID_TOKEN_KEY)
    logout(request)
    if id_token and oidc.configured():
        back = settings.SITE_URL + resolve_url(settings.LOGOUT_REDIRECT_URL)
        url = oidc.end_session_url(id_token=id_token, post_logout_redirect_uri=back)
        if url:
            return HttpResponseRedirect(url)
    return redirect(settings.LOGOUT_REDIRECT_URL)


@require_GET
def organisation_jwks(request: HttpRequest) -> HttpResponse:
    """The app's public key (private_key_jwt): the provider fetches it to check our client assertions."""
    if not oidc.configured() or settings.OIDC_CLIENT_AUTH != "private_key_jwt":
        raise Http404
    return JsonResponse(oidc.public_jwks(), headers={"Cache-Control": "public, max-age=300"})
