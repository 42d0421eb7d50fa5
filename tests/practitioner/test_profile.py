"""The reflective profile a practitioner sees after sending a check-in."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.core.framework import DIMENSIONS, PHASES
from assessments.models import PractitionerProfile
from tests.conftest import MENU, SESSION_SAVE, submit_checkin


def test_the_profile_shows_all_three_phases_and_seven_dimensions(client, practitioner, team):
    checkin = submit_checkin(practitioner, team, {})
    client.force_login(practitioner)
    html = client.get(reverse("practitioner:checkin_detail", args=[checkin.pk])).content.decode()
    for phase in PHASES:
        assert str(phase.name) in html
    for dimension in DIMENSIONS:
        assert str(dimension.name) in html
    assert "not a validated measure" in html
    assert '<svg class="score-chart"' in html and "<table" in html  # the chart, not the NHS logo
    assert "resilience score" not in html.lower()


def test_the_profile_makes_direction_plain(client, practitioner, team):
    checkin = submit_checkin(practitioner, team, {})
    client.force_login(practitioner)
    html = client.get(reverse("practitioner:checkin_detail", args=[checkin.pk])).content.decode()
    assert "Higher means more pressure" in html
    assert "Higher means more support and strength" in html


def test_high_systemic_pressure_is_framed_as_something_to_raise_not_a_personal_failing(client, practitioner, team):
    checkin = submit_checkin(practitioner, team, {"systemic_pressures": 5})
    client.force_login(practitioner)
    html = client.get(reverse("practitioner:checkin_detail", args=[checkin.pk])).content.decode()
    assert "This comes from the system, not from you" in html
    assert "raising with your lead or in supervision" in html


def test_low_individual_coping_gets_a_concrete_suggestion(client, practitioner, team):
    checkin = submit_checkin(practitioner, team, {"individual_coping": 1})
    client.force_login(practitioner)
    html = client.get(reverse("practitioner:checkin_detail", args=[checkin.pk])).content.decode()
    assert "lunch break away from your desk" in html


def test_feeling_low_shows_the_support_panel_even_in_the_middle_of_every_dimension(client, practitioner, team):
    checkin = submit_checkin(practitioner, team, {"hp_low": 4})  # "Often"; every scored statement in the middle
    client.force_login(practitioner)
    html = client.get(reverse("practitioner:checkin_detail", args=[checkin.pk])).content.decode()
    assert "Support is there if you want it" in html
    assert "This is worth raising" not in html
    assert reverse("site:support") in html
    assert "NHS Practitioner Health" in html
    assert "occupational health" in html
    assert "116 123" in html


def test_the_heaviest_workload_alone_shows_the_raise_it_card_not_crisis_lines(client, practitioner, team):
    checkin = submit_checkin(practitioner, team, {"systemic_pressures": 5, "individual_challenges": 5})
    client.force_login(practitioner)
    html = client.get(reverse("practitioner:checkin_detail", args=[checkin.pk])).content.decode()
    assert "Support is there if you want it" not in html
    assert "116 123" not in html and "Call 999" not in html
    assert "This is worth raising" in html and "Freedom to Speak Up guardian" in html


def test_a_calm_profile_shows_no_signposting_panel(client, practitioner, team):
    checkin = submit_checkin(practitioner, team, {})
    client.force_login(practitioner)
    html = client.get(reverse("practitioner:checkin_detail", args=[checkin.pk])).content.decode()
    assert "Support is there if you want it" not in html


def test_the_profile_shows_change_since_the_previous_check_in(client, practitioner, team):
    submit_checkin(practitioner, team, {"systemic_pressures": 2}, when=timezone.now() - timedelta(days=20))
    latest = submit_checkin(practitioner, team, {"systemic_pressures": 4})
    client.force_login(practitioner)
    html = client.get(reverse("practitioner:checkin_detail", args=[latest.pk])).content.decode()
    assert "up 50" in html  # 25 -> 75
    assert "first check-in" not in html


def test_the_first_profile_says_there_is_nothing_to_compare_with(client, practitioner, team):
    checkin = submit_checkin(practitioner, team, {})
    client.force_login(practitioner)
    assert "first check-in" in client.get(reverse("practitioner:checkin_detail", args=[checkin.pk])).content.decode()


def test_history_lists_only_my_submitted_check_ins(client, practitioner, teammate, team):
    mine = submit_checkin(practitioner, team, {})
    theirs = submit_checkin(teammate, team, {})
    client.force_login(practitioner)
    html = client.get(reverse("practitioner:history")).content.decode()
    assert reverse("practitioner:checkin_detail", args=[mine.pk]) in html
    assert reverse("practitioner:checkin_detail", args=[theirs.pk]) not in html


@pytest.mark.parametrize("count", [1, 8])
def test_the_profile_and_history_query_counts_do_not_grow_with_history(
    client, practitioner, team, django_assert_max_num_queries, count
):
    for i in range(count):
        latest = submit_checkin(practitioner, team, {}, when=timezone.now() - timedelta(days=count - i))
    client.force_login(practitioner)
    with django_assert_max_num_queries(10 + SESSION_SAVE + MENU):
        assert client.get(reverse("practitioner:checkin_detail", args=[latest.pk])).status_code == 200
    with django_assert_max_num_queries(6 + SESSION_SAVE + MENU):
        assert client.get(reverse("practitioner:history")).status_code == 200


def test_the_values_i_named_are_shown_back_on_my_profile_and_my_home_page(client, practitioner, team):
    checkin = submit_checkin(practitioner, team, {})
    client.force_login(practitioner)
    profile = client.get(reverse("practitioner:checkin_detail", args=[checkin.pk])).content.decode()
    assert "What matters to you in your work" not in profile  # none named yet
    PractitionerProfile.objects.create(user=practitioner, values="Being there for people\nin a hard week")
    profile = client.get(reverse("practitioner:checkin_detail", args=[checkin.pk])).content.decode()
    home = client.get(reverse("site:home")).content.decode()
    for html in (profile, home):
        assert "What matters to you in your work" in html and "Being there for people<br>in a hard week" in html
    hint = "You can change these in the second part of your next check-in."
    assert hint in home and hint not in profile
