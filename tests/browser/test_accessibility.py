"""Every page passes an axe audit (WCAG 2.2 AA tags) with zero violations, on a phone and on a desktop screen, for
each kind of visitor.

To audit a new page, append a Page to PAGES: an id, who looks at it, the path (built from the World in tests/world.py)
and, if the page needs an action first (a form sent with errors, say), a function that does it. If the page only
appears when something on the server has failed, `fault` breaks it for that visit, and `status` is the answer the
browser should get.

The World is built once per kind of visitor, not once per page: one test per role visits each of that role's pages
in PAGES order, each in a new tab with no cookies from the page before (and a new session when signed in). It opens
the page at 390 x 844, audits it, then widens the same page to 1280 x 800 and audits it again, so an action is done
once and both widths see its result. Each test reports every failing page and width in one message. Screenshots of
both widths are in test-results/screenshots/, named a11y-<page id>-<width>.png.

The HTML the server sent for each page (after its action) is kept in a temporary folder, and the last of these tests
to finish checks them all with the W3C Nu Html Checker in one run of Java (vnu.jar: `make vnu` fetches it into
.cache/vnu/); its errors are reported with that test's failures.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.db import OperationalError
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from assessments.core.periods import latest_shown_period
from assessments.core.steps import QUESTION_STEPS
from assessments.leads.nudges import unsubscribe_token
from assessments.models import Membership, Role, ServiceLead
from tests.browser.conftest import (
    SCREENSHOTS,
    WIDTHS,
    axe_in_every_page,
    axe_violations,
    full_page_png,
    sign_in,
    write_reflection,
)
from tests.world import World, build_world

pytestmark = pytest.mark.browser

# One short run of vnu spends much of its time compiling itself. The simple JIT alone (it needs a larger thread stack
# then: with Java's default vnu stops with a StackOverflowError) and one GC thread halve its CPU time and cut its wall
# time to a third on these 2 cores, with byte-identical output (checked on pages with and without errors).
JAVA_QUICK_START = ["-XX:TieredStopAtLevel=1", "-Xss8m", "-XX:+UseSerialGC"]
VNU_JAR = Path(os.environ.get("VNU_JAR", Path(__file__).resolve().parents[2] / ".cache" / "vnu" / "vnu.jar"))


@dataclass
class Page:
    id: str
    role: str  # a key of World.users, or "anonymous"
    path: Callable[[World], str]
    then: Callable[[Any, World], None] | None = None  # what the visitor does before the audit
    fault: Callable[[pytest.MonkeyPatch], None] | None = None  # what is broken on the server during the visit
    status: int | None = None  # the HTTP status the browser should get on arriving, when it matters


def wrong_password(page, w: World, username: str = "priya") -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("not-my-password")
    page.get_by_role("button", name="Sign in").click()


def locked_out(page, w: World) -> None:
    # Someone other than the one in login-with-error, so the lockout holds nobody else up whatever the order.
    for _ in range(5):
        wrong_password(page, w, "rosa")


def stale_form(page, w: World) -> None:
    """Send a form after the CSRF cookie has gone: the friendly 403 page."""
    page.context.clear_cookies()
    page.get_by_role("button", name="Sign in").click()


def too_long_reflection(page, w: World) -> None:
    write_reflection(page, "x" * 5001)
    page.get_by_role("button", name="Save and continue").click()


def send_invite(page, w: World) -> None:
    page.get_by_label("Their work email address").fill("a.new.colleague@riverside.nhs.uk")
    page.get_by_role("button", name="Send the invite").click()


def send_invite_with_errors(page, w: World) -> None:
    page.get_by_role("button", name="Send the invite").click()


def join_with_errors(page, w: World) -> None:
    page.get_by_role("button", name="Create my account and join").click()


def team_action_without_text(page, w: World) -> None:
    page.get_by_role("button", name="Save the action").click()


def figures_emails_off(page, w: World) -> None:
    page.get_by_label("No, I will look for myself").check()
    page.get_by_role("button", name="Save").click()


def stop_the_emails(page, w: World) -> None:
    page.get_by_role("button", name="Stop these emails").click()


def email_stop(w: World) -> str:
    return reverse("leads:email_stop", args=[unsubscribe_token(w.users["lead"].pk)])


def too_many_moves(page, w: World) -> None:
    boxes = page.locator("input[name=moves]")
    for n in range(4):
        boxes.nth(n).check()
    page.get_by_role("button", name="Save my moves").click()


def look_back_note_without_an_answer(page, w: World) -> None:
    page.locator("textarea").first.fill("A note, but how it went is not chosen")
    page.get_by_role("button", name="Save how my moves went").click()


def supervision_note_too_long(page, w: World) -> None:
    page.locator("#sup-own-note").fill("x" * 501)
    page.get_by_role("button", name="Add to my list").click()


def nothing_for_supervision(page, w: World) -> None:
    page.get_by_role("button", name="Add to my supervision list").click()


def start_without_choosing_a_team(page, w: World) -> None:
    page.get_by_role("button", name="Start a check-in").click()


def wrong_password_to_delete(page, w: World) -> None:
    page.get_by_label("Your password").fill("not-my-password")
    page.get_by_role("button", name="Delete my account and all my data").click()


def database_down(monkeypatch: pytest.MonkeyPatch) -> None:
    def unavailable(user):
        raise OperationalError("connection refused")

    monkeypatch.setattr("assessments.practitioner.views.checkins.submitted_checkins", unavailable)


def team_summary(period_of: Callable[[], Any]) -> Callable[[World], str]:
    return lambda w: reverse("leads:team_summary", args=[w.team.pk, period_of().key])


def password_reset_path(w: World) -> str:
    """The link in a password reset email, for Rosa."""
    uid = urlsafe_base64_encode(force_bytes(w.reset_user.pk))
    return reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(w.reset_user)])


def step(slug: str) -> Callable[[World], str]:
    return lambda w: reverse("practitioner:checkin_step", args=[w.draft.pk, slug])


PAGES = [
    Page("login", "anonymous", lambda w: reverse("login")),
    Page("login-with-error", "anonymous", lambda w: reverse("login"), wrong_password),
    Page("login-locked-out", "anonymous", lambda w: reverse("login"), locked_out),
    Page("form-sent-without-csrf-cookie", "anonymous", lambda w: reverse("login"), stale_form),
    Page("password-reset", "anonymous", lambda w: reverse("password_reset")),
    Page("password-reset-done", "anonymous", lambda w: reverse("password_reset_done")),
    Page("password-reset-confirm", "anonymous", password_reset_path),
    Page("password-reset-confirm-expired", "anonymous", lambda w: reverse("password_reset_confirm", args=["MQ", "x"])),
    Page("password-reset-complete", "anonymous", lambda w: reverse("password_reset_complete")),
    Page("join", "anonymous", lambda w: reverse("site:join", args=[w.invite_token])),
    Page("join-with-errors", "anonymous", lambda w: reverse("site:join", args=[w.invite_token]), join_with_errors),
    Page("join-used", "anonymous", lambda w: reverse("site:join", args=[w.used_invite_token])),
    Page("not-found", "anonymous", lambda w: "/no-such-page/", status=404),
    Page("home-practitioner-with-draft", "practitioner", lambda w: reverse("site:home")),
    Page("home-practitioner-in-two-teams", "teammate", lambda w: reverse("site:home")),
    Page("home-lead", "lead", lambda w: reverse("site:home")),
    Page("home-no-team", "outsider", lambda w: reverse("site:home")),
    *(Page(f"step-{s.number}-{s.slug}", "practitioner", step(s.slug)) for s in QUESTION_STEPS),
    Page("step-with-errors", "practitioner", step("coping"), too_long_reflection),
    Page("review", "practitioner", step("review")),
    Page("profile", "practitioner", lambda w: reverse("practitioner:checkin_detail", args=[w.calm.pk])),
    Page("checkin-sent", "practitioner", lambda w: reverse("practitioner:checkin_sent", args=[w.calm.pk])),
    Page(
        "profile-with-signposting",
        "practitioner",
        lambda w: reverse("practitioner:checkin_detail", args=[w.sent.pk]),
    ),
    Page("history", "practitioner", lambda w: reverse("practitioner:history")),
    Page("history-empty", "outsider", lambda w: reverse("practitioner:history")),
    Page("password-change", "practitioner", lambda w: reverse("password_change")),
    Page("password-change-done", "practitioner", lambda w: reverse("password_change_done")),
    Page("join-signed-in", "outsider", lambda w: reverse("site:join", args=[w.invite_token])),
    Page("invites", "lead", lambda w: reverse("leads:team_invites", args=[w.team.pk])),
    Page("invites-sent", "lead", lambda w: reverse("leads:team_invites", args=[w.team.pk]), send_invite),
    Page(
        "invites-with-errors",
        "lead",
        lambda w: reverse("leads:team_invites", args=[w.team.pk]),
        send_invite_with_errors,
    ),
    # Summaries for leads (the lead also leads the service; five teammates checked in during
    # the newest period that has ended, the newest one summaries show).
    Page("summary-index", "lead", lambda w: reverse("leads:summary_index")),
    Page("team-summary-with-figures", "lead", team_summary(latest_shown_period)),
    Page("team-summary-hidden-too-few", "lead", team_summary(lambda: latest_shown_period().previous())),
    # Figures the publication auditor withheld are dashes, and the page says why once.
    Page(
        "team-summary-with-withheld-figures",
        "lead",
        lambda w: reverse("leads:team_summary", args=[w.other_team.pk, latest_shown_period().key]),
    ),
    Page(
        "service-summary",
        "lead",
        lambda w: reverse("leads:service_summary", args=[w.service.pk, latest_shown_period().key]),
    ),
    # The team conversation pack a lead takes to a team meeting.
    Page(
        "team-conversation-pack",
        "lead",
        lambda w: reverse("leads:team_pack", args=[w.team.pk, latest_shown_period().key]),
    ),
    Page("team-action-form", "lead", lambda w: reverse("leads:team_action_add", args=[w.team.pk])),
    Page(
        "team-action-form-with-error",
        "lead",
        lambda w: reverse("leads:team_action_add", args=[w.team.pk]),
        team_action_without_text,
    ),
    # The practitioner's journey.
    Page("home-practitioner-with-team-actions-and-moves", "practitioner", lambda w: reverse("site:home")),
    Page("trends", "practitioner", lambda w: reverse("practitioner:trends")),
    Page("moves-choose", "practitioner", lambda w: reverse("practitioner:moves_choose", args=[w.calm.pk])),
    Page(
        "moves-choose-too-many",
        "practitioner",
        lambda w: reverse("practitioner:moves_choose", args=[w.calm.pk]),
        too_many_moves,
    ),
    Page("moves-review", "practitioner", lambda w: reverse("practitioner:moves_review", args=[w.draft.pk])),
    # The forms' edges.
    Page(
        "moves-review-with-error",
        "practitioner",
        lambda w: reverse("practitioner:moves_review", args=[w.draft.pk]),
        look_back_note_without_an_answer,
    ),
    Page("draft-delete-confirm", "practitioner", lambda w: reverse("practitioner:checkin_discard", args=[w.draft.pk])),
    Page(
        "supervision-from-profile-with-error",
        "practitioner",
        lambda w: reverse("practitioner:checkin_detail", args=[w.calm.pk]),
        nothing_for_supervision,
    ),
    Page("start-without-a-team-chosen", "teammate", lambda w: reverse("site:home"), start_without_choosing_a_team),
    Page(
        "supervision-list-with-error",
        "practitioner",
        lambda w: reverse("practitioner:supervision"),
        supervision_note_too_long,
    ),
    Page("step-1-with-moves-to-review", "practitioner", step(QUESTION_STEPS[0].slug)),
    Page("supervision-list", "practitioner", lambda w: reverse("practitioner:supervision")),
    Page("my-data", "practitioner", lambda w: reverse("practitioner:my_data")),
    Page("account-delete", "practitioner", lambda w: reverse("practitioner:account_delete")),
    Page(
        "account-delete-wrong-password",
        "practitioner",
        lambda w: reverse("practitioner:account_delete"),
        wrong_password_to_delete,
    ),
    Page("checkin-delete-confirm", "practitioner", lambda w: reverse("practitioner:checkin_delete", args=[w.calm.pk])),
    Page("team-reminders", "lead", lambda w: reverse("leads:team_reminders", args=[w.team.pk])),
    # A lead's figures-ready emails, and the stop link from the email (signed out).
    Page("email-settings", "lead", lambda w: reverse("leads:email_settings")),
    Page("email-settings-saved", "lead", lambda w: reverse("leads:email_settings"), figures_emails_off),
    Page("email-stop", "anonymous", email_stop),
    Page("email-stopped", "anonymous", email_stop, stop_the_emails),
    Page("email-stop-invalid", "anonymous", lambda w: reverse("leads:email_stop", args=["not-a-token"]), status=400),
    Page("privacy", "anonymous", lambda w: reverse("site:privacy")),
    Page("privacy-signed-in", "practitioner", lambda w: reverse("site:privacy")),
    Page("get-support", "anonymous", lambda w: reverse("site:support")),
    Page("get-support-signed-in", "practitioner", lambda w: reverse("site:support")),
    Page("accessibility-statement", "anonymous", lambda w: reverse("site:accessibility")),
    Page("accessibility-statement-signed-in", "lead", lambda w: reverse("site:accessibility")),
    # The database is out of reach: the friendly 503 page.
    Page("outage", "practitioner", lambda w: reverse("practitioner:history"), fault=database_down, status=503),
]
ROLES = list(dict.fromkeys(p.role for p in PAGES))


@pytest.fixture
def world(db, settings) -> World:
    """The shared world (tests/world.py), and what only this audit shows: the teammate in a second team (their home
    page asks which team a check-in is for), and the North team's lead leading the service too."""
    settings.AXES_ENABLED = True  # for the lockout page
    w = build_world()
    Membership.objects.create(user=w.users["teammate"], team=w.other_team, role=Role.PRACTITIONER)
    ServiceLead.objects.create(user=w.lead, service=w.service)
    return w


