"""A lead's home page answers "what needs me?": who took part, what is at its concerning end, which actions are due
for review, and for a service lead, the teams that need a look named first. Every figure is a published one."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from assessments.core.periods import latest_shown_period
from assessments.models import SummaryAccess
from tests.actions import make_action
from tests.cast import new_member
from tests.world import contributions


def _home(client, user) -> str:
    client.force_login(user)
    page = client.get(reverse("site:home")).content.decode()
    return re.sub(r"\s+", " ", html.unescape(strip_tags(page.split("<main", 1)[1])))


def test_a_team_lead_sees_who_took_part_and_the_hotspot_in_words(client, lead, team, question_set):
    contributions(team, 12, {"systemic_pressures": 4, "default": 3})
    new_member(team, "quiet", "Quinn")  # a member who did not check in
    make_action(lead, team, review_on=timezone.localdate() - timedelta(days=1))  # due
    make_action(lead, team, review_on=timezone.localdate() + timedelta(days=30))  # not yet
    home = _home(client, lead)
    period = latest_shown_period().label
    assert f"12 of 13 members took part in {period}." in home
    assert "Worth a look: Pressures and demands of the service, high at 75 out of 100." in home
    assert "1 action due for review" in home
    assert SummaryAccess.objects.filter(user=lead, team=team, action=SummaryAccess.Action.VIEW).exists()


def test_a_team_in_the_middle_of_every_scale_is_told_nothing_stands_out(client, lead, team, question_set):
    contributions(team, 12, {"default": 3})
    home = _home(client, lead)
    assert "Nothing stands out this period." in home and "Worth a look" not in home
    assert "due for review" not in home


def test_a_small_teams_lead_sees_why_and_the_services_figures_never_a_smaller_group(
    client, lead, team, other_team, question_set
):
    contributions(team, 3, {"systemic_pressures": 5, "default": 3})
    contributions(other_team, 12, {"systemic_pressures": 4, "default": 3}, prefix="s")
    home = _home(client, lead)
    period = latest_shown_period().label
    assert f"Your team's figures for {period} are not shown." in home
    assert "Across the whole service: Worth a look: Pressures and demands of the service" in home
    card = home.split("Teams you lead", 1)[1].split("Team summary", 1)[0]
    assert "took part in" not in card and " 3 " not in card  # nothing of the three who did


def test_a_service_lead_sees_the_teams_that_need_a_look_first(client, service_lead, team, other_team, question_set):
    contributions(team, 12, {"default": 3})  # North: nothing stands out
    contributions(other_team, 12, {"systemic_pressures": 4, "default": 3}, prefix="s")  # South: high pressure
    home = _home(client, service_lead)
    assert "24 of 24 members took part" in home
    needing = home.split("Teams that need a look:", 1)[1]
    assert needing.lstrip().startswith("South team: Pressures and demands of the service, high at")
    assert "North team" not in needing.split("Service summary", 1)[0]


def test_a_service_where_no_team_stands_out_says_so(client, service_lead, team, other_team, question_set):
    contributions(team, 12, {"default": 3})
    contributions(other_team, 12, {"default": 3}, prefix="s")
    assert "No team stands out this period." in _home(client, service_lead)


def test_a_practitioner_sees_no_team_figures_at_home(client, practitioner, team, question_set):
    contributions(team, 12, {"systemic_pressures": 4, "default": 3})
    home = _home(client, practitioner)
    assert "took part in" not in home and "Worth a look" not in home
    assert not SummaryAccess.objects.filter(user=practitioner).exists()


def test_the_home_page_and_the_service_summary_name_the_same_teams_in_the_same_order(
    client, service_lead, service, team, other_team, question_set
):
    contributions(team, 12, {"systemic_pressures": 4, "default": 3})  # North: one part worth a look
    contributions(other_team, 12, {"systemic_pressures": 4, "individual_challenges": 4, "default": 3}, prefix="s")
    home = _home(client, service_lead).split("Teams that need a look:", 1)[1].split("Service summary", 1)[0]
    summary = client.get(reverse("leads:service_summary_current", args=[service.pk]), follow=True).content.decode()
    listed = html.unescape(strip_tags(summary.split('id="teams-to-look-at-heading"', 1)[1].split("</section>", 1)[0]))
    assert home.index("South team") < home.index("North team")  # two parts worth a look, then one
    assert listed.index("South team") < listed.index("North team")
