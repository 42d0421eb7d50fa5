"""The log keeps no personal data: a day of the app's busiest journeys, played through the pages with every logger
at DEBUG, leaves no address, name, username, password, private word, answer, invite or reset token, session id or
CSRF token in any record or any line as written (JSON and plain text), and every line of a request names it."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.db import connection
from django.urls import reverse

from assessments.core.steps import QUESTION_STEPS, STEPS_BY_SLUG
from assessments.models import CheckIn
from assessments.web.logs import JsonFormatter, RequestContextFilter
from tests.cast import PASSWORD
from tests.checkins import step_post
from tests.clients import BrowserClient

LOGGERS = ("", "assessments", "django", "django.request", "django.security", "axes")
BROKEN = "Broken-Token-Qx81"
PLAIN = logging.Formatter(settings.LOGGING["formatters"]["plain"]["format"])


class Lines(logging.Handler):
    """The console handler as settings.LOGGING makes it: the request filter, then each record written both ways."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.addFilter(RequestContextFilter())
        self.json = JsonFormatter()
        self.records: list[logging.LogRecord] = []
        self.written: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if any(seen is record for seen in self.records):  # once, though it passes several of the loggers
            return
        self.records.append(record)
        self.written += [self.json.format(record), PLAIN.format(record)]

    def everything(self) -> str:
        said = [f"{r.getMessage()} {r.args!r} {r.exc_text or ''}" for r in self.records]
        return "\n".join([*said, *self.written])


@pytest.fixture
def lines(caplog) -> Iterator[Lines]:
    """Every record any logger writes, at DEBUG, including the loggers that do not pass theirs on to the root; and
    every query logged with its parameters, as with DEBUG on. (The template engine's and the database's own loggers
    keep the level settings.LOGGING gives them, as they would with LOG_LEVEL=DEBUG.)"""
    caplog.set_level(logging.DEBUG)
    connection.force_debug_cursor = True
    handler = Lines()
    loggers = [logging.getLogger(name) for name in LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        connection.force_debug_cursor = False
        for logger, level in zip(loggers, levels, strict=True):
            logger.removeHandler(handler)
            logger.setLevel(level)


def test_a_days_journeys_leave_nothing_personal_in_the_log(
    lines, lead, practitioner, team, question_set, settings, join_breaks
):
    settings.AXES_ENABLED = True  # its lines about wrong passwords too
    secrets: dict[str, str] = {}
    browser = BrowserClient(raise_request_exception=False)

    # A lead signs in (one wrong password first) and invites a colleague by email.
    browser.post(reverse("login"), {"username": lead.username, "password": "Wrong-Password-4471"})
    secrets["a wrong password"] = "Wrong-Password-4471"
    assert browser.post(reverse("login"), {"username": lead.username, "password": PASSWORD}).status_code == 302
    secrets["the lead's username"] = lead.username
    secrets["the lead's session id"] = browser.cookies[settings.SESSION_COOKIE_NAME].value
    secrets["a CSRF cookie"] = browser.cookies[settings.CSRF_COOKIE_NAME].value
    invited = "rowan.ashdown-7@example.nhs.uk"
    response = browser.post(reverse("leads:team_invites", args=[team.pk]), {"email": invited})
    assert response.status_code == 302, response.content
    secrets["the invited address"] = invited
    secrets["the invited mailbox"] = "rowan.ashdown-7"
    browser.post(reverse("logout"))

    # The colleague follows the link, and joins with a name and a password.
    token = re.search(r"/join/([^/\s]+)/", mail.outbox[-1].body)[1]
    secrets["the invite token"] = token
    newcomer = BrowserClient(raise_request_exception=False)
    joining = newcomer.get(reverse("site:join", args=[token]))
    assert joining.status_code == 200
    secrets["a CSRF token from a form"] = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', joining.content)[
        1
    ].decode()
    response = newcomer.post(
        reverse("site:join", args=[token]),
        {"first_name": "Marigold", "password1": "Juniper-Orchard-2291", "password2": "Juniper-Orchard-2291"},
    )
    assert response.status_code == 302, response.content
    secrets["the newcomer's name"] = "Marigold"
    secrets["the newcomer's password"] = "Juniper-Orchard-2291"
    secrets["the newcomer's session id"] = newcomer.cookies[settings.SESSION_COOKIE_NAME].value

    # A practitioner checks in, with a reflection, and answers that say how they are.
    browser.force_login(practitioner)
    secrets["the practitioner's username"] = practitioner.username
    secrets["the practitioner's name"] = practitioner.first_name
    assert browser.post(reverse("practitioner:checkin_begin")).status_code == 302
    checkin = CheckIn.objects.get(user=practitioner)
    private = "Sleeping-badly-since-the-Harcourt-referral"
    for step in QUESTION_STEPS:
        body = step_post(question_set, step.slug, 4)
        if STEPS_BY_SLUG[step.slug].closes_phase:
            body["reflection"] = private
        response = browser.post(reverse("practitioner:checkin_step", args=[checkin.pk, step.slug]), body)
        assert response.status_code == 302, (step.slug, response.content)
        secrets.update({f"the answer {name}={value}": f"{name}={value}" for name, value in body.items()})
    secrets["a reflection"] = private

    # They change their password, forget it, and reset it from the email.
    response = browser.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Lantern-Meadow-8830", "new_password2": "Lantern-Meadow-8830"},
    )
    assert response.status_code == 302, response.content
    secrets["a changed password"] = "Lantern-Meadow-8830"
    browser.post(reverse("logout"))
    browser.post(reverse("password_reset"), {"email": practitioner.email})
    secrets["the practitioner's address"] = practitioner.email
    link = re.search(r"/accounts/reset/([^/\s]+)/([^/\s]+)/", mail.outbox[-1].body)
    secrets["the reset link's user"], secrets["the reset token"] = link[1], link[2]
    set_password = browser.get(link[0])
    assert set_password.status_code == 302
    assert browser.post(
        set_password["Location"], {"new_password1": "Quartz-Harbour-5512", "new_password2": "Quartz-Harbour-5512"}
    ).status_code in (200, 302)
    secrets["a reset password"] = "Quartz-Harbour-5512"

    # A page breaks while someone sends their words, on an address that holds a token.
    assert browser.post(reverse("login"), {"username": practitioner.username, "password": "Quartz-Harbour-5512"})
    assert SESSION_KEY in browser.session
    secrets["a session id at the error"] = browser.cookies[settings.SESSION_COOKIE_NAME].value
    broken = browser.post(
        reverse("site:join", args=[BROKEN]),
        {"first_name": "Perpetua", "password1": "Cobalt-Thistle-3307", "password2": "Cobalt-Thistle-3307"},
        HTTP_X_REQUEST_ID="error-path-1",
    )
    assert broken.status_code == 500
    secrets.update({"a token at the error": BROKEN, "a name at the error": "Perpetua"})
    secrets["a password at the error"] = "Cobalt-Thistle-3307"

    everything = lines.everything()
    assert len(lines.records) > 20  # the journeys were logged: one line per request at least
    found = {what: value for what, value in secrets.items() if value and value in everything}
    assert not found, f"found in the log: {found}"
    # The error was logged, with its traceback, under the request's id and route, not its path.
    errors = [json.loads(line) for line in lines.written if line.startswith("{") and '"ERROR"' in line]
    assert any(
        e["logger"] == "django.request"
        and e["request_id"] == "error-path-1"
        and "/join/<str:token>/" in e["message"]
        and "Traceback" in e["exc_info"]
        for e in errors
    ), errors


