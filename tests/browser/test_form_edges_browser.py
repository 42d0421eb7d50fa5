"""The forms' edges in Chromium on a phone: the idle-timeout warning with "Stay signed in", the end of a
session landing on a sign-in page that says why, a draft deleted only after a page that asks, and "what got in the
way" shown only under the answers it is for. Each page is checked with axe; SCREENSHOTS=1 keeps pictures."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import CheckIn
from assessments.practitioner.checkins import checkin_start
from assessments.practitioner.moves import moves_choose
from tests.actions import make_action
from tests.browser.conftest import PHONE, SCREENSHOTS, SCREENSHOTS_WANTED, axe_violations, full_page_png, sign_in
from tests.checkins import submit_checkin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = SCREENSHOTS.parent / "form-edges"


def picture(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    full_page_png(page, SHOTS / f"{name}.png")


def viewport_picture(page, name: str) -> None:
    """What the phone's screen shows (a modal dialog sits in the viewport, not on the long page)."""
    if SCREENSHOTS_WANTED:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"))


def test_the_timeout_warning_opens_two_minutes_before_the_end_and_stay_signed_in_keeps_the_session(
    live_server, browser, practitioner, settings
):
    settings.SESSION_COOKIE_AGE = 124  # the warning opens about 4 seconds after the page
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    sign_in(context, live_server, practitioner)
    page.goto(live_server.url + "/")
    dialog = page.get_by_role("dialog", name="You will be signed out soon")
    expect(dialog).to_be_hidden()
    expect(dialog).to_be_visible(timeout=10_000)
    expect(dialog).to_contain_text("we will sign you out in 2 minutes")
    expect(dialog).to_contain_text("Anything on this page that you have not saved will be lost.")
    # Focus has moved into the dialog, onto its first button; the page behind it cannot be reached.
    assert page.evaluate("document.activeElement.textContent.trim()") == "Stay signed in"
    assert page.evaluate("document.activeElement.closest('dialog') !== null")
    assert axe_violations(page) == []
    viewport_picture(page, "timeout-warning-390")

    before = Session.objects.get().expire_date
    page.wait_for_timeout(1500)
    page.get_by_role("button", name="Stay signed in").click()
    expect(dialog).to_be_hidden()
    assert Session.objects.get().expire_date > before  # the end was pushed back on the server
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")  # the same page, still signed in
    viewport_picture(page, "timeout-warning-after-stay-390")
    context.close()


def test_when_the_time_runs_out_the_page_goes_to_sign_in_which_says_why(live_server, browser, practitioner, settings):
    settings.SESSION_COOKIE_AGE = 6
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    sign_in(context, live_server, practitioner)
    page.goto(live_server.url + "/checkins/history/")
    expect(page.get_by_role("dialog")).to_be_visible()
    page.wait_for_url(re.compile(r"/accounts/login/\?next=%2Fcheckins%2Fhistory%2F"), timeout=15_000)
    expect(
        page.get_by_text("You were signed out after 1 minute without activity. Sign in to carry on.")
    ).to_be_visible()
    expect(page.get_by_label("Email address or username")).to_be_visible()
    assert not page.evaluate("document.activeElement && document.activeElement.matches('input')")  # no autofocus
    assert axe_violations(page) == []
    picture(page, "timed-out-sign-in-390")
    context.close()


def test_a_draft_is_deleted_only_after_a_page_that_asks_first(live_server, browser, practitioner, team, question_set):
    checkin_start(user=practitioner, team=team)
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    sign_in(context, live_server, practitioner)
    page.goto(live_server.url + "/")
    expect(page.get_by_role("button", name="Delete this draft")).to_have_count(0)  # one tap never deletes
    picture(page, "home-with-draft-390")
    page.get_by_role("link", name="Delete this draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Are you sure you want to delete your draft check-in?")
    assert page.title().startswith("Delete your draft check-in?")
    assert axe_violations(page) == []
    picture(page, "draft-delete-confirm-390")
    page.get_by_role("link", name="No, keep it").click()
    expect(page.get_by_role("link", name="Carry on with your check-in")).to_be_visible()
    assert CheckIn.objects.filter(user=practitioner, status="draft").exists()

    page.get_by_role("link", name="Delete this draft").click()
    page.get_by_role("button", name="Yes, delete this draft").click()
    expect(page.get_by_text("Your draft check-in has been deleted.")).to_be_visible()
    assert not CheckIn.objects.filter(user=practitioner).exists()
    context.close()


def test_what_got_in_the_way_shows_only_under_not_yet_and_dropped_and_an_error_keeps_the_choices(
    live_server, browser, practitioner, team, question_set
):
    sent = submit_checkin(practitioner, team, when=timezone.now() - timedelta(days=14))
    first, second = moves_choose(
        user=practitioner, checkin=sent, catalogue_keys=["selfcare-lunch-away", "pressure-raise-with-lead"]
    )
    draft = checkin_start(user=practitioner, team=team)
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    sign_in(context, live_server, practitioner)
    page.goto(f"{live_server.url}/moves/review/{draft.pk}/")
    first_group = page.locator("fieldset", has=page.locator(f"input[name=outcome_{first.pk}]")).first
    obstacle = page.locator(f"#id_outcome_{first.pk}-conditional")
    expect(obstacle).to_be_hidden()
    first_group.get_by_label("Not yet").check()
    expect(obstacle).to_be_visible()
    obstacle.locator("input[type=radio]").first.check()
    first_group.get_by_label("I tried it and it helped").check()
    expect(obstacle).to_be_hidden()
    first_group.get_by_label("I have dropped it").check()
    expect(obstacle).to_be_visible()
    picture(page, "moves-review-reveal-390")
    # The second move: a note but no answer. The page comes back with both moves as they were.
    page.locator(f"#id_note_{second.pk}").fill("I meant to, honestly")
    page.get_by_role("button", name="Save how my moves went").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    assert page.title().startswith("Error: How did your moves go?")
    expect(page.locator(f"input[name=outcome_{first.pk}][value=dropped]")).to_be_checked()
    expect(obstacle).to_be_visible()
    expect(page.locator(f"#id_note_{second.pk}")).to_have_value("I meant to, honestly")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert axe_violations(page) == []
    picture(page, "moves-review-error-390")
    page.get_by_role("link", name=re.compile("Choose how it went")).click()
    assert page.evaluate("document.activeElement.id") == f"id_outcome_{second.pk}_0"
    context.close()


def test_the_home_pages_forms_each_have_a_name_of_their_own(live_server, browser, practitioner, lead, team):
    make_action(lead, team=team)
    make_action(lead, team=team, description="Protected admin time on Fridays")
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    sign_in(context, live_server, practitioner)
    page.goto(live_server.url + "/")
    names = page.evaluate(
        """() => [...document.querySelectorAll("form[aria-labelledby]")].map((form) =>
            form.getAttribute("aria-labelledby").split(" ")
                .map((id) => document.getElementById(id).textContent.trim()).join(" "))"""
    )
    assert len(names) == 2 and len(set(names)) == 2, names
    expect(page.get_by_role("form", name="Protected admin time on Fridays")).to_be_visible()
    expect(page.get_by_role("form", name="A peer group every fortnight")).to_be_visible()
    context.close()
