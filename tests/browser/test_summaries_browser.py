"""The summary pages in a real browser: they render, read in order, and pass automated accessibility checks."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from assessments.core.periods import latest_shown_period
from assessments.models import ServiceLead
from tests.browser.conftest import smallest_chart_text_px
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
