"""The active question set on a phone (390 x 844): every answer on one row, targets of at least 44 px, each answer
named under its circle and the chosen one in bold, each page measured, axe clean, and the values named last time
brought to this check-in's biggest pressure. The whole check-in's screens and taps: test_checkin_fits_a_gap.py."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from assessments.core.steps import QUESTION_STEPS
from assessments.models import CheckIn, PractitionerProfile
from tests.browser.conftest import PHONE, SCREENSHOTS, axe_violations, sign_in
from tests.conftest import submit_checkin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEIGHTS = SCREENSHOTS.parent / "checkin-v2-step-heights.json"


def statement_rows(page) -> list[dict]:
    """Each statement's radios as the phone lays them out: how many rows they take and their smallest size."""
    return page.evaluate(
        """() => [...document.querySelectorAll("fieldset")].filter((f) => f.querySelector(".app-scale__input"))
            .map((f) => {
                const radios = f.querySelectorAll(".app-scale__options input[type=radio]");  // the scale's own
                const boxes = [...radios].map((r) => r.getBoundingClientRect());
                return {
                    legend: f.querySelector("legend").innerText,
                    radios: boxes.length,
                    rows: new Set(boxes.map((b) => Math.round(b.top))).size,
                    smallest: Math.min(...boxes.map((b) => Math.min(b.width, b.height))),
                    right: Math.max(...boxes.map((b) => b.right)),
                };
            })"""
    )


def test_a_v2_check_in_on_a_phone_is_one_row_per_statement_and_axe_clean(
    live_server, browser, practitioner, team, question_set, screenshot
):
    # Last time: values named, so step 2 can bring them to this time's biggest pressure.
    submit_checkin(practitioner, team)
    PractitionerProfile.objects.update_or_create(user=practitioner, defaults={"values": "Helping people feel heard"})
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    sign_in(context, live_server, practitioner)
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="Start a check-in").click()

    heights, problems = {}, []
    answers = {"challenges": 3, "values": 4, "coping": 2}
    for step in QUESTION_STEPS:
        expect(page.get_by_text(f"Page {step.number} of {len(QUESTION_STEPS)}")).to_be_visible()
        expect(page.get_by_role("heading", level=1)).to_contain_text(str(step.title))
        rows = statement_rows(page)
        assert rows and all(r["radios"] == 5 and r["rows"] == 1 for r in rows), rows
        assert min(r["smallest"] for r in rows) >= 44
        assert max(r["right"] for r in rows) <= PHONE["width"]  # nothing off the side of the screen
        # Every answer's words are on screen under its circle, and are its name for screen readers too.
        first = page.locator("fieldset").filter(has=page.locator(".app-scale__input")).first
        expect(first.get_by_role("radio")).to_have_count(5)
        for label in first.locator(".app-scale__label").all():
            assert label.bounding_box()["height"] > 10 and label.bounding_box()["width"] > 20
        for name in ("Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"):
            expect(first.get_by_role("radio", name=name, exact=True)).to_have_count(1)
        if step.asks_values:
            prompt = page.locator("#values-prompt")
            expect(prompt).to_contain_text("Helping people feel heard")
            expect(prompt).to_contain_text("The number of patients I was expected to see felt relentless.")
        for group in page.locator("fieldset").filter(has=page.locator(".app-scale__input")).all():
            group.get_by_role("radio").nth(answers[step.phase.slug] - 1).check()
        if step.slug == "challenges":
            # Strong agreement with the first pressure statement, so the values page names it.
            page.get_by_role("group", name="The number of patients I was expected to see felt relentless.").get_by_role(
                "radio"
            ).nth(4).check()
        # The chosen answer is named under its row, in bold; the others are not.
        chosen = first.locator(".app-scale__input:checked + .app-scale__label")
        expect(chosen).to_have_count(1)
        assert chosen.evaluate("(l) => getComputedStyle(l).fontWeight") == "700"
        heights[step.slug] = page.evaluate("document.documentElement.scrollHeight")
        screenshot(page, f"v2-phone-step-{step.number}-{step.slug}")
        problems += [f"step {step.number}: {v}" for v in axe_violations(page)]
        page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", level=1, name="Check your answers")).to_be_visible()
    page.get_by_text("Keeping work in its place").or_(page.get_by_text("How you cope, and who helps")).first.click()
    expect(page.get_by_text("Several times a week").or_(page.get_by_text("Once or twice")).first).to_be_visible()
    problems += [f"review: {v}" for v in axe_violations(page)]
    screenshot(page, "v2-phone-step-8-review")
    page.get_by_role("button", name="Send my check-in").click()
    expect(page.get_by_role("heading", name="Check-in sent")).to_be_visible()
    page.get_by_role("link", name="See your profile").click()
    expect(page.get_by_role("heading", name="Your reflective profile")).to_be_visible()
    problems += [f"profile: {v}" for v in axe_violations(page)]
    screenshot(page, "v2-phone-profile")
    context.close()

    HEIGHTS.parent.mkdir(parents=True, exist_ok=True)
    HEIGHTS.write_text(json.dumps(heights, indent=2))
    print("step heights at 390x844:", heights)
    assert not problems, problems
    sent = CheckIn.objects.filter(user=practitioner, status="submitted").order_by("-submitted_at").first()
    assert sent.question_set == question_set and sent.answers.count() == question_set.questions.count()
