"""The conversation with the organisation's OpenID Connect provider, through Authlib's Django client.

Authlib makes the authorisation address (state, nonce and PKCE verifier), exchanges the code, checks the ID token
(signature from the provider's keys, issuer, expiry, nonce) and signs the client assertion for private_key_jwt. This
module adds what the service needs on top: the ID token's audience and signing algorithm held to this deployment's
rules (OrganisationClient), a timeout on every call, the assurance level, a verified address in an allowed domain,
and one exception for every way a sign-in can fail, so the views show a page, never a 500.

A provider that hangs must not take the app with it (docs/adr/0007-calls-to-the-sign-in-provider-are-
capped.md):

- The discovery document and the provider's keys are fetched once per process (at start-up, from
  resilience_site/wsgi.py, or at first use) and kept; when they are older than OIDC_METADATA_REFRESH_SECONDS they are
  fetched again in the background while pages go on using the copy they have. Once warm, no page waits on discovery.
- At most OIDC_MAX_CONCURRENT_CALLS requests per process talk to the provider at once. One more is not queued: it
  gets the "busy" page at once (ProviderBusy, 503 with Retry-After), and its thread is free for other pages.
- The state of each sign-in is kept by the views (assessments/web/sign_in.py) in a signed cookie, not the session,
  and a callback whose state is not in it is refused before anything here is called.
"""

from __future__ import annotations

import functools
import json
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.django_client import DjangoIntegration, DjangoOAuth2App
from authlib.oauth2.rfc7523 import PrivateKeyJWT, private_key_jwt_sign
from authlib.oidc.core import CodeIDToken
from django.conf import settings
from django.utils.translation import gettext as _
from joserfc.errors import InvalidClaimError, JoseError, MissingClaimError
from joserfc.jwk import RSAKey

from assessments.leads.invites import email_allowed
from assessments.web.logs import printable

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


class ProviderBusy(ProviderUnavailable):
    """Every slot for calls to the provider is taken in this process: refused at once rather than queued."""

    retry_after = 60


class AddressRefused(SignInFailed):
    status = 403


@dataclass(frozen=True)
class VerifiedPerson:
    issuer: str
    subject: str
    email: str
    name: str


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


# --- how many requests may wait on the provider at once ----------------------------------------------------------

_holding = threading.local()  # how deep this thread is inside provider_call()
_last_busy_logged = [0.0]


@functools.cache
def _slots(size: int) -> threading.BoundedSemaphore:
    return threading.BoundedSemaphore(size)


def _busy() -> ProviderBusy:
    return ProviderBusy(_("Signing in with your organisation is busy just now. Please try again in a minute."))


@contextmanager
def provider_call() -> Iterator[None]:
    """Hold one of this process's OIDC_MAX_CONCURRENT_CALLS slots for calls to the provider, or raise ProviderBusy
    at once if none is free. A thread already holding one (a callback fetching cold metadata, say) uses it again."""
    depth = getattr(_holding, "depth", 0)
    if depth:
        _holding.depth = depth + 1
        try:
            yield
        finally:
            _holding.depth = depth
        return
    slots = _slots(settings.OIDC_MAX_CONCURRENT_CALLS)
    if not slots.acquire(blocking=False):
        now = time.monotonic()
        if now - _last_busy_logged[0] > 10:  # once in ten seconds is enough to see it happening
            _last_busy_logged[0] = now
            logger.warning(
                "Organisation sign-in: %d calls to the provider already under way in this process; refusing more",
                settings.OIDC_MAX_CONCURRENT_CALLS,
            )
        raise _busy()
    _holding.depth = 1
    try:
        yield
    finally:
        _holding.depth = 0
        slots.release()


class OrganisationClient(DjangoOAuth2App):
    """Authlib's Django client, holding the ID token to this deployment's rules rather than the provider's, and
    keeping the provider's discovery document and keys (fetched once, refreshed in the background)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._refresh_lock = threading.Lock()
        self._refreshing = False
        self._next_refresh = 0.0

    def load_server_metadata(self) -> dict:
        """The discovery document with the provider's keys in it. Fetched here only while this process has none (in
        a provider_call slot); an old copy is returned at once, and a fresh one fetched in the background."""
        if "_loaded_at" not in self.server_metadata:
            with provider_call():
                if "_loaded_at" not in self.server_metadata:
                    self._fetch_metadata()
        elif time.monotonic() >= self._next_refresh:
            self._refresh_in_background()
        return self.server_metadata

    def _fetch_metadata(self) -> None:
        """Fetch the discovery document and the keys it points to, and put them in place together."""
        with self._get_session() as session:
            response = session.request("GET", self._server_metadata_url, withhold_token=True)
            response.raise_for_status()
            metadata = response.json()
            if not isinstance(metadata, dict) or not metadata.get("jwks_uri"):
                raise ValueError("The discovery document names no jwks_uri.")
            keys = session.request("GET", metadata["jwks_uri"], withhold_token=True)
            keys.raise_for_status()
            metadata["jwks"] = keys.json()
        # Authlib verifies the ID token's signature with any algorithm the provider lists here, and a provider may
        # list "none". The deployment's list replaces it: OIDC_ALLOWED_ALGORITHMS, public-key algorithms only.
        metadata["id_token_signing_alg_values_supported"] = list(settings.OIDC_ALLOWED_ALGORITHMS)
        metadata["_loaded_at"] = time.time()
        self.server_metadata = metadata
        self._next_refresh = time.monotonic() + settings.OIDC_METADATA_REFRESH_SECONDS

    def _refresh_in_background(self) -> None:
        with self._refresh_lock:
            if self._refreshing:
                return
            self._refreshing = True
        threading.Thread(target=self._refresh, name="oidc-metadata-refresh", daemon=True).start()

    def _refresh(self) -> None:
        try:
            with provider_call():
                self._fetch_metadata()
        except ProviderBusy:
            pass  # every slot is in use: the next request tries again
        except Exception as exc:  # noqa: BLE001  (the old copy stays whatever went wrong)
            logger.warning(
                "Organisation sign-in: could not refresh the provider's discovery document and keys (%s); "
                "keeping the copy from %s",
                printable(type(exc).__name__),
                time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.server_metadata.get("_loaded_at", 0))),
            )
            self._next_refresh = time.monotonic() + min(60, settings.OIDC_METADATA_REFRESH_SECONDS)
        finally:
            with self._refresh_lock:
                self._refreshing = False

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


def warm() -> None:
    """Fetch the provider's discovery document and keys now, so the first sign-in need not. For a new process."""
    if not configured():
        return
    try:
        _client().load_server_metadata()
    except Exception as exc:  # noqa: BLE001  (the first sign-in tries again)
        logger.warning(
            "Organisation sign-in: could not fetch the provider's discovery document at start (%s)",
            printable(type(exc).__name__),
        )


