"""Hotspots: a lead is sent only to what is at its concerning end, never to the least bad of what works."""

from __future__ import annotations

from django.urls import reverse

from tests.world import contributions


def _team_page(client, lead, team) -> str:
    client.force_login(lead)
    return client.get(reverse("leads:team_summary_current", args=[team.pk]), follow=True).content.decode()


def test_a_team_in_the_middle_of_every_scale_has_no_hotspot(client, lead, team, question_set):
    contributions(team, 12, {"default": 3})
    html = _team_page(client, lead, team)
    assert "Nothing stands out this period" in html
    assert "Highest pressure" not in html and "Lowest support or strength" not in html
    assert "worth a look" not in html.split('id="hotspots-heading"', 1)[1].split("</section>", 1)[0]


def test_only_the_flagged_end_is_a_hotspot(client, lead, team, question_set):
    # High pressure everywhere; every support and strength in the middle of its scale.
    contributions(team, 12, {"systemic_pressures": 4, "individual_challenges": 4, "default": 3})
    card = _team_page(client, lead, team).split('id="hotspots-heading"', 1)[1].split("</section>", 1)[0]
    assert "Highest pressure" in card and "worth a look" in card
    assert "Lowest support or strength" not in card and "Nothing stands out" not in card
