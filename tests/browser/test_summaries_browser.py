"""The summary pages in a real browser: they render, read in order, and pass automated accessibility checks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from assessments.core.periods import latest_shown_period
from assessments.leads.team_actions import team_action_create
from assessments.models import ServiceLead
from tests.browser.conftest import sign_in, smallest_chart_text_px
from tests.conftest import PASSWORD, contributions, make_user

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.mark.browser
def test_a_service_lead_reads_the_summaries_and_they_pass_accessibility_checks(
    live_server, page, service, team, other_team, question_set, settings
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    contributions(team, 6, {"systemic_pressures": 5})
    contributions(other_team, 6, {"systemic_support": 1})
    lead = make_user("sasha")
    ServiceLead.objects.create(user=lead, service=service)

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "sasha")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.click(f"a[href='/summaries/services/{service.pk}/']")
    assert page.locator("h1").inner_text() == f"Service summary: {service.name}"
    assert page.get_by_text("12 people took part this period.").is_visible()
    page.screenshot(path="test-results/service-summary.png", full_page=True)

    page.click(f"a[href='/summaries/teams/{team.pk}/{latest_shown_period().key}/']")
    assert page.get_by_role("heading", name="What the service can change").is_visible()
    assert page.locator("svg.trend-chart").count() == 7
    page.set_viewport_size({"width": 390, "height": 844})
    assert smallest_chart_text_px(page) >= 12  # the charts' labels can be read on a phone
    page.set_viewport_size({"width": 1280, "height": 720})

    for url in (f"/summaries/teams/{team.pk}/{latest_shown_period().key}/", f"/summaries/services/{service.pk}/"):
        page.goto(live_server.url + url)
        # The page's own content; the shared navigation bar is checked with the rest of the site.
        results = Axe().run(
            page,
            context="main",
            options={"runOnly": {"type": "tag", "values": WCAG}, "resultTypes": ["violations"]},
        )
        assert results.violations_count == 0, results.generate_report()


# Every box on show that scrolls sideways, as the browser lays the page out now.
WIDE = """() => [...document.querySelectorAll("main *")].filter(e => e.checkVisibility()
    && ["auto", "scroll"].includes(getComputedStyle(e).overflowX) && e.scrollWidth > e.clientWidth)"""


@pytest.mark.browser
def test_on_a_phone_a_keyboard_reaches_and_scrolls_every_table_wider_than_the_screen(
    live_server, phone_page, team, lead, question_set
):
    contributions(team, 5, {"systemic_pressures": 5})
    team_action_create(
        team=team,
        created_by=lead,
        dimension="systemic_support",
        description="A reflective practice group every fortnight.",
        starts_on=timezone.localdate() - timedelta(days=365),
    )
    page = phone_page
    sign_in(page.context, live_server, lead)
    page.goto(f"{live_server.url}/summaries/teams/{team.pk}/{latest_shown_period().key}/")
    page.get_by_text("Every figure on this page, as a table").click()
    page.evaluate(f"() => {{ window.wide = ({WIDE})(); }}")
    captions = page.evaluate("() => wide.map(e => e.querySelector('caption')?.textContent.trim() ?? e.outerHTML)")
    # The two dimension tables, the trend table, the action's table and the full table do not fit on a phone.
    assert len(captions) == 5, captions
    # Each caption wraps within its box rather than running off the screen with the table.
    cut_off = page.evaluate("""() => wide.filter(e => e.querySelector('caption').getBoundingClientRect().right
        > e.getBoundingClientRect().right + 1).map(e => e.querySelector('caption').textContent.trim())""")
    assert cut_off == []

    reached = []
    for _ in range(200):
        page.keyboard.press("Tab")
        index = page.evaluate("() => wide.indexOf(document.activeElement)")
        if index >= 0 and captions[index] not in reached:
            region = page.get_by_role("region", name=captions[index], exact=True)
            expect(region).to_be_focused()  # a screen reader announces the table's caption
            page.keyboard.press("ArrowRight")
            page.wait_for_function(f"() => wide[{index}].scrollLeft > 0", timeout=3000)  # it moved sideways
            reached.append(captions[index])
        if len(reached) == len(captions):
            break
    assert sorted(reached) == sorted(captions)
