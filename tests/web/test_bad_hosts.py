"""A request whose Host is not in ALLOWED_HOSTS gets the 400 page, never a 500, and logs no ERROR.

Django refuses such a request in CommonMiddleware, before the authentication middleware has said who is signed in.
The 400 page used to ask the request for its user all the same, failed, and became a 500; and Django logs every
refusal as an ERROR with a traceback. Scanners send these by the thousand.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator

import pytest
from django.core.exceptions import BadRequest, PermissionDenied
from django.db import connection
from django.http import Http404
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, reverse

from tests.clients import BrowserClient

BAD_HOST = "evil.example"
PAGE_400 = "Sorry, we could not read that"


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if not any(seen is record for seen in self.records):  # once, though it passes two of the loggers
            self.records.append(record)

    def errors(self) -> list[str]:
        return [f"{r.levelname} {r.name} {r.getMessage()}" for r in self.records if r.levelno >= logging.ERROR]


@pytest.fixture
def log() -> Iterator[Records]:
    """Every record logged anywhere, including by the loggers that do not pass theirs on to the root."""
    handler = Records()
    loggers = [logging.getLogger(name) for name in ("", "django.request", "django.security", "axes")]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield handler
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


def production_client() -> BrowserClient:
    """Errors answered with pages, as in production, and CSRF checked."""
    return BrowserClient(raise_request_exception=False, enforce_csrf_checks=True)


@pytest.fixture
def page_that_fails(monkeypatch):
    """The history page raises, so with a good Host it is a 500."""

    def boom(user):
        raise RuntimeError("broken")

    monkeypatch.setattr("assessments.practitioner.views.checkins.submitted_checkins", boom)


# What each request gets with a good Host; with a bad one, every one of them is the 400 page.
REQUESTS = {
    "a page (200)": ("get", lambda: reverse("site:privacy"), 200),
    "the sign-in page (200)": ("get", lambda: reverse("login"), 200),
    "a form without its CSRF token (403)": ("post", lambda: reverse("login"), 403),
    "a page that is not there (404)": ("get", lambda: "/no-such-page/", 404),
    "a page that fails (500)": ("get", lambda: reverse("practitioner:history"), 500),
    "the health check (200)": ("get", lambda: reverse("site:healthz"), 200),
}


@pytest.mark.parametrize("case", REQUESTS)
def test_a_request_for_another_host_gets_the_400_page_and_logs_no_error(
    case, practitioner, page_that_fails, settings, log
):
    settings.DEBUG = False
    method, url, status_with_a_good_host = REQUESTS[case]
    client = production_client()
    client.force_login(practitioner)  # a session cookie too: the 400 page must not read it
    assert getattr(client, method)(url()).status_code == status_with_a_good_host
    log.records.clear()
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url(), headers={"host": BAD_HOST})
    assert response.status_code == 400
    assert [q["sql"] for q in queries] == [], "the 400 page asks the database nothing"
    html = response.content.decode()
    assert PAGE_400 in html and "Traceback" not in html
    assert 'href="/me/"' not in html, "the page does not say who is signed in"
    assert log.errors() == []
    refusals = [r for r in log.records if r.name == "django.security.DisallowedHost"]
    assert [(r.levelname, r.exc_info) for r in refusals] == [("WARNING", None)]


def a_request_refused_before_authentication(path: str = "/me/"):
    """What an error handler is given for a request Django refused early: a bad Host, and no session or user."""
    return RequestFactory().get(path, headers={"host": BAD_HOST})


def handler(status: int):
    return get_resolver().resolve_error_handler(status)


@pytest.mark.parametrize(
    "status, exception, text",
    [
        (400, BadRequest("refused"), PAGE_400),
        (403, PermissionDenied(), "403"),
        (404, Http404(), "Page not found"),
    ],
)
def test_every_error_page_renders_for_a_request_with_a_bad_host_and_no_user(status, exception, text, db, log):
    response = handler(status)(a_request_refused_before_authentication(), exception)
    assert response.status_code == status
    assert text in response.content.decode()
    assert log.errors() == []


def test_the_500_page_renders_for_a_request_with_a_bad_host_and_no_user(db, log):
    try:
        raise RuntimeError("broken")
    except RuntimeError:
        assert sys.exc_info()[0] is RuntimeError
        response = handler(500)(a_request_refused_before_authentication())
    assert response.status_code == 500
    assert "Sorry, something went wrong" in response.content.decode()
    assert log.errors() == []
