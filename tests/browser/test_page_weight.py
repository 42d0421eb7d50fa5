"""What a phone downloads on a first visit, as Chromium fetches it from the production server (`make serve`: static
files collected, compressed and hashed, served by whitenoise) over the demo data: the sign-in page at most 40 KB, a
lead's team summary at most 60 KB, every byte counted (headers, HTML, CSS, JavaScript, images, the redirect to the
newest period). And no console errors, nothing in Chromium's issues panel (a CSP violation, a deprecated feature...)
and only our own origin on the main pages: what Lighthouse's best-practices audits look for."""

from __future__ import annotations

import re
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from devtools.demo import DEMO_LEAD, DEMO_PASSWORD, DEMO_PRACTITIONER
from tests.server_env import app_process_env, production_env

# A server in a new process, seeded with the demo's year of check-ins (about 30 s), and a browser.
pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
SIGN_IN_BUDGET = 40_000  # bytes, as DevTools counts a kB
TEAM_SUMMARY_BUDGET = 60_000
YEAR = 365 * 24 * 3600


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[str]:
    """scripts/serve as `make serve` runs it (DEBUG off, collectstatic, gunicorn), over plain http on a free port, on
    an SQLite database holding the demo data `make run` seeds."""
    tmp_path = tmp_path_factory.mktemp("weight")
    env = app_process_env(
        production_env(
            tmp_path,
            ALLOWED_HOSTS="127.0.0.1",
            PRIVATE_WORDS_KEYS=Fernet.generate_key().decode(),
            SECURE_SSL_REDIRECT="false",
            SECURE_COOKIES="false",
            STATIC_ROOT=str(tmp_path / "static"),
            PY=sys.executable,
            PORT="0",
            WEB_CONCURRENCY="2",
            SECRET_KEY=secrets.token_urlsafe(50),
        )
    )
    for command in (["migrate", "--noinput", "-v0"], ["load_questions"], ["seed_demo"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True)
    server = subprocess.Popen(
        [str(ROOT / "scripts" / "serve")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    drain = threading.Thread(target=lambda: None)
    try:
        url = None
        deadline = time.monotonic() + 120
        while url is None and time.monotonic() < deadline:
            line = server.stderr.readline()
            assert line or server.poll() is None, "the server stopped before listening"
            match = re.search(r"Listening at: (http://\S+)", line)
            url = match and match.group(1)
        assert url, "the server did not start listening within 120 s"
        drain = threading.Thread(target=server.stderr.read, daemon=True)
        drain.start()
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
        drain.join(timeout=10)
        server.stderr.close()


@dataclass
class Visit:
    """Everything one page load fetched: bytes on the wire per URL (DevTools' "transferred": headers and body as
    sent, compressed), each response's headers, and what the console and Chromium's issues panel reported (the two
    best-practices audits the pages failed in Lighthouse: errors-in-console and inspector-issues)."""

    transferred: dict[str, int] = field(default_factory=dict)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    issues: list[str] = field(default_factory=list)

    def fetched(self, url: str, size: int) -> None:
        self.transferred[url] = self.transferred.get(url, 0) + size

    @property
    def total(self) -> int:
        return sum(self.transferred.values())

    def report(self, name: str) -> str:
        lines = [f"{name}: {self.total:,} bytes in {len(self.transferred)} responses"]
        for url, size in sorted(self.transferred.items(), key=lambda item: -item[1]):
            encoding = self.headers.get(url, {}).get("content-encoding", "-")
            lines.append(f"  {size:>7,}  {encoding:<5}  {url}")
        return "\n".join(lines)


def first_visit(browser, url: str, cookies: list | None = None, then=None) -> tuple[Visit, str]:
    """Open `url` in a new browser context (an empty cache) with these cookies; `then(page)` may act on the page
    (the counting goes on). The visit and the address the page ended at."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    if cookies:
        context.add_cookies(cookies)
    page = context.new_page()
    visit = Visit()
    urls: dict[str, str] = {}
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Audits.enable")

    def received(event) -> None:
        urls[event["requestId"]] = event["response"]["url"]
        visit.headers[event["response"]["url"]] = {k.lower(): v for k, v in event["response"]["headers"].items()}

    def redirected(event) -> None:
        # A redirect reuses the request's id: count the redirect's own response under its own address.
        if redirect := event.get("redirectResponse"):
            visit.fetched(redirect["url"], redirect["encodedDataLength"])

    cdp.on("Network.responseReceived", received)
    cdp.on("Network.requestWillBeSent", redirected)
    cdp.on("Network.loadingFinished", lambda e: visit.fetched(urls[e["requestId"]], e["encodedDataLength"]))
    cdp.on("Audits.issueAdded", lambda e: visit.issues.append(f"{e['issue']['code']}: {e['issue']['details']}"))
    page.on("console", lambda message: message.type == "error" and visit.errors.append(message.text))
    page.on("pageerror", lambda error: visit.errors.append(str(error)))
    page.goto(url, wait_until="networkidle")
    if then:
        then(page)
        page.wait_for_load_state("networkidle")
    ended_at = page.url
    context.close()
    return visit, ended_at


def signed_in_cookies(browser, base: str, username: str) -> tuple[list, dict[str, list[str]]]:
    """Sign in through the sign-in form; the session's cookies, and the home page's links to team and service
    summaries."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")
    links = {
        kind: page.eval_on_selector_all(f"a[href*='/summaries/{kind}/']", "links => links.map((a) => a.href)")
        for kind in ("teams", "services")
    }
    cookies = context.cookies()
    context.close()
    return cookies, links


def assert_fit_for_best_practices(visit: Visit, base: str, name: str) -> None:
    assert visit.errors == [], f"{name}: console errors {visit.errors}"
    # Chromium's issues panel: a CSP violation, a deprecated feature, a cookie it would refuse, mixed content...
    assert visit.issues == [], f"{name}: issues {visit.issues}"
    assert all(url.startswith(base) for url in visit.transferred), f"{name}: fetched from elsewhere {visit.transferred}"
    for url, headers in visit.headers.items():
        if "/static/" in url and re.search(r"\.(css|js)$", url):
            # Hashed names, cached for a year, sent compressed (brotli to a browser that takes it).
            assert re.search(r"\.[0-9a-f]{12}\.(css|js)$", url), url
            assert (
                "immutable" in headers.get("cache-control", "") and f"max-age={10 * YEAR}" in headers["cache-control"]
            ), url
            assert headers.get("content-encoding") in {"br", "gzip"}, url


def test_first_visits_fit_their_budgets_with_no_console_errors(browser, served):
    figures = []

    sign_in, _ = first_visit(browser, f"{served}/accounts/login/")
    figures.append(sign_in.report("sign-in"))
    assert_fit_for_best_practices(sign_in, served, "sign-in")
    assert sign_in.headers[f"{served}/accounts/login/"]["content-encoding"] == "gzip"

    lead_cookies, links = signed_in_cookies(browser, served, DEMO_LEAD)
    home, _ = first_visit(browser, f"{served}/", lead_cookies)
    figures.append(home.report("a lead's home"))
    assert_fit_for_best_practices(home, served, "a lead's home")

    team_summary, period_page = first_visit(browser, links["teams"][0], lead_cookies)
    figures.append(team_summary.report("team summary"))
    assert_fit_for_best_practices(team_summary, served, "team summary")
    assert team_summary.headers[period_page]["content-encoding"] == "gzip"
    assert re.search(r"/summaries/teams/\d+/\d{4}-\d{2}/$", period_page), period_page

    service_summary, _ = first_visit(browser, links["services"][0], lead_cookies)
    figures.append(service_summary.report("service summary"))
    assert_fit_for_best_practices(service_summary, served, "service summary")

    practitioner_cookies, _ = signed_in_cookies(browser, served, DEMO_PRACTITIONER)

    def start_a_check_in(page) -> None:
        page.locator("form[action$='/checkins/start/'] button, a.nhsuk-button[href*='/checkins/']").first.click()

    checkin, checkin_page = first_visit(browser, f"{served}/", practitioner_cookies, then=start_a_check_in)
    figures.append(checkin.report("a practitioner's home, then a check-in page"))
    assert_fit_for_best_practices(checkin, served, "check-in")
    # A check-in opens with how last time's moves went, when there were any (the demo's Pat has some).
    assert re.search(r"/(checkins|moves/review)/\d+/", checkin_page), checkin_page

    print("\n" + "\n\n".join(figures))
    assert sign_in.total <= SIGN_IN_BUDGET, sign_in.report("sign-in")
    assert team_summary.total <= TEAM_SUMMARY_BUDGET, team_summary.report("team summary")
