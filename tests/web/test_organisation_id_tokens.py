"""ID tokens a good provider never sends: for another client, unsigned, or signed with an algorithm we do not allow.

The real test provider (tests/oidc_provider) issues only good tokens, so these come from a provider this module
controls: a small HTTP server on 127.0.0.1 with a discovery document, a key set and a token endpoint that answers
with whatever ID token the test made. Everything on the app's side is real: the sign-in views, Authlib fetching the
discovery document and keys and exchanging the code, and the checks of the token.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from joserfc import jwt
from joserfc.jwk import RSAKey

from tests.oidc import configure_sign_in

HOME = reverse("site:home")
START = reverse("site:organisation_sign_in")
CALLBACK = reverse("site:organisation_sign_in_callback")
CLIENT_ID = "checkin-secret"  # what configure_sign_in sets
OTHER_CLIENT = "someone-elses-app"


@pytest.fixture(scope="module")
def signing_key() -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": "controlled", "use": "sig"})


@dataclass
class ControlledProvider:
    """What the app reads at the provider's addresses; a test changes `algorithms` and `id_token` as it needs."""

    issuer: str
    key: RSAKey
    algorithms: list[str] = field(default_factory=lambda: ["RS256"])
    id_token: str = ""
    token_error: dict | None = None  # the token endpoint's answer instead of a token, when set
    client_secret: str = "a-secret"  # for configure_sign_in: this provider takes any
    private_key_pem: str = ""

    def answer(self, path: str) -> dict:
        if path == "/.well-known/openid-configuration":
            return {
                "issuer": self.issuer,
                "authorization_endpoint": self.issuer + "/authorize",
                "token_endpoint": self.issuer + "/token",
                "jwks_uri": self.issuer + "/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": self.algorithms,
            }
        if path == "/jwks":
            return {"keys": [self.key.as_dict(private=False)]}
        if path == "/token" and self.token_error is not None:
            return self.token_error
        if path == "/token":
            return {
                "access_token": "an-access-token",
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": self.id_token,
            }
        raise LookupError(path)


class Handler(BaseHTTPRequestHandler):
    """Answers from the ControlledProvider the server holds."""

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))  # the code exchange: any code will do
        self._answer()

    def _answer(self) -> None:
        try:
            body, status = json.dumps(self.server.controlled.answer(urlsplit(self.path).path)).encode(), 200
        except LookupError:
            body, status = b"{}", 404
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def provider(settings, signing_key) -> Iterator[ControlledProvider]:
    """A fresh provider at a new address for each test, so the app's client reads its discovery document afresh."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    controlled = server.controlled = ControlledProvider(f"http://127.0.0.1:{server.server_address[1]}", signing_key)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    configure_sign_in(settings, controlled, site_url="http://testserver")
    try:
        yield controlled
    finally:
        server.shutdown()
        server.server_close()


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def sign_in_with_token(client, provider: ControlledProvider, *, alg: str = "RS256", **changes):
    """Start a sign-in, have the provider answer the code exchange with an ID token for priya made now (with the
    nonce the app sent, so only what `changes` changes is wrong; a change to None leaves the claim out), and come
    back to the callback as the browser would."""
    query = parse_qs(urlsplit(client.get(START)["Location"]).query)
    now = int(time.time())
    claims = {
        "iss": provider.issuer,
        "sub": "priya",
        "aud": CLIENT_ID,
        "exp": now + 300,
        "iat": now,
        "nonce": query["nonce"][0],
        "email": "priya@example.nhs.uk",
        "email_verified": True,
        "name": "Priya",
        **changes,
    }
    claims = {name: value for name, value in claims.items() if value is not None}
    if alg == "none":
        provider.id_token = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."
    else:
        provider.id_token = jwt.encode({"alg": alg, "kid": provider.key.kid}, claims, provider.key, algorithms=[alg])
    return client.get(f"{CALLBACK}?code=any-code&state={query['state'][0]}")


def assert_refused(client, response) -> None:
    assert response.status_code == 400
    assert "We could not finish signing you in" in response.content.decode()
    assert client.get(HOME).status_code != 200  # nobody is signed in


@pytest.mark.parametrize(
    "audience",
    [
        {"aud": CLIENT_ID},
        {"aud": [CLIENT_ID]},
        {"aud": [CLIENT_ID, OTHER_CLIENT], "azp": CLIENT_ID},
    ],
    ids=["one audience", "a list of one", "several audiences, us as authorised party"],
)
def test_a_good_token_from_the_controlled_provider_signs_in(client, practitioner, provider, audience):
    """The controlled provider works: each refusal below is the token's fault, not the provider's."""
    response = sign_in_with_token(client, provider, **audience)
    assert response.status_code == 302 and response["Location"] == HOME
    assert client.get(HOME).wsgi_request.user == practitioner


def test_a_token_for_another_client_is_refused_even_when_it_names_us_as_authorised_party(
    client, practitioner, provider
):
    assert_refused(client, sign_in_with_token(client, provider, aud=OTHER_CLIENT, azp=CLIENT_ID))


@pytest.mark.parametrize("azp", [None, OTHER_CLIENT], ids=["no authorised party", "another authorised party"])
def test_a_token_for_several_audiences_is_refused_unless_it_names_us_as_authorised_party(
    client, practitioner, provider, azp
):
    assert_refused(client, sign_in_with_token(client, provider, aud=[CLIENT_ID, OTHER_CLIENT], azp=azp))


def test_an_unsigned_token_is_refused_even_when_the_provider_lists_none(client, practitioner, provider):
    provider.algorithms = ["RS256", "none"]
    assert_refused(client, sign_in_with_token(client, provider, alg="none"))


def test_a_token_signed_with_an_algorithm_the_deployment_does_not_allow_is_refused(
    client, practitioner, provider, settings
):
    """The provider lists RS256 and signs with it; this deployment allows ES256 only."""
    settings.OIDC_ALLOWED_ALGORITHMS = ["ES256"]
    assert_refused(client, sign_in_with_token(client, provider, alg="RS256"))


def test_a_refusal_from_the_token_endpoint_is_logged_with_its_words_escaped(client, practitioner, provider, caplog):
    """The provider's own words about a refused code: one line in the log, whatever they hold."""
    provider.token_error = {"error": "invalid_grant", "error_description": "no\n2026-12-06 ERROR forged\x1b[0m"}
    with caplog.at_level(logging.WARNING, logger="assessments.web.oidc"):
        assert_refused(client, sign_in_with_token(client, provider))
    [line] = [r.getMessage() for r in caplog.records if r.name == "assessments.web.oidc"]
    assert "invalid_grant" in line and "no\\n2026-12-06 ERROR forged\\x1b[0m" in line
    assert "\n" not in line and "\x1b" not in line