def visit(spec: Page, world: World, live_server, page, monkeypatch, html_dir: Path) -> list[str]:
    """Open one page as its visitor, then audit it at each width; a line (and axe's report) per failure."""
    failures = []
    page.context.clear_cookies()  # no session or CSRF cookie from the page before
    documents = []  # what the server sent for each page the tab showed: the last is the one audited

    def keep(response) -> None:
        if response.request.resource_type == "document":
            documents.append(response)

    page.on("response", keep)
    try:
        with monkeypatch.context() as patch:
            if spec.fault:
                spec.fault(patch)
            if spec.role != "anonymous":
                sign_in(page.context, live_server, world.users[spec.role])
            page.set_viewport_size(WIDTHS[0])  # the phone first: the page is opened at it
            response = page.goto(live_server.url + spec.path(world))
            if spec.status is not None and response.status != spec.status:
                failures.append(f"{spec.id}: status {response.status}, expected {spec.status}")
            if spec.then:
                spec.then(page, world)
                page.wait_for_load_state()
            shown = [r for r in documents if r.frame == page.main_frame and not 300 <= r.status < 400]
            (html_dir / f"{spec.id}.html").write_bytes(shown[-1].body())
            for size in WIDTHS:
                if page.viewport_size != size:  # the first width is the one the page was opened at
                    page.set_viewport_size(size)
                full_page_png(page, SCREENSHOTS / f"a11y-{spec.id}-{size['width']}.png")
                violations = axe_violations(page)
                if violations:
                    where = f"{spec.id} at {size['width']}x{size['height']}"
                    failures.append(f"{where}: {len(violations)} violations\n" + "\n".join(violations))
    except Exception as error:  # one broken page must not hide the others; it is reported with them
        failures.append(f"{spec.id}: {type(error).__name__}: {error}")
    finally:
        page.remove_listener("response", keep)  # the next page keeps its own
    return failures


