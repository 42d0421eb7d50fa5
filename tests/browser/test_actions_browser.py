"""The action pages and the lead summaries with actions, in a real browser: axe-clean at 390 and 1280 px, no sideways
scrolling on a phone, the team's voice in one tap without JavaScript, and the summaries printed on A4."""

from __future__ import annotations

import subprocess
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.core.periods import latest_shown_period
from assessments.leads.team_actions import team_action_move
from assessments.models import ActionVoice, ServiceLead, TeamAction
from tests.actions import make_action
from tests.browser.conftest import SCREENSHOTS, WIDTHS, axe_violations, sign_in
from tests.checkins import moment_in
from tests.world import contributions

pytestmark = pytest.mark.browser

PRINTS = SCREENSHOTS.parent / "print"


@pytest.fixture
def scene(service, team, other_team, lead, practitioner, question_set):
    """A service lead, a team of 12 with two periods of figures, a team action under way, one closed and one for the
    whole service."""
    contributions(
        team,
        12,
        {"systemic_pressures": 4, "systemic_support": 2},
        when=moment_in(latest_shown_period().previous()),
        prefix="feb",
    )
    contributions(team, 12, {"systemic_pressures": 5, "systemic_support": 3}, prefix="mar")
    contributions(other_team, 6, {"systemic_values": 2}, prefix="south")
    ServiceLead.objects.create(user=lead, service=service)
    year_ago, today = timezone.localdate() - timedelta(days=365), timezone.localdate()
    under_way = make_action(
        lead,
        team,
        description="A reflective practice group every fortnight, in work time.",
        owner="Dana Okafor, clinical lead",
        starts_on=year_ago,
        review_on=today,
    )
    team_action_move(action=under_way, by=lead, status=TeamAction.Status.UNDER_WAY)
    done = make_action(
        lead,
        team,
        dimension="individual_challenges",
        provision=TeamAction.Provision.TRAINING,
        description="Training in risk assessment for everyone who asks.",
        owner="Training team",
        starts_on=year_ago,
        review_on=today,
    )
    team_action_move(action=done, by=lead, status=TeamAction.Status.DONE)
    for_all = make_action(
        lead,
        service=service,
        dimension="systemic_pressures",
        description="A caseload ceiling agreed with every team.",
        owner="Operations manager",
        starts_on=year_ago,
        review_on=today + timedelta(days=60),
    )
    return {"lead": lead, "practitioner": practitioner, "under_way": under_way, "for_all": for_all}


def audit(page) -> list[str]:
    return axe_violations(page, context="main")


def test_the_action_pages_pass_axe_and_fit_a_phone(live_server, page, scene, team, service, screenshot):
    sign_in(page.context, live_server, scene["lead"])
    period = latest_shown_period().key
    action = scene["under_way"]
    pages = {
        "team-summary-actions": reverse("leads:team_summary", args=[team.pk, period]),
        "service-summary-actions": reverse("leads:service_summary", args=[service.pk, period]),
        "action-detail": reverse("leads:action_detail", args=[action.pk]),
        "action-edit": reverse("leads:action_edit", args=[action.pk]),
        "action-add-suggestions": reverse("leads:team_action_add", args=[team.pk]),
        "service-action-add": reverse("leads:service_action_add", args=[service.pk]),
    }
    failures = []
    for name, path in pages.items():
        page.set_viewport_size(WIDTHS[0])  # opened on a phone, then the same page widened (as test_accessibility.py)
        page.goto(live_server.url + path)
        page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
        for size in WIDTHS:
            page.set_viewport_size(size)
            failures += [f"{name} at {size['width']}: {r}" for r in audit(page)]
            if size["width"] == 390:
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > 390:
                    failures.append(f"{name} scrolls sideways on a phone ({width} px)")
            screenshot(page, f"actions-{name}-{size['width']}")
    assert not failures, "\n".join(failures)


def test_a_practitioner_says_whether_an_action_helped_in_one_tap_without_javascript(
    live_server, browser, scene, screenshot
):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    sign_in(context, live_server, scene["practitioner"])
    page.goto(live_server.url + "/")
    item = page.locator(f"#action-{scene['under_way'].pk}")
    item.get_by_role("button", name="Yes").click()
    assert page.get_by_text("Thank you. Your answer counts in the team's figures").is_visible()
    assert "You said yes for" in page.locator(f"#action-{scene['under_way'].pk}").inner_text()
    page.locator(f"#action-{scene['under_way'].pk}").get_by_role("button", name="Not yet").click()
    assert "You said not yet for" in page.locator(f"#action-{scene['under_way'].pk}").inner_text()
    assert ActionVoice.objects.filter(user=scene["practitioner"], kind="month").get().answer == "not_yet"
    # Closed actions are not on the home page; the service's action for every team is.
    assert page.get_by_text("Training in risk assessment for everyone who asks.", exact=True).count() == 0
    assert page.get_by_text("A caseload ceiling agreed with every team.", exact=True).is_visible()
    screenshot(page, "actions-home-voice-390")
    context.close()
    # The audit needs scripts (axe runs in the page): the same home page, with them on.
    page = browser.new_page()
    sign_in(page.context, live_server, scene["practitioner"])
    failures = []
    page.set_viewport_size(WIDTHS[0])
    page.goto(live_server.url + "/")
    for size in WIDTHS:
        page.set_viewport_size(size)
        failures += [f"home at {size['width']}: {r}" for r in audit(page)]
    screenshot(page, "actions-home-voice-1280")
    page.context.close()
    assert not failures, "\n".join(failures)


def test_the_team_and_service_summaries_print_on_a4(live_server, page, scene, team, service):
    """Printed to PDF as Chromium prints, then each page turned into a PNG (poppler's pdftoppm) to look at."""
    sign_in(page.context, live_server, scene["lead"])
    PRINTS.mkdir(parents=True, exist_ok=True)
    period = latest_shown_period().key
    for name, path in (
        ("team", reverse("leads:team_summary", args=[team.pk, period])),
        ("service", reverse("leads:service_summary", args=[service.pk, period])),
    ):
        page.goto(live_server.url + path)
        page.emulate_media(media="print")
        # What a board member needs is on paper; what is for pressing or following on screen is not.
        assert page.locator("header.nhsuk-header").is_hidden()
        assert (
            page.locator("main form, main .nhsuk-button, nav[aria-label=Periods]").evaluate_all(
                "els => els.filter(e => e.checkVisibility()).length"
            )
            == 0
        )
        assert page.locator("#took-part").is_visible()
        assert page.locator("svg.trend-chart").first.is_visible()  # the charts print open
        assert page.get_by_text("A reflective practice group every fortnight, in work time.").first.is_visible()
        assert page.locator("#all-figures").is_hidden()  # the long table is the CSV's
        pdf = PRINTS / f"{name}-summary.pdf"
        page.pdf(path=str(pdf), format="A4", print_background=True)
        page.emulate_media(media="screen")
        for old in PRINTS.glob(f"{name}-summary-*.png"):
            old.unlink()
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(PRINTS / f"{name}-summary")], check=True)
        pages = sorted(PRINTS.glob(f"{name}-summary-*.png"))
        # A board pack, not a printout of every figure: the summary fits on six A4 pages (five when checked).
        assert pages and len(pages) <= 6, (name, len(pages))
