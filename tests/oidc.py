"""A real OpenID Connect provider for the sign-in tests (tests/oidc_provider: panva's oidc-provider on Node, on
127.0.0.1), and the app pointed at it."""

from __future__ import annotations

import json
import os
import re
import secrets
import select
import shutil
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

OIDC_PROVIDER_DIR = Path(__file__).resolve().parent / "oidc_provider"
OIDC_DOMAIN = "example.nhs.uk"  # ALLOWED_EMAIL_DOMAINS while the organisation's sign-in is configured
# The people the provider knows, by the account name typed at its sign-in page (which is also their subject).
# priya's address is the practitioner's in the cast; impostor has the same address under another subject.
OIDC_ACCOUNTS = {
    "priya": {"claims": {"email": "priya@example.nhs.uk", "email_verified": True, "name": "Priya"}},
    "impostor": {"claims": {"email": "priya@example.nhs.uk", "email_verified": True, "name": "Not Priya"}},
    "ivy": {"claims": {"email": "ivy@example.nhs.uk", "email_verified": True, "name": "Ivy"}},
    "sam": {"claims": {"email": "sam@example.nhs.uk", "email_verified": True, "name": "Sam"}},
    "uma": {"claims": {"email": "uma@example.nhs.uk", "email_verified": False, "name": "Uma"}},
    "eli": {"claims": {"email": "eli@elsewhere.example", "email_verified": True, "name": "Eli"}},
    # Signs in only at a lower assurance level than the one a CIS2-like configuration asks for.
    "wes": {"claims": {"email": "wes@example.nhs.uk", "email_verified": True, "name": "Wes"}, "acr": "AAL1_USERPASS"},
    # Look-alike addresses, verified all the same (whoever holds an address can have it verified): a long s, dotless
    # i's and Kelvin signs, which Unicode case mapping turns into s, I and k. And one in capitals, which is the same.
    "sol-long-s": {"claims": {"email": "\u017fol@example.nhs.uk", "email_verified": True, "name": "Not Sol"}},
    "admin-dotless-i": {"claims": {"email": "adm\u0131n@example.nhs.uk", "email_verified": True, "name": "Not Admin"}},
    "ivy-dotless-i": {"claims": {"email": "\u0131vy@example.nhs.uk", "email_verified": True, "name": "Not Ivy"}},
    "kim-kelvin-sign": {"claims": {"email": "\u212aim@example.nhs.uk", "email_verified": True, "name": "Not Kim"}},
    "eve-kelvin-domain": {"claims": {"email": "eve@example.nhs.u\u212a", "email_verified": True, "name": "Eve"}},
    "sol-in-capitals": {"claims": {"email": "Sol@Example.NHS.uk", "email_verified": True, "name": "Sol"}},
}
OIDC_ACR_VALUES = ["AAL3_ANY", "AAL1_USERPASS"]
CALLBACK_PATH = "/sign-in/organisation/callback/"
JWKS_PATH = "/sign-in/organisation/jwks.json"


@dataclass
class ProviderProcess:
    issuer: str
    process: subprocess.Popen
    client_secret: str
    private_key_pem: str

    @contextmanager
    def not_answering(self) -> Iterator[None]:
        """The provider stops answering (its process is paused): connections open, and nothing comes back."""
        os.kill(self.process.pid, signal.SIGSTOP)
        try:
            yield
        finally:
            os.kill(self.process.pid, signal.SIGCONT)


def _oidc_client(client_id: str, sites: list[str], **auth) -> dict:
    return {
        "client_id": client_id,
        "redirect_uris": [site + CALLBACK_PATH for site in sites],
        "post_logout_redirect_uris": [site + "/accounts/login/" for site in sites],
        "grant_types": ["authorization_code"],
        "response_types": ["code"],
        **auth,
    }