class _UsableInvite:
    is_usable = True
    email = "perpetua@example.nhs.uk"


@pytest.fixture
def join_breaks(monkeypatch):
    """The error path: accepting an invite with the token Broken-Token-Qx81 raises inside the view."""
    from assessments.web import views

    real_find = views.find_invite

    def broken(**kwargs):
        raise RuntimeError("the page broke")

    monkeypatch.setattr(views, "find_invite", lambda token: _UsableInvite() if token == BROKEN else real_find(token))
    monkeypatch.setattr(views, "invite_accept", broken)


def test_every_line_of_a_request_carries_its_id_and_the_id_goes_back_in_a_header(lines, client, db):
    response = client.get("/no/such/page/", HTTP_X_REQUEST_ID="lb-7f3a-0001")
    assert response["X-Request-ID"] == "lb-7f3a-0001"
    written = [json.loads(line) for line in lines.written if line.startswith("{")]
    mine = [line for line in written if line.get("request_id") == "lb-7f3a-0001"]
    assert {line["logger"] for line in mine} == {"assessments.requests", "django.request"}
    request_line = next(line for line in mine if line["logger"] == "assessments.requests")
    assert request_line["method"] == "GET" and request_line["status"] == 404 and request_line["path"] == "(no route)"
    assert set(request_line) == {
        "time",
        "level",
        "logger",
        "message",
        "request_id",
        "method",
        "path",
        "view",
        "status",
        "duration_ms",
    }
    assert request_line["time"].endswith("+00:00")


@pytest.mark.parametrize(
    "sent",
    [
        "x" * 65,  # too long
        "abc def",  # a space
        "abc\nfake-line",  # a line of its own
        "priya@example.nhs.uk",  # not an id
        "",
    ],
)
def test_a_request_id_that_is_not_short_and_plain_is_replaced(client, db, sent):
    response = client.get(reverse("site:privacy"), HTTP_X_REQUEST_ID=sent)
    given = response["X-Request-ID"]
    assert given != sent and re.fullmatch(r"[0-9a-f]{32}", given)


def test_without_a_request_id_each_request_gets_a_new_one(client, db):
    first = client.get(reverse("site:privacy"))["X-Request-ID"]
    second = client.get(reverse("site:privacy"))["X-Request-ID"]
    assert first != second
