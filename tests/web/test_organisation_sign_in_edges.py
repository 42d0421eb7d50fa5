"""The organisation's sign-in at its edges: a provider that hangs, many starts from one address, what is
kept between the start and the callback, and the provider's words in the log.

Against the project's own provider (tests/oidc_provider), paused with SIGSTOP where it must hang. The whole app
under a hung provider, in a real server with a fixed number of threads, is in test_sign_in_provider_hung.py.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from assessments.web import oidc
from assessments.web.logs import printable
from assessments.web.sign_in import STATE_COOKIE
from tests.clients import BrowserClient
from tests.oidc import configure_sign_in, sign_in_at_provider

START = reverse("site:organisation_sign_in")
CALLBACK = reverse("site:organisation_sign_in_callback")
HOME = reverse("site:home")
BUSY = "Signing in with your organisation is busy just now"
QUICK = 0.5  # seconds: an answer that did not wait on the provider (its timeout here is 2 s)


@pytest.fixture
def provider(settings, oidc_provider):
    configure_sign_in(settings, oidc_provider, site_url="http://testserver")
    return oidc_provider


@pytest.fixture
def cold(provider):
    """This process has not fetched the provider's discovery document yet (as in a new worker)."""
    oidc._client_for.cache_clear()
    yield provider
    oidc._client_for.cache_clear()


def started(client) -> dict[str, str]:
    """Start a sign-in; the query of the address the browser is sent to."""
    response = client.get(START)
    assert response.status_code == 302, response.content
    return {name: values[0] for name, values in parse_qs(urlsplit(response["Location"]).query).items()}


def timed(call):
    began = time.monotonic()
    result = call()
    return result, time.monotonic() - began


# --- a callback this browser did not start is refused before the provider is asked anything -----------------------


@pytest.mark.parametrize(
    "query",
    [
        {"code": "made-up", "state": "made-up"},
        {"code": "made-up"},
        {"error": "access_denied", "state": "made-up"},
    ],
)
def test_a_callback_with_no_matching_state_is_refused_without_asking_the_hung_provider(client, cold, query):
    """Not even for the discovery document, which this process does not have yet."""
    with cold.not_answering():
        response, seconds = timed(lambda: client.get(f"{CALLBACK}?{urlencode(query)}"))
    assert response.status_code == 400 and "We could not finish signing you in" in response.content.decode()
    assert seconds < QUICK, f"the refusal waited {seconds:.2f} s: something asked the provider"


def test_a_state_from_another_browser_is_refused_without_asking_the_provider(client, provider):
    state = started(BrowserClient())["state"]  # the attacker's own, started in their browser
    started(client)  # the person has a sign-in of their own on the way
    with provider.not_answering():
        response, seconds = timed(lambda: client.get(f"{CALLBACK}?code=made-up&state={state}"))
    assert response.status_code == 400 and seconds < QUICK


# --- discovery is fetched once per process and refreshed in the background ----------------------------------------


def refreshes() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "oidc-metadata-refresh"]


def test_once_warm_a_start_never_waits_on_the_provider_even_when_its_copy_is_due_a_refresh(client, cold):
    started(client)  # warm: the discovery document and keys are fetched now
    metadata = oidc._client().server_metadata
    assert metadata["jwks"]["keys"], "the keys come with the discovery document"
    with cold.not_answering():
        for _ in range(3):
            response, seconds = timed(lambda: client.get(START))
            assert response.status_code == 302 and seconds < QUICK
        oidc._client()._next_refresh = 0.0  # the copy is older than OIDC_METADATA_REFRESH_SECONDS
        response, seconds = timed(lambda: client.get(START))
        assert response.status_code == 302 and seconds < QUICK, "the refresh is in the background"
        assert len(refreshes()) == 1
        for thread in refreshes():
            thread.join(timeout=5)  # it times out against the paused provider; the old copy stays
    assert oidc._client().server_metadata is metadata


def test_an_old_copy_of_the_discovery_document_is_replaced_in_the_background(client, cold):
    started(client)
    first = oidc._client().server_metadata
    oidc._client()._next_refresh = 0.0
    started(client)
    for thread in refreshes():
        thread.join(timeout=5)
    fresh = oidc._client().server_metadata
    assert fresh is not first and fresh["_loaded_at"] > first["_loaded_at"]
    assert fresh["id_token_signing_alg_values_supported"] == ["RS256", "PS256", "ES256"]  # still the deployment's


def test_a_new_process_fetches_the_discovery_document_before_anyone_signs_in(cold):
    oidc.warm()
    assert "_loaded_at" in oidc._client().server_metadata


# --- at most OIDC_MAX_CONCURRENT_CALLS requests wait on the provider; one more is told at once --------------------


def test_when_every_provider_slot_is_taken_the_next_sign_in_is_told_it_is_busy_at_once(settings, cold):
    settings.OIDC_MAX_CONCURRENT_CALLS = 1
    first, second, third = BrowserClient(), BrowserClient(), BrowserClient()
    first_state, second_state = started(first)["state"], started(second)["state"]
    answers = []
    with cold.not_answering():
        waiting = threading.Thread(
            target=lambda: answers.append(first.get(f"{CALLBACK}?code=made-up&state={first_state}"))
        )
        waiting.start()
        time.sleep(0.3)  # the first callback is now waiting on the code exchange
        response, seconds = timed(lambda: second.get(f"{CALLBACK}?code=made-up&state={second_state}"))
        oidc._client_for.cache_clear()  # a new process, whose first start must fetch discovery: busy too
        cold_start, cold_seconds = timed(lambda: third.get(START))
        waiting.join(timeout=10)
    assert response.status_code == 503 and seconds < QUICK
    assert BUSY in response.content.decode() and response["Retry-After"] == "60"
    assert cold_start.status_code == 503 and cold_seconds < QUICK and BUSY in cold_start.content.decode()
    assert answers[0].status_code == 503 and "not answering just now" in answers[0].content.decode()


