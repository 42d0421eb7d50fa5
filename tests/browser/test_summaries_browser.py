"""The summary pages in a real browser: they render, read in order, and pass automated accessibility checks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assessments.core.periods import latest_shown_period
from assessments.leads.team_actions import team_action_create
from assessments.models import ServiceLead
from tests.browser.conftest import (
    SCREENSHOTS,
    axe_violations,
    element_png,
    full_page_png,
    sign_in,
    smallest_chart_text_px,
)
from tests.cast import PASSWORD, make_user
from tests.checkins import send_saying_what_got_in_the_way
from tests.world import contributions, people_in


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
    assert page.get_by_text("12 of 12 members took part this period.").is_visible()
    full_page_png(page, "test-results/service-summary.png")

    page.click(f"a[href='/summaries/teams/{team.pk}/{latest_shown_period().key}/']")
    assert page.get_by_role("heading", name="What the service can change").is_visible()
    assert page.locator("svg.trend-chart").count() == 7
    page.set_viewport_size({"width": 390, "height": 844})
    for summary in page.get_by_text("Trend, and what this covers").all():  # each chart opens on demand
        summary.click()
    assert smallest_chart_text_px(page) >= 12  # the charts' labels can be read on a phone
    page.set_viewport_size({"width": 1280, "height": 720})

    for url in (f"/summaries/teams/{team.pk}/{latest_shown_period().key}/", f"/summaries/services/{service.pk}/"):
        page.goto(live_server.url + url)
        # The page's own content; the shared navigation bar is checked with the rest of the site.
        problems = axe_violations(page, context="main")
        assert not problems, problems


# Every box on show that scrolls sideways, as the browser lays the page out now.
WIDE = """() => [...document.querySelectorAll("main *")].filter(e => e.checkVisibility()
    && ["auto", "scroll"].includes(getComputedStyle(e).overflowX) && e.scrollWidth > e.clientWidth)
    .map(e => e.outerHTML.slice(0, 120))"""
# Everything on show whose right edge is past the screen's (text hidden for screen readers only is clipped to
# nothing, so it does not count).
PAST_THE_EDGE = """() => {
    const clipped = (e) => { for (let n = e; n && n !== document.body; n = n.parentElement) {
        const style = getComputedStyle(n); if (style.clipPath !== "none" || style.clip !== "auto") return true; }
        return false; };
    return [...document.querySelectorAll("main *")].filter(e => e.checkVisibility() && !clipped(e)
        && e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
        .map(e => e.outerHTML.slice(0, 120));
}"""


@pytest.mark.browser
def test_on_a_phone_the_summaries_fit_the_screen_and_open_on_what_needs_attention(
    live_server, phone_page, service, team, lead, question_set
):
    contributions(team, 5, {"systemic_pressures": 5})
    ServiceLead.objects.create(user=lead, service=service)
    team_action_create(
        team=team,
        created_by=lead,
        dimension="systemic_support",
        description="A reflective practice group every fortnight.",
        starts_on=timezone.localdate() - timedelta(days=365),
    )
    page = phone_page
    sign_in(page.context, live_server, lead)
    period = latest_shown_period().key
    for url in (f"/summaries/teams/{team.pk}/{period}/", f"/summaries/services/{service.pk}/{period}/"):
        page.goto(live_server.url + url)
        # The first screen answers "what needs attention": who took part, and the hotspots.
        for target in (page.get_by_text("5 of 5 members took part this period."), page.locator("#hotspots-heading")):
            box = target.bounding_box()
            assert box is not None and box["y"] + box["height"] <= 844, (url, box)
        # With every table and detail opened, nothing is wider than the screen and nothing scrolls sideways.
        page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
        assert page.evaluate(WIDE) == [], url
        assert page.evaluate(PAST_THE_EDGE) == [], url
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, url
        # The table of all figures is ten columns wide: a phone is offered the CSV instead.
        expect(page.locator("#all-figures")).to_be_hidden()
        expect(page.get_by_text("Download all the figures (CSV), to read in a spreadsheet")).to_be_visible()


@pytest.mark.browser
def test_what_got_in_the_way_reads_on_a_phone_and_a_desktop_and_passes_accessibility_checks(
    live_server, phone_page, service, team, lead, question_set
):
    for i, person in enumerate(people_in(team, 10)):
        send_saying_what_got_in_the_way(person, team, ["no_time", "not_allowed"] if i < 4 else ["diary_full"])
    page = phone_page
    sign_in(page.context, live_server, lead)
    page.goto(f"{live_server.url}/summaries/teams/{team.pk}/{latest_shown_period().key}/")
    section = page.locator("section", has=page.locator("#obstacles-heading"))
    expect(section).to_contain_text("10 people said what got in the way this period.")
    expect(section).to_contain_text("A full diary: 60% (6 people)")
    expect(section).to_contain_text("No time: 40% (4 people)")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width, name in ((390, "obstacles-phone"), (1280, "obstacles-desktop")):
        page.set_viewport_size({"width": width, "height": 844})
        section.scroll_into_view_if_needed()
        assert page.evaluate(PAST_THE_EDGE) == [], width
        element_png(section, SCREENSHOTS / f"team-summary-{name}.png")
        assert axe_violations(page, context="section[aria-labelledby=obstacles-heading]") == [], width