@contextmanager
def provider_running(live_server_url: str, config_dir: Path) -> Iterator[ProviderProcess]:
    """The provider, started on a free port with three clients for the app: one with a client secret, and two with
    private_key_jwt whose public key the provider fetches from the live server. Stopped on leaving."""
    if shutil.which("node") is None or not (OIDC_PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        pytest.fail(
            "The test OpenID Connect provider is not installed (tests/oidc_provider/node_modules is missing, or "
            "node is). Run `make test`, which installs it (`make oidc-provider`: npm ci in tests/oidc_provider).",
            pytrace=False,
        )
    secret = secrets.token_urlsafe(32)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    sites = ["http://testserver", live_server_url]
    # Node looks localhost up as ::1 first, where the live server is not listening.
    jwks_uri = live_server_url.replace("//localhost:", "//127.0.0.1:") + JWKS_PATH
    config = {
        "clients": [
            _oidc_client(
                "checkin-secret", sites, client_secret=secret, token_endpoint_auth_method="client_secret_basic"
            ),
            _oidc_client("checkin-key", sites, token_endpoint_auth_method="private_key_jwt", jwks_uri=jwks_uri),
            # Registered as CIS2's connection manager registers a client: the assertion's algorithm pinned.
            _oidc_client(
                "checkin-key-rs512",
                sites,
                token_endpoint_auth_method="private_key_jwt",
                token_endpoint_auth_signing_alg="RS512",
                jwks_uri=jwks_uri,
            ),
        ],
        "accounts": OIDC_ACCOUNTS,
        "acr_values": OIDC_ACR_VALUES,
    }
    config_file = config_dir / "provider.json"
    config_file.write_text(json.dumps(config))
    process = subprocess.Popen(
        ["node", "provider.mjs", str(config_file)],
        cwd=OIDC_PROVIDER_DIR,
        stdout=subprocess.PIPE,
        stderr=None,
        text=True,
    )
    try:
        ready, _, _ = select.select([process.stdout], [], [], 30)
        line = process.stdout.readline() if ready else ""
        if not line.startswith("READY "):
            pytest.fail(f"The test OpenID Connect provider did not start (it said {line!r}).", pytrace=False)
        yield ProviderProcess(issuer=line.split()[1], process=process, client_secret=secret, private_key_pem=pem)
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


def configure_sign_in(settings, provider: ProviderProcess, *, site_url: str, by_key: bool = False) -> None:
    """The app set up for the test provider, as the environment variables in docs/deploy.md would set it up."""
    settings.OIDC_ISSUER = provider.issuer
    settings.OIDC_DISCOVERY_URL = provider.issuer + "/.well-known/openid-configuration"
    settings.OIDC_CLIENT_ID = "checkin-key" if by_key else "checkin-secret"
    settings.OIDC_CLIENT_AUTH = "private_key_jwt" if by_key else "client_secret_basic"
    settings.OIDC_CLIENT_SECRET = "" if by_key else provider.client_secret
    settings.OIDC_PRIVATE_KEY = provider.private_key_pem if by_key else ""
    settings.OIDC_CLIENT_ASSERTION_ALG = "RS256"
    settings.OIDC_SCOPES = ["openid", "email", "profile"]
    settings.OIDC_ACR_VALUES = []
    settings.OIDC_TIMEOUT_SECONDS = 2
    settings.ALLOWED_EMAIL_DOMAINS = [OIDC_DOMAIN]
    settings.SITE_URL = site_url
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {**directives, "form-action": ["'self'", provider.issuer]}}


def sign_in_at_provider(authorize_url: str, account: str) -> str:
    """What a person does at their organisation's sign-in page, without a browser: type their account and send.
    Returns the callback address the provider then sends the browser to, with its code and state."""
    with requests.Session() as browser:
        page = browser.get(authorize_url, timeout=10)
        action = re.search(r'<form method="post" action="([^"]+)"', page.text)
        assert action, page.text
        response = browser.post(
            urljoin(page.url, action[1]), data={"login": account}, allow_redirects=False, timeout=10
        )
        provider = "/".join(authorize_url.split("/")[:3])
        while response.is_redirect:
            location = urljoin(response.url, response.headers["Location"])
            if not location.startswith(provider):
                return location
            response = browser.get(location, allow_redirects=False, timeout=10)
        raise AssertionError(
            f"The provider did not send the browser back: {response.status_code} {response.text[:500]}"
        )
