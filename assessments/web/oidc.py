"""The conversation with the organisation's OpenID Connect provider, through Authlib's Django client.

Authlib reads the provider's discovery document, keeps the state, nonce and PKCE verifier of each sign-in in the
session, checks the ID token (signature from the provider's keys, issuer, expiry, nonce) and signs the client
assertion for private_key_jwt. This module adds what the service needs on top: the ID token's audience and signing
algorithm held to this deployment's rules (OrganisationClient), a timeout on every call, the assurance level, a
verified address in an allowed domain, and one exception for every way a sign-in can fail, so the views show a page,
never a 500.
"""

from __future__ import annotations

import functools
import json
import logging
from dataclasses import dataclass

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.django_client import DjangoIntegration, DjangoOAuth2App
from authlib.oauth2.rfc7523 import PrivateKeyJWT, private_key_jwt_sign
from authlib.oidc.core import CodeIDToken
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from joserfc.errors import InvalidClaimError, JoseError, MissingClaimError
from joserfc.jwk import RSAKey

from assessments.leads.invites import email_allowed

NAME = "organisation"
logger = logging.getLogger(__name__)


class SignInFailed(Exception):
    """The sign-in cannot finish. The message is safe to show; `status` is the page's HTTP status."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ProviderUnavailable(SignInFailed):
    status = 503


class AddressRefused(SignInFailed):
    status = 403


@dataclass(frozen=True)
class VerifiedPerson:
    issuer: str
    subject: str
    email: str
    name: str
    id_token: str


def configured() -> bool:
    return bool(settings.OIDC_ISSUER)


def _private_key() -> RSAKey:
    return _key_from_pem(settings.OIDC_PRIVATE_KEY)


@functools.cache
def _key_from_pem(pem: str) -> RSAKey:
    key = RSAKey.import_key(pem)
    key.ensure_kid()  # the key's thumbprint (RFC 7638), so the provider can pick it out of our set
    return key


def public_jwks() -> dict:
    """The public half of the app's signing key, for the provider to check our client assertions. It names no
    algorithm, so changing OIDC_CLIENT_ASSERTION_ALG does not wait for the provider's copy of this set to expire."""
    return {"keys": [{**_private_key().as_dict(private=False), "use": "sig"}]}


class ShortLivedPrivateKeyJWT(PrivateKeyJWT):
    """private_key_jwt with an assertion that expires after a minute (Authlib's last an hour; CIS2 refuses those)."""

    def sign(self, auth, token_endpoint):
        return private_key_jwt_sign(
            auth.client_secret,
            client_id=auth.client_id,
            token_endpoint=token_endpoint,
            claims=self.claims,
            header=self.headers,
            alg=self.alg,
            expires_in=60,
        )


class OrganisationIDToken(CodeIDToken):
    """Authlib's checks of an ID token from the code flow, with the audience checked as OpenID Connect asks.

    Authlib checks `aud` only when told which values to expect, and wants `azp` only to be us: so a token the
    provider issued to another client, naming us as `azp`, passed. OpenID Connect Core 3.1.3.7: `aud` must contain
    our client id, and a token with more than one audience must name us as `azp`.
    """

    def validate_azp(self) -> None:
        """The audience and the authorised party together, in place of Authlib's check of `azp` alone."""
        client_id = self.params["client_id"]
        audience = self.get("aud")
        audiences = [audience] if isinstance(audience, str) else audience
        if not isinstance(audiences, list) or client_id not in audiences:
            raise InvalidClaimError("aud")
        azp = self.get("azp")
        if len(audiences) > 1 and azp is None:
            raise MissingClaimError("azp")
        if azp is not None and azp != client_id:
            raise InvalidClaimError("azp")


class OrganisationClient(DjangoOAuth2App):
    """Authlib's Django client, holding the ID token to this deployment's rules rather than the provider's."""

    def load_server_metadata(self) -> dict:
        metadata = super().load_server_metadata()
        # Authlib verifies the ID token's signature with any algorithm the provider lists here, and a provider may
        # list "none". The deployment's list replaces it: OIDC_ALLOWED_ALGORITHMS, public-key algorithms only.
        metadata["id_token_signing_alg_values_supported"] = list(settings.OIDC_ALLOWED_ALGORITHMS)
        return metadata

    def parse_id_token(self, token, nonce, claims_options=None, claims_cls=None, leeway=120):
        return super().parse_id_token(token, nonce, claims_options, claims_cls or OrganisationIDToken, leeway)


def _client() -> DjangoOAuth2App:
    """One Authlib client per configuration (tests change it), keeping the provider's metadata and keys."""
    return _client_for(
        settings.OIDC_DISCOVERY_URL,
        settings.OIDC_CLIENT_ID,
        settings.OIDC_CLIENT_AUTH,
        settings.OIDC_CLIENT_SECRET,
        settings.OIDC_PRIVATE_KEY,
        settings.OIDC_CLIENT_ASSERTION_ALG,
        " ".join(settings.OIDC_SCOPES),
        settings.OIDC_TIMEOUT_SECONDS,
    )


