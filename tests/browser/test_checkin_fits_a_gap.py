"""A check-in fits a gap between sessions on a phone (390 x 844).

Each walk goes from tapping Start to the confirmation page, as a person would: every page's height is read just
before leaving it (with any reflection opened and written), and every tap on a control is counted (keystrokes are
not). Screens are the sum of the page heights divided by the phone's height, as the UX walk counted them. Axe runs on
every page. The walks answer whatever question set is active, so they can be run again after a new edition.

The figures of the last run are written to test-results/checkin-screens.json and printed.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assessments.core.move_catalogue import CATALOGUE_BY_KEY
from assessments.core.steps import QUESTION_STEPS
from assessments.models import CheckIn, PractitionerProfile, ResilientMove
from assessments.practitioner.moves import moves_choose
from tests.browser.conftest import PHONE, SCREENSHOTS, SCREENSHOTS_WANTED, axe_violations, full_page_png, sign_in
from tests.checkins import submit_checkin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIGURES = SCREENSHOTS.parent / "checkin-screens.json"
FIRST_LIMIT = 12  # phone screens from Start to the confirmation (17.2 before a page per phase)
RETURNING_LIMIT = 15  # the same with the look back at moves and three reflections (21.8 before)


class Walk:
    """One person's way through the check-in: the pages seen, their heights, the taps, and what axe said."""

    def __init__(self, page, name: str):
        self.page, self.name = page, name
        self.heights: list[tuple[str, int]] = []
        self.taps = 0
        self.problems: list[str] = []

    def tap(self, locator) -> None:
        locator.click()
        self.taps += 1

    def choose(self, radio) -> None:
        radio.check()
        self.taps += 1

    def leave(self, label: str) -> None:
        """Measure, audit and photograph the page as it is now, just before leaving it."""
        self.heights.append((label, self.page.evaluate("document.documentElement.scrollHeight")))
        self.problems += [f"{label}: {v}" for v in axe_violations(self.page)]
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        full_page_png(self.page, SCREENSHOTS / f"gap-{self.name}-{len(self.heights):02d}-{label}.png")

    @property
    def screens(self) -> float:
        return round(sum(h for _, h in self.heights) / PHONE["height"], 2)

    def figures(self) -> dict:
        return {"screens": self.screens, "taps": self.taps, "pages": dict(self.heights)}


def answer_and_continue(walk: Walk, value: int, reflections: dict[str, str]) -> None:
    """Every page of questions: answer each statement with `value`, write the phase's reflection if asked, go on."""
    page = walk.page
    for step in QUESTION_STEPS:
        expect(page.get_by_role("heading", level=1)).to_contain_text(str(step.title))
        expect(page.get_by_text(f"Page {step.number} of {len(QUESTION_STEPS)}")).to_be_visible()
        for radio in page.locator(f'input.app-scale__input[value="{value}"]').all():
            walk.choose(radio)
        if step.closes_phase and step.phase is not None and step.phase.slug in reflections:
            walk.tap(page.get_by_text("Write a private reflection (optional)"))
            box = page.get_by_label("Your private reflection (optional)")
            walk.tap(box)
            box.fill(reflections[step.phase.slug])  # typing: not a tap
        walk.leave(step.slug)
        walk.tap(page.get_by_role("button", name="Save and continue"))


def check_and_send(walk: Walk) -> None:
    page = walk.page
    expect(page.get_by_role("heading", level=1, name="Check your answers")).to_be_visible()
    walk.leave("check-your-answers")
    walk.tap(page.get_by_role("button", name="Send my check-in"))
    expect(page.get_by_role("heading", level=1, name="Check-in sent")).to_be_visible()
    expect(page.get_by_role("heading", name="What happens next")).to_be_visible()
    expect(page.get_by_role("link", name="See your profile")).to_be_visible()
    expect(page.get_by_role("link", name="Choose up to")).to_be_visible()
    walk.leave("sent")


def report(walk: Walk) -> None:
    FIGURES.parent.mkdir(parents=True, exist_ok=True)
    known = json.loads(FIGURES.read_text()) if FIGURES.exists() else {}
    FIGURES.write_text(json.dumps({**known, walk.name: walk.figures()}, indent=2))
    print(walk.name, json.dumps(walk.figures()))


def start(browser, live_server, person) -> tuple:
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    page = context.new_page()
    sign_in(context, live_server, person)
    page.goto(live_server.url + "/")
    return context, page


def test_a_first_check_in_fits_twelve_phone_screens(live_server, browser, practitioner, question_set):
    context, page = start(browser, live_server, practitioner)
    walk = Walk(page, "first")
    walk.tap(page.get_by_role("button", name="Start a check-in"))
    answer_and_continue(walk, 4, reflections={})
    check_and_send(walk)
    context.close()
    report(walk)

    assert not walk.problems, walk.problems
    assert walk.screens <= FIRST_LIMIT, walk.figures()
    asked = question_set.questions.count()
    # Start, one tap per statement, one per page of questions, and Send.
    assert walk.taps == 1 + asked + len(QUESTION_STEPS) + 1, walk.figures()
    assert CheckIn.objects.get(user=practitioner).answers.count() == asked


