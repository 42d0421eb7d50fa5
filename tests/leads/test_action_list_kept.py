"""A summary page's list of actions is rendered once per process for everything it shows (docs/adr/0018): a lead
never reads an action as it was before a change, and a page from the kept list is the page rendered afresh."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone

from assessments.core.periods import latest_shown_period
from assessments.leads.team_actions import team_action_edit, team_action_move
from assessments.models import TeamAction
from tests.actions import make_action

Status = TeamAction.Status


@pytest.fixture(autouse=True)
def _empty_fragment_cache():
    caches["template_fragments"].clear()
    yield
    caches["template_fragments"].clear()


def team_page(client, team) -> str:
    response = client.get(reverse("leads:team_summary", args=[team.pk, latest_shown_period().key]))
    assert response.status_code == 200
    return response.content.decode()


def service_page(client, service) -> str:
    response = client.get(reverse("leads:service_summary", args=[service.pk, latest_shown_period().key]))
    assert response.status_code == 200
    return response.content.decode()


def item(html: str, action: TeamAction) -> str:
    found = re.search(rf'<li id="action-{action.pk}">(.*?)</li>', html, re.S)
    assert found, f"action {action.pk} is not on the page"
    return found.group(1)


def without_tokens(html: str) -> str:
    """The page less what differs on every request: the CSRF tokens and the session's seconds left."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'data-seconds-left="\d+"', "", html)


def test_a_change_of_status_shows_at_once(client, lead, team):
    action = make_action(lead, team, description="A peer group every fortnight")
    client.force_login(lead)
    assert "Planned" in item(team_page(client, team), action)
    team_action_move(action=action, by=lead, status=Status.UNDER_WAY)
    assert "Under way" in item(team_page(client, team), action)
    team_action_move(action=action, by=lead, status=Status.DONE)
    shown = item(team_page(client, team), action)
    assert "Done" in shown and "closed " in shown


def test_an_edit_of_what_it_says_shows_at_once(client, lead, team):
    action = make_action(lead, team, description="A peer group every fortnight", owner="Dana")
    client.force_login(lead)
    team_page(client, team)
    team_action_edit(
        action=action,
        by=lead,
        description="A peer group every week",
        owner="Sam",
        review_on=action.review_on + timedelta(days=31),
        provision="",
    )
    shown = item(team_page(client, team), action)
    assert "A peer group every week" in shown and "Owner: Sam" in shown and "fortnight" not in shown


def test_a_renamed_team_shows_its_new_name_beside_its_action(client, lead, service_lead, service, team):
    action = make_action(lead, team)
    client.force_login(service_lead)
    assert team.name in item(service_page(client, service), action)
    team.name = "The renamed team"
    team.save()
    assert "The renamed team" in item(service_page(client, service), action)


def test_review_due_appears_the_day_it_falls_due(client, lead, team, monkeypatch):
    today = timezone.localdate()
    action = make_action(lead, team, review_on=today + timedelta(days=1))
    client.force_login(lead)
    assert "review due" not in item(team_page(client, team), action)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: today + timedelta(days=1))
    assert "review due" in item(team_page(client, team), action)


def test_the_same_action_on_two_periods_pages_says_each_pages_period(client, lead, team):
    period = latest_shown_period()
    action = make_action(lead, team, starts_on=period.previous().start)
    client.force_login(lead)
    here = client.get(reverse("leads:team_summary", args=[team.pk, period.key])).content.decode()
    before = client.get(reverse("leads:team_summary", args=[team.pk, period.previous().key])).content.decode()
    assert f"In {period.label}:" in item(here, action)
    assert f"In {period.previous().label}:" in item(before, action)


def test_a_page_from_the_kept_list_is_the_page_rendered_afresh(
    client, lead, other_lead, service_lead, service, team, other_team
):
    made = [
        make_action(lead, team, description="Team <b>bold</b> & ampersand"),
        make_action(other_lead, other_team, description="Another team's", owner=""),
        make_action(service_lead, service=service, dimension="systemic_pressures", description="For every team"),
        make_action(lead, team, dimension="individual_coping", provision="training", description="Training"),
    ]
    team_action_move(action=made[0], by=lead, status=Status.DONE)
    client.force_login(service_lead)
    fresh = service_page(client, service)
    cached = service_page(client, service)  # the list from the cache this time
    assert without_tokens(cached) == without_tokens(fresh)
    assert "Team &lt;b&gt;bold&lt;/b&gt; &amp; ampersand" in fresh
    caches["template_fragments"].clear()
    assert without_tokens(service_page(client, service)) == without_tokens(fresh)