@functools.lru_cache(maxsize=8)
def _client_for(
    discovery_url: str, client_id: str, auth: str, secret: str, private_key: str, alg: str, scope: str, timeout: int
) -> DjangoOAuth2App:
    if auth == "private_key_jwt":
        key = _key_from_pem(private_key)
        credential, methods = key, [ShortLivedPrivateKeyJWT(headers={"kid": key.kid}, alg=alg)]
    else:
        credential, methods = secret, None
    return OrganisationClient(
        DjangoIntegration(NAME),
        name=NAME,
        client_id=client_id,
        client_secret=credential,
        server_metadata_url=discovery_url,
        client_auth_methods=methods,
        client_kwargs={
            "scope": scope,
            "code_challenge_method": "S256",
            "token_endpoint_auth_method": auth,
            "default_timeout": timeout,
        },
    )


def _unavailable() -> ProviderUnavailable:
    return ProviderUnavailable(
        _("Your organisation's sign-in is not answering just now. Please try again in a few minutes.")
    )


def _not_finished() -> SignInFailed:
    return SignInFailed(
        _(
            "We could not finish signing you in. This can happen if you used the back button, opened the sign-in "
            "page twice or waited too long. Please try again."
        )
    )


def authorize_redirect(request: HttpRequest, *, redirect_uri: str) -> HttpResponse:
    """Send the browser to the provider, remembering this sign-in's state, nonce and PKCE verifier."""
    extra = {"acr_values": " ".join(settings.OIDC_ACR_VALUES)} if settings.OIDC_ACR_VALUES else {}
    try:
        return _client().authorize_redirect(request, redirect_uri, **extra)
    except (requests.RequestException, ValueError):  # down, slow, or not a provider's discovery document
        raise _unavailable() from None


def verified_person(request: HttpRequest) -> VerifiedPerson:
    """The person the provider vouches for in this callback, or SignInFailed.

    A tampered or replayed state, a refused or replayed code and a bad ID token all fail here, as does an address
    the provider has not confirmed or one outside ALLOWED_EMAIL_DOMAINS.
    """
    client = _client()
    try:
        token = client.authorize_access_token(request)
        id_claims = token.get("userinfo")
        if not id_claims:
            raise _not_finished()
        claims = dict(id_claims)
        if token.get("access_token") and client.load_server_metadata().get("userinfo_endpoint"):
            userinfo = client.userinfo(token=token)
            if userinfo.get("sub") != id_claims["sub"]:
                raise _not_finished()
            claims = {**userinfo, **id_claims}  # what the signed ID token says wins
    except (requests.RequestException, json.JSONDecodeError) as exc:
        logger.warning("Organisation sign-in: the provider did not answer (%s)", type(exc).__name__)
        raise _unavailable() from None
    except (OAuthError, JoseError, ValueError, KeyError) as exc:
        logger.warning("Organisation sign-in refused: %s %s", type(exc).__name__, exc)
        raise _not_finished() from None
    if settings.OIDC_ACR_VALUES and claims.get("acr") not in settings.OIDC_ACR_VALUES:
        raise AddressRefused(
            _(
                "Your organisation's sign-in did not confirm who you are strongly enough for this service. Please "
                "sign in again the way your organisation asks for its clinical systems (with your smartcard, say)."
            )
        )
    email = str(claims.get("email") or "").strip()
    if not email or "@" not in email or claims.get(settings.OIDC_EMAIL_VERIFIED_CLAIM) not in (True, "true"):
        raise AddressRefused(
            _(
                "Your organisation's account does not confirm your email address, so we cannot sign you in with it. "
                "Please ask your IT service desk to confirm the address on your account."
            )
        )
    if not email_allowed(email):
        raise AddressRefused(
            _(
                "You signed in with %(email)s. This service accepts only work addresses ending in %(domains)s: "
                "please sign out of that account and sign in with your work account."
            )
            % {"email": email, "domains": ", ".join(f"@{d}" for d in settings.ALLOWED_EMAIL_DOMAINS)}
        )
    return VerifiedPerson(
        issuer=str(id_claims["iss"]),
        subject=str(id_claims["sub"]),
        email=email,
        name=str(claims.get("given_name") or claims.get("name") or ""),
        id_token=token["id_token"],
    )


def end_session_url(*, id_token: str, post_logout_redirect_uri: str) -> str | None:
    """Where to send the browser so the provider ends its session too, or None if it offers no way (or is down)."""
    try:
        metadata = _client().load_server_metadata()
    except (requests.RequestException, ValueError):
        return None
    if not metadata.get("end_session_endpoint"):
        return None
    return _client().create_logout_url(
        post_logout_redirect_uri=post_logout_redirect_uri, id_token_hint=id_token, client_id=settings.OIDC_CLIENT_ID
    )["url"]
