"""A check-in can be completed with the keyboard alone, and with JavaScript switched off."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from assessments.core.steps import QUESTION_STEPS
from assessments.models import Answer, CheckIn, DimensionScore, Reflection
from tests.browser.conftest import sign_in, write_reflection
from tests.conftest import PASSWORD, questions_for

pytestmark = pytest.mark.browser


def focused(page, selector: str) -> bool:
    return page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector)


def tab_until_named(page, role: str, name: str, limit: int = 200) -> None:
    """Press Tab until the element with this role and accessible name has focus."""
    target = page.get_by_role(role, name=name, exact=True)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("e => e === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached the {role} {name!r}")


def answer_step_with_keyboard(page, note: str | None) -> None:
    """Tab through the step: pick the third option of every statement with the arrow keys and, on a phase's last
    page, open the reflection with Enter and type in it."""
    button = 'button[name="continue"]'
    for _ in range(400):
        page.keyboard.press("Tab")
        if focused(page, 'input[type="radio"]'):
            page.keyboard.press("ArrowDown")  # first option -> second, selected
            page.keyboard.press("ArrowDown")  # -> third ("Neither agree nor disagree")
        elif focused(page, "details:not([open]) > summary"):
            page.keyboard.press("Enter")
        elif focused(page, 'textarea[name="reflection"]'):
            page.keyboard.type(note)
        elif focused(page, button):
            page.keyboard.press("Enter")
            page.wait_for_load_state()
            return
    raise AssertionError("Never reached the continue button")


def test_a_check_in_can_be_completed_with_the_keyboard_alone(live_server, page, practitioner, question_set):
    sign_in(page.context, live_server, practitioner)
    page.goto(live_server.url + reverse("site:home"))

    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()  # the first Tab stop
    tab_until_named(page, "button", "Start a check-in")
    page.keyboard.press("Enter")
    expect(page.get_by_text(f"Page 1 of {len(QUESTION_STEPS)}")).to_be_visible()

    notes = {"challenges": "Busy week.", "values": "Still care.", "coping": "Took a walk."}
    for step in QUESTION_STEPS:
        answer_step_with_keyboard(page, notes[step.phase.slug] if step.closes_phase else None)
        if step.number < len(QUESTION_STEPS):
            expect(page.get_by_text(f"Page {step.number + 1} of {len(QUESTION_STEPS)}")).to_be_visible()
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    tab_until_named(page, "button", "Send my check-in")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Check-in sent")).to_be_visible()

    checkin = CheckIn.objects.get(user=practitioner)
    assert checkin.is_submitted
    assert Answer.objects.filter(checkin=checkin).count() == question_set.questions.count()
    assert set(Answer.objects.filter(checkin=checkin).values_list("value", flat=True)) == {3}
    assert DimensionScore.objects.filter(checkin=checkin).count() == 7
    assert sorted(r.text for r in Reflection.objects.filter(checkin=checkin)) == [
        "Busy week.",
        "Still care.",
        "Took a walk.",
    ]


def test_after_an_error_focus_moves_to_the_error_summary_whose_links_lead_to_the_fields(
    live_server, page, practitioner, question_set
):
    sign_in(page.context, live_server, practitioner)
    page.goto(live_server.url + reverse("site:home"))
    page.get_by_role("button", name="Start a check-in").click()
    page.get_by_role("button", name="Save and continue").click()  # the first page has no reflection
    write_reflection(page, "x" * 5001)
    page.get_by_role("button", name="Save and continue").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name="Your private reflection (optional)").click()
    expect(page.get_by_label("Your private reflection (optional)")).to_be_focused()


@pytest.fixture
def no_js_page(browser, live_server):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 740})
    yield context.new_page()
    context.close()


def test_a_check_in_works_with_javascript_switched_off_on_a_phone(no_js_page, live_server, practitioner, question_set):
    page = no_js_page
    page.goto(live_server.url + reverse("site:home"))
    page.get_by_label("Username").fill("priya")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # Without JavaScript the menu's links are simply shown.
    expect(page.get_by_role("link", name="My check-ins")).to_be_visible()

    page.get_by_role("button", name="Start a check-in").click()

    answer_of = {"challenges": 4, "values": 5, "coping": 2}
    for step in QUESTION_STEPS:
        for question in questions_for(question_set, step.slug):  # each answer by the words it shows, like "Agree"
            group = page.get_by_role("group", name=question.text)
            group.get_by_label(question.answer_label(answer_of[step.phase.slug]), exact=True).check()
        if step.number == 1:
            # A problem on a step: the summary takes focus without any script (autofocus), the answers stay.
            write_reflection(page, "x" * 5001)  # the reflection opens without a script too (<details>)
            page.get_by_role("button", name="Save and continue").click()
            expect(page.locator("#error-summary")).to_be_focused()
        if step.closes_phase:
            write_reflection(page, f"Note on {step.phase.slug}")
        page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    page.get_by_role("button", name="Send my check-in").click()
    expect(page.get_by_role("heading", name="Check-in sent")).to_be_visible()
    page.get_by_role("link", name="See your profile").click()
    expect(page.get_by_role("heading", name="Your reflective profile")).to_be_visible()

    checkin = CheckIn.objects.get(user=practitioner)
    assert checkin.is_submitted
    assert DimensionScore.objects.filter(checkin=checkin).count() == 7
    values = dict(Answer.objects.filter(checkin=checkin).values_list("question__dimension", "value"))
    assert values["systemic_pressures"] == 4 and values["systemic_support"] == 2
    assert sorted((r.phase, r.text) for r in Reflection.objects.filter(checkin=checkin)) == [
        ("challenges", "Note on challenges"),
        ("coping", "Note on coping"),
        ("values", "Note on values"),
    ]
