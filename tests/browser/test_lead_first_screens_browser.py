"""In a real browser: what a lead sees on the first screen, at a phone's size and a desktop's, and the team
conversation pack on A4 paper."""

from __future__ import annotations

import subprocess

import pytest
from django.urls import reverse

from assessments.core.periods import latest_shown_period
from assessments.models import Team
from tests.actions import make_action
from tests.browser.conftest import SCREENSHOTS, WIDTHS, axe_violations, full_page_png, sign_in
from tests.world import contributions

PRINTS = SCREENSHOTS.parent / "print"


def on_first_screen(page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] + box["height"] <= page.viewport_size["height"]


@pytest.mark.browser
@pytest.mark.parametrize("size", WIDTHS, ids=lambda s: str(s["width"]))
def test_the_service_summarys_first_screen_names_the_team_that_needs_a_look(
    live_server, browser, service_lead, service, team, other_team, question_set, size
):
    third = Team.objects.create(service=service, name="West team")
    contributions(team, 12)
    contributions(other_team, 12, {"systemic_pressures": 4})
    contributions(third, 12)
    context = browser.new_context(viewport=size)
    page = context.new_page()
    sign_in(context, live_server, service_lead)
    page.goto(live_server.url + reverse("leads:service_summary", args=[service.pk, latest_shown_period().key]))
    looks = page.locator("section[aria-labelledby=teams-to-look-at-heading]")
    named = looks.get_by_role("link", name="South team")
    assert on_first_screen(page, named) and on_first_screen(page, looks.get_by_text("1 part worth a look"))
    assert on_first_screen(page, looks.get_by_text("Pressures and demands of the service, high at"))
    assert looks.get_by_role("link", name="West team").count() == 0
    full_page_png(page, SCREENSHOTS / f"service-summary-first-screen-{size['width']}.png")
    assert not axe_violations(page, context="main")
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("size", WIDTHS, ids=lambda s: str(s["width"]))
def test_the_lead_homes_first_screen_names_who_took_part_and_what_needs_attention(
    live_server, browser, lead, team, question_set, size
):
    contributions(team, 12, {"systemic_pressures": 4})
    context = browser.new_context(viewport=size)
    page = context.new_page()
    sign_in(context, live_server, lead)
    page.goto(live_server.url + reverse("site:home"))
    took_part = page.get_by_text(f"12 of 12 members took part in {latest_shown_period().label}.")
    attention = page.get_by_text("Worth a look: Pressures and demands of the service, high at")
    assert on_first_screen(page, took_part) and on_first_screen(page, attention)
    context.close()


@pytest.mark.browser
def test_the_conversation_pack_prints_on_one_a4_page_with_lines_to_write_on(
    live_server, page, lead, team, question_set
):
    contributions(team, 12, {"systemic_pressures": 4})
    for words in ("Cap new assessments at four a day.", "A peer group every fortnight.", "Close the waiting list."):
        make_action(lead, team=team, description=words)
    sign_in(page.context, live_server, lead)
    page.goto(live_server.url + reverse("leads:team_pack", args=[team.pk, latest_shown_period().key]))
    lines = page.locator("table.pack-lines")
    assert lines.is_hidden()  # on screen, the button to record an action instead
    assert page.get_by_role("link", name="Record what the team agreed, or start from a suggestion").is_visible()
    page.emulate_media(media="print")
    assert lines.is_visible()
    assert (
        page.locator("main .nhsuk-button, header.nhsuk-header").evaluate_all(
            "els => els.filter(e => e.checkVisibility()).length"
        )
        == 0
    )
    PRINTS.mkdir(parents=True, exist_ok=True)
    pdf = PRINTS / "conversation-pack.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    for old in PRINTS.glob("conversation-pack-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(PRINTS / "conversation-pack")], check=True)
    assert len(list(PRINTS.glob("conversation-pack-*.png"))) == 1  # one sheet to take to the meeting