def test_the_slot_is_given_back_whatever_happens(settings, provider, client):
    settings.OIDC_MAX_CONCURRENT_CALLS = 1
    for _ in range(3):  # a refused code, three times: each frees its slot
        state = started(client)["state"]
        assert client.get(f"{CALLBACK}?code=made-up&state={state}").status_code == 400
    with provider.not_answering():
        state = started(client)["state"]
        assert client.get(f"{CALLBACK}?code=made-up&state={state}").status_code == 503
    state = started(client)["state"]
    assert "busy" not in client.get(f"{CALLBACK}?code=made-up&state={state}").content.decode()


# --- the start and the callback are throttled per client address ----------------------------------------------------


def test_sign_in_starts_from_one_address_are_throttled_and_others_are_not(settings, provider, client):
    settings.OIDC_SIGN_IN_LIMIT_PER_MINUTE = 3
    with time_machine.travel(timezone.now().replace(second=10), tick=False) as clock:
        for _ in range(3):
            assert client.get(START).status_code == 302
        response = client.get(START)
        assert response.status_code == 429 and response["Retry-After"] == "50"
        assert "many times in the last minute" in response.content.decode()
        assert BrowserClient(REMOTE_ADDR="10.0.0.2").get(START).status_code == 302  # a colleague elsewhere
        clock.shift(timedelta(minutes=1))
        assert client.get(START).status_code == 302


def test_callbacks_from_one_address_are_throttled_before_anything_else(settings, provider, client):
    settings.OIDC_SIGN_IN_LIMIT_PER_MINUTE = 3
    with time_machine.travel(timezone.now().replace(second=0), tick=False):
        for _ in range(3):
            assert client.get(f"{CALLBACK}?code=x&state=y").status_code == 400
        assert client.get(f"{CALLBACK}?code=x&state=y").status_code == 429
        assert client.get(START).status_code == 302  # counted apart from the starts


# --- what a sign-in keeps: nothing in the session before it, no ID token after -------------------------------------


def test_anonymous_sign_in_starts_write_no_session(provider, client):
    for _ in range(5):
        response = client.get(START)
    assert Session.objects.count() == 0 and "sessionid" not in client.cookies
    cookie = response.cookies[STATE_COOKIE]
    assert cookie["max-age"] == 3600 and cookie["path"] == START  # the state's hour, and only the sign-in's pages
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert len(cookie.value) < 1500, "three sign-ins on the way, well inside a browser's 4 kB"


def test_a_sign_in_begun_in_two_tabs_finishes_in_either(provider, client, practitioner):
    first = sign_in_at_provider(client.get(START)["Location"], "priya")
    client.get(START)  # the second tab
    assert client.get(first)["Location"] == HOME
    assert client.get(HOME).status_code == 200


def test_the_session_keeps_no_id_token_but_signing_out_still_reaches_the_provider(provider, client, practitioner):
    callback = sign_in_at_provider(client.get(START)["Location"], "priya")
    assert client.get(callback)["Location"] == HOME
    stored = Session.objects.get().get_decoded()
    assert not [key for key, value in stored.items() if isinstance(value, str) and value.startswith("eyJ")], stored
    response = client.post(reverse("logout"))
    assert response["Location"].startswith(provider.issuer + "/session/end")
    assert Session.objects.count() == 0


# --- the provider's words in the log ---------------------------------------------------------------------------------

FORGED = "nothing\n2026-12-06 09:00:00,000 ERROR django.request Internal Server Error: /admin/\r\x1b[31m\u2028"


def test_the_providers_words_are_logged_escaped_so_they_cannot_forge_a_log_line(provider, client, caplog):
    query = urlencode({"error": "access_denied\nERROR", "error_description": FORGED, "state": "x\ny"})
    with caplog.at_level(logging.WARNING, logger="assessments.web.oidc"):
        assert client.get(f"{CALLBACK}?{query}").status_code == 400
        refused = {"error": "login_required", "error_description": FORGED, "state": started(client)["state"]}
        assert client.get(f"{CALLBACK}?{urlencode(refused)}").status_code == 400
        assert client.get(f"{CALLBACK}?{urlencode({'code': 'x', 'state': FORGED})}").status_code == 400
    lines = [record.getMessage() for record in caplog.records if record.name == "assessments.web.oidc"]
    assert len(lines) == 3
    for line in lines:
        assert not any(char in line for char in "\n\r\x1b\u2028"), line
    assert "nothing\\n2026-12-06 09:00:00,000 ERROR" in lines[0] and "\\x1b[31m" in lines[0]
    assert "access_denied\\nERROR" in lines[0]


def test_printable_escapes_every_control_and_separator_character_and_cuts_long_text():
    assert printable("a\nb\r\tc\x00\x7f\x85\u2028\u2029\u202e") == "a\\nb\\r\\tc\\x00\\x7f\\x85\\u2028\\u2029\\u202e"
    assert printable("C:\\new") == "C:\\\\new"  # a backslash is escaped too, so \n in the log is never a newline
    assert printable("café ✓") == "café ✓"
    assert printable("x" * 300) == "x" * 200 + "…"
