"""The supervision list prints cleanly; the data and privacy pages pass axe on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from assessments.practitioner.supervision import supervision_mark
from tests.browser.conftest import full_page_png
from tests.browser.test_journey_e2e import SHOTS, assert_accessible, shot
from tests.cast import PASSWORD
from tests.checkins import submit_checkin


def sign_in(page: Page, live_server) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("priya")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.browser
def test_the_supervision_list_prints_without_the_menu_or_buttons(page: Page, live_server, practitioner, team):
    checkin = submit_checkin(practitioner, team, reflections={"challenges": "The risk call on Tuesday stayed with me."})
    supervision_mark(user=practitioner, checkin=checkin, phases=["challenges"], dimensions=["systemic_support"])
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/supervision/")
    expect(page.get_by_text("The risk call on Tuesday stayed with me.")).to_be_visible()
    assert_accessible(page)
    shot(page, "10-supervision-screen")
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Tick off: talked about it").first).to_be_hidden()
    expect(page.locator("header")).to_be_hidden()
    expect(page.locator(".supervision-list").get_by_text("Supervision and peer support").first).to_be_visible()
    full_page_png(page, SHOTS / "11-supervision-print.png")


@pytest.mark.browser
@pytest.mark.parametrize("path", ["/me/", "/privacy/", "/me/delete/", "/checkins/trends/"])
def test_the_data_pages_pass_axe_on_a_phone(page: Page, live_server, practitioner, path):
    sign_in(page, live_server)
    page.goto(f"{live_server.url}{path}")
    assert_accessible(page)
    shot(page, "12-page" + path.replace("/", "-").rstrip("-"))
