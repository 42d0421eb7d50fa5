"""Signing in with the organisation's account in Chromium, through the real OpenID Connect provider on 127.0.0.1
(tests/oidc_provider), by client secret and by private_key_jwt: the round trip, signing out at both ends, and each
refusal a person can meet, every page audited with axe at 390 and 1280 px.

The provider's redirects to the app's callback happen inside the browser. To hold a code back (a tampered state, a
replayed code, a provider that stops answering), the browser's own request context does the person's part at the
provider without following the last redirect, so the callback address can be changed or sent later.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from playwright.sync_api import Page, expect

from assessments.models import OrganisationIdentity
from tests.browser.conftest import WIDTHS, axe_violations, full_page_png
from tests.oidc import configure_sign_in

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "organisation-sign-in"


def audit(page: Page, name: str) -> None:
    """axe (WCAG 2.2 AA tags) at a phone's width and a desktop's, with a screenshot of each."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for size in WIDTHS:
        page.set_viewport_size(size)
        full_page_png(page, SHOTS / f"{name}-{size['width']}.png")
        problems = axe_violations(page)
        assert not problems, f"{name} at {size['width']} px: {problems}"


@pytest.fixture(params=["client_secret_basic", "private_key_jwt"])
def client_auth(request, settings, live_server, oidc_provider) -> str:
    configure_sign_in(settings, oidc_provider, site_url=live_server.url, by_key=request.param == "private_key_jwt")
    return request.param


@pytest.fixture
def by_secret(settings, live_server, oidc_provider):
    configure_sign_in(settings, oidc_provider, site_url=live_server.url)
    return oidc_provider


def start_at_the_provider(page: Page, live_server) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("button", name="Sign in with your organisation").click()
    expect(page.get_by_role("heading", name="Sign in to the test provider")).to_be_visible()


def sign_in_through_the_provider(page: Page, live_server, account: str) -> float:
    """The person's whole round trip; returns the seconds from pressing the button to the app's next page."""
    page.goto(f"{live_server.url}/accounts/login/")
    started = time.perf_counter()
    page.get_by_role("button", name="Sign in with your organisation").click()
    page.get_by_label("Test account").fill(account)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/**")
    page.wait_for_load_state()
    return time.perf_counter() - started


def held_callback(page: Page, live_server, account: str) -> str:
    """Sign in at the provider in this browser, but stop before the provider's last redirect: the callback address
    (with its code and state) the browser would have gone to."""
    start_at_the_provider(page, live_server)
    action = page.locator("form").get_attribute("action")
    response = page.context.request.post(
        urlsplit(page.url)._replace(path=action, query="").geturl(), form={"login": account}, max_redirects=0
    )
    while not response.headers["location"].startswith(live_server.url):
        location = response.headers["location"]
        if location.startswith("/"):
            location = "/".join(page.url.split("/")[:3]) + location
        response = page.context.request.get(location, max_redirects=0)
    return response.headers["location"]


def test_the_sign_in_page_with_the_organisations_button_passes_axe(page: Page, live_server, by_secret):
    """The same page whichever way the app proves itself to the provider, so it is audited once."""
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("button", name="Sign in with your organisation")).to_be_visible()
    audit(page, "sign-in-page-with-organisation-button")


def test_a_practitioner_signs_in_with_their_organisation_and_out_again_at_both_ends(
    page: Page, live_server, practitioner, client_auth
):
    round_trips = []
    for _ in range(5):  # the first also loads the provider's discovery document and keys
        round_trips.append(sign_in_through_the_provider(page, live_server, "priya"))
        expect(page.get_by_role("heading", name="Hello, Priya")).to_be_visible()
        page.get_by_role("button", name="Sign out").click()
        expect(page.get_by_role("heading", name="Sign out of the test provider?")).to_be_visible()
        page.get_by_role("button", name="Yes, sign me out").click()
        page.wait_for_url(f"{live_server.url}/accounts/login/**")
        expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
    assert OrganisationIdentity.objects.get().user == practitioner
    # Signed out at the provider too: it asks who you are again, rather than signing you straight back in.
    start_at_the_provider(page, live_server)
    assert max(round_trips) < 10, round_trips
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / f"round-trip-{client_auth}.txt").write_text(
        f"median {statistics.median(round_trips):.2f} s, slowest {max(round_trips):.2f} s, "
        f"{len(round_trips)} sign-ins: {', '.join(f'{t:.2f}' for t in round_trips)}\n"
    )


@pytest.mark.parametrize(
    "account, heading, text",
    [
        ("eli", "We could not sign you in", "eli@elsewhere.example"),
        ("uma", "We could not sign you in", "does not confirm your email address"),
        ("sam", "You do not have access yet", "ask your team lead to invite you"),
    ],
    ids=["refused-domain", "unverified-address", "no-membership"],
)
def test_a_person_the_service_cannot_accept_sees_a_plain_page_and_is_not_signed_in(
    page: Page, live_server, by_secret, account, heading, text
):
    sign_in_through_the_provider(page, live_server, account)
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.get_by_text(text)).to_be_visible()
    audit(page, f"refused-{account}")
    page.goto(f"{live_server.url}/")
    page.wait_for_url(f"{live_server.url}/accounts/login/**")
    assert not OrganisationIdentity.objects.exists()


def test_a_tampered_state_is_a_page_and_signs_nobody_in(page: Page, live_server, practitioner, by_secret):
    callback = urlsplit(held_callback(page, live_server, "priya"))
    code = parse_qs(callback.query)["code"][0]
    response = page.goto(callback._replace(query=urlencode({"code": code, "state": "tampered"})).geturl())
    assert response.status == 400
    expect(page.get_by_text("We could not finish signing you in")).to_be_visible()
    audit(page, "refused-tampered-state")
    page.goto(f"{live_server.url}/")
    page.wait_for_url(f"{live_server.url}/accounts/login/**")


def test_a_replayed_code_is_a_page(page: Page, live_server, practitioner, by_secret):
    callback = held_callback(page, live_server, "priya")
    page.goto(callback)
    expect(page.get_by_role("heading", name="Hello, Priya")).to_be_visible()
    page.context.clear_cookies()  # someone else's browser, replaying the address they saw
    response = page.goto(callback)
    assert response.status == 400
    expect(page.get_by_text("We could not finish signing you in")).to_be_visible()


def test_a_provider_that_does_not_answer_is_a_page_within_the_timeout(
    page: Page, live_server, practitioner, by_secret, settings
):
    callback = held_callback(page, live_server, "priya")
    with by_secret.not_answering():
        started = time.perf_counter()
        response = page.goto(callback)
        waited = time.perf_counter() - started
    assert response.status == 503
    expect(page.get_by_text("not answering just now")).to_be_visible()
    assert waited < settings.OIDC_TIMEOUT_SECONDS + 3
    audit(page, "refused-provider-not-answering")
