"""Many practitioners sign in and send check-ins at once while leads read their pages.

A practitioner walks the check-in from the links and forms the pages serve (loadtest/walk.py), as a person does,
so the load test follows the app's steps as they are. Each acknowledged check-in (the walk reached "Check-in sent")
is written to LOADTEST_ACK_FILE with every form the client sent on the way; loadtest/verify.py then compares the
database with it. With LOADTEST_EXPECT_OUTAGE=1 a 503 ("try again") is expected while PostgreSQL restarts: it is
counted, not failed, and the request is retried. Any other 5xx, and any request that got no answer at all (locust's
status 0), fails the run (loadtest/checks.py), as does a walk that cannot go on (a page without its form, a form the
app refused).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import sys
import time
from collections import Counter

from locust import HttpUser, between, events, task

sys.path.insert(0, os.path.dirname(__file__))
from checks import FAIL, OK, RETRY, judge  # noqa: E402
from walk import Answers, Page, Walk, WalkError, complete_checkin, follow, sign_in  # noqa: E402

PASSWORD = "load-test-password-2026"
EXPECT_OUTAGE = os.environ.get("LOADTEST_EXPECT_OUTAGE") == "1"
ACK_FILE = os.environ.get("LOADTEST_ACK_FILE", "loadtest-acks.jsonl")
OUTAGE_FILE = os.environ.get("LOADTEST_OUTAGE_FILE", "loadtest-outage.json")
RETRY_LIMIT = 60  # 503s in a row before giving up on one request (0.5 s apart: 30 s)
BLANK = 0.1  # the share of statements a simulated practitioner leaves blank, as people may

# Pages a lead reads, one line each: ("name for the figures", "/path/{team}/"). {team} is the id of a team they
# lead, {service} the id of the service they lead (seed_users.py makes every load lead a service lead too) and
# {period} the key of the current summary period (read from the team summary page they are sent to).
LEAD_PAGES = [
    ("lead: home", "/"),
    ("lead: invites", "/teams/{team}/invites/"),
    ("lead: team summary", "/summaries/teams/{team}/{period}/"),
    ("lead: service summary", "/summaries/services/{service}/{period}/"),
    ("lead: team summary CSV", "/summaries/teams/{team}/{period}/export.csv"),
]

PRACTITIONER_NAMES = (f"load-pwp-{n:04d}" for n in itertools.count(1))
LEAD_NAMES = itertools.cycle([f"load-lead-{n}" for n in range(1, 7)])
SUMMARY_URL = re.compile(r"/summaries/teams/\d+/([^/]+)/$")
SERVICE_LINK = re.compile(r"/summaries/services/(\d+)/")
outage_counts: Counter[str] = Counter()
error_seconds: set[int] = set()  # seconds (Unix time) in which some client was shown an error or got no answer


class Outage(Exception):
    pass


class RequestFailed(WalkError):
    """A request failed; locust has counted it already."""


class Browser:
    """The walk's browser (loadtest/walk.py) for one simulated person: redirects followed, every answer judged."""

    def __init__(self, user: SignedInUser) -> None:
        self.user = user

    def get(self, url: str, *, name: str) -> Page:
        response = self.user.call("GET", url, name)
        return Page(response.status_code, response.url, response.text)

    def post(self, url: str, data: list[tuple[str, str]], *, name: str) -> Page:
        response = self.user.call("POST", url, name, data=data)
        return Page(response.status_code, response.url, response.text)


class SignedInUser(HttpUser):
    abstract = True

    def on_start(self) -> None:
        self.browser = Browser(self)

    def call(self, method: str, path: str, name: str, **kwargs):
        """One request; a 503 during an expected outage is counted and retried. Raises RequestFailed on a failure
        (counted once, as that request's)."""
        for _ in range(RETRY_LIMIT):
            with self.client.request(method, path, name=name, catch_response=True, **kwargs) as response:
                verdict, reason = judge(
                    response.status_code,
                    response.text or "",
                    response.headers.get("Retry-After"),
                    expect_outage=EXPECT_OUTAGE,
                )
                if verdict != OK:
                    error_seconds.add(int(time.time()))
                if verdict == RETRY:
                    outage_counts[name] += 1
                    response.success()
                elif verdict == FAIL:
                    response.failure(reason)
                    raise RequestFailed(f"{name}: {reason}")
                else:
                    response.success()
                    return response
            time.sleep(0.5)
        raise Outage(f"{name} still unavailable after {RETRY_LIMIT} tries")

    def fail(self, name: str, message: str) -> None:
        """Count a failed expectation as a failed request, so the run exits non-zero."""
        self.environment.events.request.fire(
            request_type="CHECK",
            name=name,
            response_time=0,
            response_length=0,
            exception=Exception(message),
            context={},
        )

    def walk_safely(self, name: str, step) -> Page | None:
        """Run one part of a walk; a walk that cannot go on is a failure (counted once)."""
        try:
            return step()
        except RequestFailed:
            return None
        except WalkError as exc:
            self.fail(name, str(exc))
            return None


class Practitioner(SignedInUser):
    weight = 4
    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        super().on_start()
        self.username = next(PRACTITIONER_NAMES)
        self.answers = Answers(random.Random(), blank=BLANK)
        self.walk = Walk()  # what this client has sent towards its current check-in, kept until it is acknowledged
        self.walk_safely("sign in", lambda: sign_in(self.browser, self.username, PASSWORD))

    @task
    def complete_a_checkin(self) -> None:
        if self.walk_safely("check-in walk", lambda: complete_checkin(self.browser, self.answers, self.walk)) is None:
            return
        sent = self.walk.sent
        with open(ACK_FILE, "a") as acks:
            acks.write(json.dumps({"username": self.username, "sent": sent.url, "posts": self.walk.posts}) + "\n")
        self.walk = Walk()
        self.walk_safely("profile", lambda: follow(self.browser, sent, "See your profile"))


class Lead(SignedInUser):
    weight = 1
    wait_time = between(1, 3)

    def on_start(self) -> None:
        super().on_start()
        self.username = next(LEAD_NAMES)
        self.pages: list[tuple[str, str]] = []

    def find_pages(self) -> list[tuple[str, str]]:
        """Sign in, then find a team and the service they lead and the current period, from the pages."""
        sign_in(self.browser, self.username, PASSWORD)
        home = self.call("GET", "/", "lead: home")
        team = re.search(r"/teams/(\d+)/invites/", home.text).group(1)
        summary = self.call("GET", f"/summaries/teams/{team}/", "lead: current team summary")
        period = SUMMARY_URL.search(summary.url).group(1)
        index = self.call("GET", "/summaries/", "lead: summaries")
        service = SERVICE_LINK.search(index.text).group(1)
        return [(name, path.format(team=team, service=service, period=period)) for name, path in LEAD_PAGES]

    @task
    def read_pages(self) -> None:
        try:
            self.pages = self.pages or self.find_pages()
            for name, path in self.pages:
                self.call("GET", path, name)
        except RequestFailed:
            return  # counted as that request's failure
        except (WalkError, AttributeError) as exc:  # signed in, but the pages did not lead where they should
            self.fail("lead: find pages", repr(exc))


@events.test_stop.add_listener
def write_outage_counts(environment, **kwargs) -> None:
    with open(OUTAGE_FILE, "w") as out:
        json.dump(dict(outage_counts), out)
    with open(os.path.join(os.path.dirname(OUTAGE_FILE) or ".", "error-seconds.json"), "w") as out:
        json.dump(sorted(error_seconds), out)
