"""A practitioner on a phone: sign in, answer phase 1, leave, come back, finish, see the profile."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from assessments.core.framework import DIMENSIONS, PHASES
from assessments.models import CheckIn
from tests.browser.conftest import answer_step, write_reflection
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_practitioner_checks_in_on_a_phone_with_a_break_in_the_middle(
    live_server, phone_page, practitioner, screenshot
):
    page = phone_page
    sign_in(page, live_server.url, "priya")
    expect(page.get_by_role("heading", name="Hello, Priya")).to_be_visible()
    screenshot(page, "01-home")

    page.get_by_role("button", name="Start a check-in").click()
    expect(page.get_by_text("Page 1 of 3")).to_be_visible()
    answer_step(page, 4)  # "Agree", or "Often" where a statement asks how often
    write_reflection(page, "Three risk calls in one afternoon.")
    screenshot(page, "02-phase-1-end")
    page.get_by_role("button", name="Save and finish later").click()
    expect(page.get_by_text("Saved. You can carry on later")).to_be_visible()

    # Leave entirely: sign out (in the header, on a phone too), then come back later.
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    sign_in(page, live_server.url, "priya")
    page.get_by_role("link", name="Carry on with your check-in").click()
    expect(page.get_by_text("Page 2 of 3")).to_be_visible()

    answer_step(page, 5)
    page.get_by_label("The values that matter to you in your work (optional)").fill("Helping people feel heard")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("Page 3 of 3")).to_be_visible()
    answer_step(page, 2)
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    screenshot(page, "03-review")
    page.get_by_role("button", name="Send my check-in").click()
    expect(page.get_by_role("heading", name="Check-in sent")).to_be_visible()
    page.get_by_role("link", name="See your profile").click()

    expect(page.get_by_role("heading", name="Your reflective profile")).to_be_visible()
    body = page.locator("main").inner_text()
    for phase in PHASES:
        assert str(phase.name) in body
    for dimension in DIMENSIONS:
        assert str(dimension.name) in body
    # Phase 1's individual part, answered "Agree" throughout: its score once, in words.
    assert re.search(r"75\s*out of 100", page.locator("#score-individual_challenges").inner_text())
    screenshot(page, "04-profile")

    checkin = CheckIn.objects.get(user=practitioner)
    assert checkin.is_submitted
    assert checkin.reflections.get().text == "Three risk calls in one afternoon."
    assert checkin.scores.count() == 7