def test_a_returning_check_in_with_the_look_back_and_reflections_fits_fifteen_screens(
    live_server, browser, practitioner, team, question_set
):
    # Last check-in a fortnight ago, with two moves chosen from it and values named.
    last = submit_checkin(practitioner, team, when=timezone.now() - timedelta(days=14))
    catalogue = next(iter(CATALOGUE_BY_KEY.values()))
    moves_choose(user=practitioner, checkin=last, catalogue_keys=[catalogue.key], own_text="A walk at lunch")
    ResilientMove.objects.update(chosen_at=timezone.now() - timedelta(days=14))
    PractitionerProfile.objects.update_or_create(user=practitioner, defaults={"values": "Helping people feel heard"})

    context, page = start(browser, live_server, practitioner)
    walk = Walk(page, "returning")
    walk.tap(page.get_by_role("button", name="Start a check-in"))
    expect(page.get_by_role("heading", name="How did your moves go?")).to_be_visible()
    walk.choose(page.get_by_role("group", name="A walk at lunch").get_by_label("Not yet"))
    page.get_by_role("group", name="A walk at lunch").get_by_role("group", name="what got in the way").get_by_role(
        "radio"
    ).first.check()
    walk.taps += 1
    walk.choose(page.get_by_role("group", name=str(catalogue.text)).get_by_label("I tried it and it helped"))
    walk.leave("moves-look-back")
    walk.tap(page.get_by_role("button", name="Save how my moves went"))
    answer_and_continue(
        walk,
        2,
        reflections={
            "challenges": "A long week of risk calls.",
            "values": "A patient said the sessions helped.",
            "coping": "Lunch away from the desk twice.",
        },
    )
    check_and_send(walk)
    context.close()
    report(walk)

    assert not walk.problems, walk.problems
    assert walk.screens <= RETURNING_LIMIT, walk.figures()
    sent = CheckIn.objects.filter(user=practitioner).order_by("-pk").first()
    assert sent.is_submitted and sent.reflections.count() == 3


def sizes(page) -> dict:
    """The text size of the answer words and of the progress signal, and the page's widest point."""
    return page.evaluate(
        """() => ({
            scale: parseFloat(getComputedStyle(document.querySelector(".app-scale__label")).fontSize),
            progress: parseFloat(getComputedStyle(document.querySelector(".app-progress")).fontSize),
            body: parseFloat(getComputedStyle(document.querySelector("main p")).fontSize),
            wide: document.documentElement.scrollWidth,
            widest: [...document.querySelectorAll("body *")].filter((e) => e.getBoundingClientRect().right > 390.5)
                .map((e) => e.tagName + "." + e.className).slice(0, 5),
            stacked: new Set([...document.querySelector(".app-scale__options").querySelectorAll("input")]
                .map((r) => Math.round(r.getBoundingClientRect().top))).size,
        })"""
    )


def test_at_200_percent_text_the_answer_words_and_progress_grow_with_everything_else(
    live_server, browser, practitioner, question_set
):
    """The reader's own text size (Chromium's font size setting, here through its DevTools protocol): before issue
    26 the answer words and the progress stayed at 14 px (px units) while everything else doubled."""
    context, page = start(browser, live_server, practitioner)
    page.get_by_role("button", name="Start a check-in").click()
    expect(page.get_by_text(f"Page 1 of {len(QUESTION_STEPS)}")).to_be_visible()
    normal = sizes(page)
    reader_setting = page.context.new_cdp_session(page)  # kept open: the setting lasts as long as the session
    reader_setting.send("Page.setFontSizes", {"fontSizes": {"standard": 32, "fixed": 26}})
    page.reload()
    large = sizes(page)
    problems = axe_violations(page)
    if SCREENSHOTS_WANTED:  # the first statements, at the size a reader sees them
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.locator("fieldset").first.scroll_into_view_if_needed()
        page.screenshot(path=SCREENSHOTS / "gap-200-percent-first-statement.png")
    context.close()

    assert large["body"] == 2 * normal["body"], (normal, large)
    # The answer words double at least (stacked, they are body size), and so does the progress.
    assert large["scale"] >= 2 * normal["scale"] and large["progress"] == 2 * normal["progress"], (normal, large)
    # Five answers side by side at 390 px; at 200 % they stack, each circle with its words beside it, and nothing
    # is wider than the screen.
    assert normal["stacked"] == 1 and large["stacked"] == 5, (normal, large)
    assert large["wide"] <= PHONE["width"], large["widest"]
    assert not problems, problems