@pytest.fixture(scope="session")
def html_check(request, tmp_path_factory) -> Iterator[dict]:
    """Where the audits keep each page's HTML (a new folder per run), and how many role tests are still to run:
    the last one to finish checks every page's HTML at once, whatever order the tests run in.

    Under xdist each worker sees the whole collection, so if the role tests were shared between workers none of
    them would be the last: then the pages this process kept are checked when it ends, and errors fail the run
    there rather than pass unseen."""
    selected = [i for i in request.session.items if getattr(i, "originalname", "") == AUDIT_TEST]
    state = {"dir": tmp_path_factory.mktemp("html"), "left": len(selected), "checked": False}
    yield state
    if not state["checked"] and any(state["dir"].glob("*.html")):
        errors = html_errors(state["dir"])
        assert not errors, f"{len(errors)} HTML errors\n" + "\n".join(errors)


def html_errors(html_dir: Path) -> list[str]:
    """The W3C Nu Html Checker over every page kept so far, in one Java start: a line per error."""
    files = sorted(html_dir.glob("*.html"))
    if shutil.which("java") is None or not VNU_JAR.is_file():
        return [f"HTML check: it needs Java and {VNU_JAR}. Run:  make vnu"]
    result = subprocess.run(
        ["java", *JAVA_QUICK_START, "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always", "--stdout"]
        + list(map(str, files)),
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    errors = [m for m in json.loads(result.stdout)["messages"] if m["type"] in ("error", "non-document-error")]
    return [
        f"HTML check: {Path(m.get('url', '')).stem} line {m.get('lastLine', '?')}: {m['message']}"
        f"  [{m.get('extract', '').strip()}]"
        for m in errors
    ]


AUDIT_TEST = "test_every_page_has_no_accessibility_violations_on_a_phone_or_a_desktop"


@pytest.mark.parametrize("role", ROLES)
def test_every_page_has_no_accessibility_violations_on_a_phone_or_a_desktop(
    role, world, live_server, page, monkeypatch, html_check
):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    axe_in_every_page(page.context)
    failures = []
    for spec in PAGES:
        if spec.role == role:
            failures += visit(spec, world, live_server, page, monkeypatch, html_check["dir"])
    html_check["left"] -= 1
    if html_check["left"] == 0:  # every selected role's pages are kept: their HTML must be valid too
        html_check["checked"] = True
        failures += html_errors(html_check["dir"])
    headlines = [f.splitlines()[0].split(": ")[0] for f in failures]
    assert not failures, f"{len(failures)} failing: {', '.join(headlines)}\n\n" + "\n\n".join(failures)


def test_the_audit_reports_a_page_that_breaks_the_rules_and_names_the_element(page):
    """The checker itself, on a page made to fail: a silent audit (say, a script that did not load) would pass every
    page above."""
    page.set_content(
        """<!doctype html><html lang="en"><title>Broken</title><main>
        <p id="faint" style="color:#ccc;background:#fff">Hard to read</p>
        <img id="no-alt" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
        <input id="no-label" type="text"></main></html>"""
    )
    problems = axe_violations(page)
    assert [line.split(" ")[0] for line in problems] == ["color-contrast", "image-alt", "label"], problems
    assert "#faint" in problems[0] and "#no-alt" in problems[1] and "#no-label" in problems[2]
    fetched = re.search(r"^AXE_VERSION := (\S+)$", (Path(__file__).parents[2] / "Makefile").read_text(), re.M)
    assert page.evaluate("axe.version") == fetched[1]  # the version `make axe` fetches, not an older copy
    assert [line.split(" ")[0] for line in axe_violations(page, context="#no-alt")] == ["image-alt"]
