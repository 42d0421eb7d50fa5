"""End to end on a phone-sized screen: check in, choose two moves, check in again, review them, see them on trends."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from assessments.core.framework import DIMENSIONS
from assessments.core.steps import QUESTION_STEPS
from assessments.models import CheckIn, MoveReview, ResilientMove
from tests.browser.conftest import answer_step, axe_violations, element_png, full_page_png, smallest_chart_text_px
from tests.conftest import PASSWORD

SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "journey"


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    full_page_png(page, SHOTS / f"{name}.png")


def assert_accessible(page: Page) -> None:
    problems = axe_violations(page)
    assert not problems, problems


def answer_every_phase(page: Page, value: int) -> None:
    for step in QUESTION_STEPS:
        # The step must be on screen before its statements are counted: "Save and continue" does not wait for
        # the next page, and counting the page before left statements of the next one unanswered.
        expect(page.get_by_text(f"Page {step.number} of {len(QUESTION_STEPS)}")).to_be_visible()
        answer_step(page, value)
        page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    page.get_by_role("button", name="Send my check-in").click()
    expect(page.get_by_role("heading", name="Check-in sent")).to_be_visible()
    page.get_by_role("link", name="See your profile").click()
    expect(page.get_by_role("heading", name="Your reflective profile")).to_be_visible()


@pytest.mark.browser
def test_a_practitioner_checks_in_chooses_two_moves_reviews_them_next_time_and_sees_them_on_trends(
    page: Page, live_server, practitioner
):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("priya")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # First check-in: high pressure from the service.
    page.get_by_role("button", name="Start a check-in").click()
    expect(page.get_by_text(f"Page 1 of {len(QUESTION_STEPS)}")).to_be_visible()
    answer_every_phase(page, 4)
    shot(page, "01-first-profile")
    element_png(
        page.locator("section", has=page.get_by_role("heading", name="Your moves before next time")),
        SHOTS / "01b-profile-moves-entry.png",
    )

    # Choose two moves: the first ideas are about raising the pressure, not trying harder.
    page.get_by_role("link", name="Choose your moves").click()
    expect(page.get_by_role("heading", name="Choose your moves")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Tell your lead about one specific pressure").check()
    page.locator("summary").click()
    page.get_by_label("Take a proper lunch break away from your desk").check()
    shot(page, "02-choose-moves")
    page.get_by_role("button", name="Save my moves").click()
    expect(page.get_by_text("You have chosen 2 moves")).to_be_visible()
    assert ResilientMove.objects.filter(user=practitioner).count() == 2

    # Two weeks later.
    first = CheckIn.objects.get(user=practitioner)
    CheckIn.objects.filter(pk=first.pk).update(submitted_at=timezone.now() - timedelta(days=14))
    ResilientMove.objects.update(chosen_at=timezone.now() - timedelta(days=14))

    page.goto(f"{live_server.url}/")
    page.get_by_role("button", name="Start a check-in").click()
    expect(page.get_by_role("heading", name="How did your moves go?")).to_be_visible()  # a page before step 1
    shot(page, "03-review-panel")
    lead_move = page.get_by_role("group", name="Tell your lead about one specific pressure")
    lead_move.get_by_label("I tried it and it helped").check()
    lead_move.get_by_label("A note about how it went").fill("My lead moved two clinics.")
    lunch = page.get_by_role("group", name="Take a proper lunch break")
    lunch.get_by_label("Not yet").check()
    lunch.get_by_role("group", name="what got in the way").get_by_label("My diary was full").check()
    page.get_by_role("button", name="Save how my moves went").click()
    expect(page.get_by_text("Your review of your moves has been saved")).to_be_visible()
    expect(page.get_by_role("heading", name="How did your moves go?")).to_have_count(0)
    expect(page.get_by_text(f"Page 1 of {len(QUESTION_STEPS)}")).to_be_visible()
    assert MoveReview.objects.count() == 2
    assert MoveReview.objects.get(outcome="not_yet").obstacle == "diary_full"

    answer_every_phase(page, 2)
    expect(page.get_by_role("heading", name="What moved most since last time")).to_be_visible()
    shot(page, "04-second-profile")
    element_png(page.locator("body"), SHOTS / "04b-second-profile-top.png")

    page.get_by_role("link", name="See your trends").click()
    expect(page.get_by_role("heading", name="Your trends")).to_be_visible()
    moves = page.locator("section", has=page.get_by_role("heading", name="Your moves"))
    expect(moves.get_by_text("Tell your lead about one specific pressure")).to_be_visible()
    expect(moves.get_by_text("I tried it and it helped")).to_be_visible()
    expect(moves.get_by_text("My lead moved two clinics.")).to_be_visible()
    expect(moves.get_by_text("Not yet")).to_be_visible()
    # One chart per dimension (no blended phase line), each with a point for each of the two check-ins.
    expect(page.locator("svg.trend-chart")).to_have_count(len(DIMENSIONS))
    expect(page.locator("circle.trend-point")).to_have_count(2 * len(DIMENSIONS))
    assert smallest_chart_text_px(page) >= 12  # the charts' labels can be read on the phone
    assert_accessible(page)
    shot(page, "05-trends")
    element_png(
        page.locator("section", has=page.get_by_role("heading", name="1. Work-related challenges")),
        SHOTS / "06-trends-challenges.png",
    )
    element_png(moves, SHOTS / "07-trends-moves.png")