@functools.lru_cache(maxsize=8)
def _client_for(
    discovery_url: str, client_id: str, auth: str, secret: str, private_key: str, alg: str, scope: str, timeout: int
) -> DjangoOAuth2App:
    credential: RSAKey | str
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


@dataclass(frozen=True)
class Started:
    """A sign-in on its way: where to send the browser, and what the callback needs to finish it (kept by the
    views, never in the session)."""

    url: str
    state: str
    nonce: str
    code_verifier: str


def start(*, redirect_uri: str) -> Started:
    """The address of the provider's sign-in page for a new sign-in, with its state, nonce and PKCE verifier. Once
    this process has the provider's discovery document, nothing here waits on the provider."""
    extra = {"acr_values": " ".join(settings.OIDC_ACR_VALUES)} if settings.OIDC_ACR_VALUES else {}
    try:
        made = _client().create_authorization_url(redirect_uri, **extra)
    except (requests.RequestException, ValueError):  # down, slow, or not a provider's discovery document
        raise _unavailable() from None
    return Started(url=made["url"], state=made["state"], nonce=made["nonce"], code_verifier=made["code_verifier"])


def refused_at_provider(error: str, description: str) -> SignInFailed:
    """The provider sent the person back with an error. Its words are anyone's (they are in the address): logged
    escaped, never shown."""
    logger.warning("Organisation sign-in refused by the provider: %s %s", printable(error, 100), printable(description))
    return _not_finished()


def not_started_here(state: str) -> SignInFailed:
    """A callback with a state this browser was not given: refused before anything asks the provider."""
    logger.warning("Organisation sign-in refused: no sign-in was started here with the state %s", printable(state, 60))
    return _not_finished()


def verified_person(*, code: str, redirect_uri: str, nonce: str, code_verifier: str) -> VerifiedPerson:
    """The person the provider vouches for, given the code from a callback whose state matched one this browser
    was given (with that sign-in's nonce and verifier), or SignInFailed.

    A refused or replayed code and a bad ID token all fail here, as does an address the provider has not confirmed
    or one outside ALLOWED_EMAIL_DOMAINS. The calls to the provider hold one provider_call slot between them.
    """
    client = _client()
    try:
        with provider_call():
            token = client.fetch_access_token(redirect_uri=redirect_uri, code=code, code_verifier=code_verifier)
            id_claims = client.parse_id_token(token, nonce=nonce) if "id_token" in token else None
            if not id_claims:
                raise _not_finished()
            claims = dict(id_claims)
            if token.get("access_token") and client.load_server_metadata().get("userinfo_endpoint"):
                userinfo = client.userinfo(token=token)
                if userinfo.get("sub") != id_claims["sub"]:
                    raise _not_finished()
                claims = {**userinfo, **id_claims}  # what the signed ID token says wins
    except (requests.RequestException, json.JSONDecodeError) as exc:
        logger.warning("Organisation sign-in: the provider did not answer (%s)", printable(type(exc).__name__))
        raise _unavailable() from None
    except (OAuthError, JoseError, ValueError, KeyError) as exc:
        # The provider's words (an OAuthError carries its error_description) and claims from the token: escaped.
        logger.warning("Organisation sign-in refused: %s %s", printable(type(exc).__name__), printable(exc))
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
    )


def end_session_url(*, post_logout_redirect_uri: str) -> str | None:
    """Where to send the browser so the provider ends its session too, or None if it offers no way (or is down or
    busy). It names this app by its client id, not by an ID token: the session keeps none, and the
    provider asks the person to confirm, as it does anyway."""
    try:
        metadata = _client().load_server_metadata()
    except (requests.RequestException, ValueError, SignInFailed):
        return None
    if not metadata.get("end_session_endpoint"):
        return None
    return _client().create_logout_url(
        post_logout_redirect_uri=post_logout_redirect_uri, client_id=settings.OIDC_CLIENT_ID
    )["url"]
