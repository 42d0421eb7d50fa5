"""Many practitioners sign in and complete check-ins at once while leads read their pages.

Each acknowledged check-in (the server answered "sent" with a redirect to its profile) is written, with the
answers and reflections the client sent, to LOADTEST_ACK_FILE; loadtest/verify.py then compares it with the
database. With LOADTEST_EXPECT_OUTAGE=1 a 503 ("try again") is expected while PostgreSQL restarts: it is
counted, not failed, and the request is retried. Any other 5xx, and any request that got no answer at all (locust's
status 0), fails the run (loadtest/checks.py).
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

PASSWORD = "load-test-password-2026"
EXPECT_OUTAGE = os.environ.get("LOADTEST_EXPECT_OUTAGE") == "1"
ACK_FILE = os.environ.get("LOADTEST_ACK_FILE", "loadtest-acks.jsonl")
OUTAGE_FILE = os.environ.get("LOADTEST_OUTAGE_FILE", "loadtest-outage.json")
RETRY_LIMIT = 60  # 503s in a row before giving up on one request (0.5 s apart: 30 s)

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
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
QUESTION = re.compile(r'name="(q_\d+)"')
STEP_URL = re.compile(r"/checkins/(\d+)/([a-z]+)/$")
SUMMARY_URL = re.compile(r"/summaries/teams/\d+/([^/]+)/$")
SERVICE_LINK = re.compile(r"/summaries/services/(\d+)/")
outage_counts: Counter[str] = Counter()
error_seconds: set[int] = set()  # seconds (Unix time) in which some client was shown an error or got no answer


class Outage(Exception):
    pass


class SignedInUser(HttpUser):
    abstract = True

    def call(self, method: str, path: str, name: str, **kwargs):
        """One request; a 503 during an expected outage is counted and retried."""
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
                    return response
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

    def sign_in(self, username: str) -> None:
        page = self.call("GET", "/accounts/login/", "login page")
        token = CSRF.search(page.text).group(1)
        response = self.call(
            "POST",
            "/accounts/login/",
            "sign in",
            data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token, "next": ""},
            allow_redirects=False,
        )
        if response.status_code != 302:
            self.fail("sign in", f"refused for {username}: {response.status_code}")


class Practitioner(SignedInUser):
    weight = 4
    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        self.username = next(PRACTITIONER_NAMES)
        self.sign_in(self.username)
        self.sent: dict = {}  # what this client has saved on the current draft, step by step

    @task
    def complete_a_checkin(self) -> None:
        home = self.call("GET", "/", "home")
        token = CSRF.search(home.text).group(1)
        response = self.call("POST", "/checkins/start/", "start", data={"csrfmiddlewaretoken": token})
        while True:
            match = STEP_URL.search(response.url)
            if not match:
                self.fail("check-in flow", f"unexpected page {response.url}")
                return
            pk, slug = match.groups()
            if self.sent.get("checkin") != pk:
                self.sent = {"checkin": pk, "username": self.username, "answers": {}, "reflections": {}}
            token = CSRF.search(response.text).group(1)
            if slug == "review":
                break
            answers = {q: str(random.randint(1, 5)) for q in dict.fromkeys(QUESTION.findall(response.text))}
            reflection = f"{self.username} on {slug}: {random.randint(0, 10**6)}"
            data = {**answers, "reflection": reflection, "csrfmiddlewaretoken": token, "continue": ""}
            if slug == "values":
                data["values"] = "Helping people feel heard."
            response = self.call("POST", f"/checkins/{pk}/{slug}/", "save step", data=data)
            self.sent["answers"].update({q[2:]: int(v) for q, v in answers.items()})
            self.sent["reflections"][slug] = reflection
        sent = self.call(
            "POST",
            f"/checkins/{pk}/review/",
            "send check-in",
            data={"csrfmiddlewaretoken": token},
            allow_redirects=False,
        )
        if sent.status_code == 302 and sent.headers["Location"].rstrip("/").endswith(f"/checkins/{pk}"):
            with open(ACK_FILE, "a") as acks:
                acks.write(json.dumps(self.sent) + "\n")
            self.sent = {}
            self.call("GET", f"/checkins/{pk}/", "profile")
        else:
            self.fail("send check-in", f"not acknowledged: {sent.status_code}")


class Lead(SignedInUser):
    weight = 1
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.sign_in(next(LEAD_NAMES))
        home = self.call("GET", "/", "lead: home")
        self.team = re.search(r"/teams/(\d+)/invites/", home.text).group(1)
        summary = self.call("GET", f"/summaries/teams/{self.team}/", "lead: current team summary")
        self.period = SUMMARY_URL.search(summary.url).group(1)
        index = self.call("GET", "/summaries/", "lead: summaries")
        self.service = SERVICE_LINK.search(index.text).group(1)

    @task
    def read_pages(self) -> None:
        for name, path in LEAD_PAGES:
            self.call("GET", path.format(team=self.team, service=self.service, period=self.period), name)


@events.test_stop.add_listener
def write_outage_counts(environment, **kwargs) -> None:
    with open(OUTAGE_FILE, "w") as out:
        json.dump(dict(outage_counts), out)
    with open(os.path.join(os.path.dirname(OUTAGE_FILE) or ".", "error-seconds.json"), "w") as out:
        json.dump(sorted(error_seconds), out)
