"""The reflective profile a practitioner sees after sending a check-in."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.core.feedback import WORKED_OVER_OFTEN_FROM
from assessments.core.framework import DIMENSIONS, PHASES
from assessments.models import PractitionerProfile
from tests.checkins import submit_checkin
from tests.page_text import sentences, text_of, words
from tests.queries import PUSH


def test_the_profile_shows_all_three_phases_and_seven_dimensions(client, practitioner, team):
    checkin = submit_checkin(practitioner, team, {})
    client.force_login(practitioner)
    html = client.get(reverse("practitioner:checkin_detail", args=[checkin.pk])).content.decode()
    for phase in PHASES:
        assert str(phase.name) in html
    for dimension in DIMENSIONS:
        assert str(dimension.name) in html
    assert "not a validated measure" in html
    assert "resilience score" not in html.lower()


def test_the_profile_shows_each_score_once_in_words_beside_its_bar(client, practitioner, team):
    """Phase cards, bars and a table had shown every score three times."""
    checkin = submit_checkin(
        practitioner, team, {"systemic_pressures": 5, "individual_values": 4, "systemic_support": 2}, default=3
    )
    client.force_login(practitioner)
    html = client.get(reverse("practitioner:checkin_detail", args=[checkin.pk])).content.decode()
    for dimension in DIMENSIONS:
        assert html.count(f'id="score-{dimension.slug}"') == 1
    assert html.count("</strong> out of 100") == len(DIMENSIONS)
    assert "<table" not in html and "score-chart" not in html and "phase-parts" not in html and "{#" not in html
    # The bars are drawn for the eye only: the numbers are the words beside them.
    assert html.count('class="app-scores__bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true"') == 7


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
    assert "Your answers show high pressure from how the work is set up." in html
    assert "That is for the service to change, not for you to fix alone." in html
    assert "This is worth raising" in html and "says how to raise it" in html


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
    assert "116 123" not in html and "999" not in html
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
    client, practitioner, team, django_assert_num_queries, count
):
    for i in range(count):
        latest = submit_checkin(practitioner, team, {}, when=timezone.now() - timedelta(days=count - i))
    client.force_login(practitioner)
    # The session, the user, the check-in, its scores, the check-in before it and (when there is one) its scores, the
    # answers, the profile, the moves, the reflections; the first request after signing in also pushes
    # the session's end back. Eight check-ins cost what two do.
    earlier_scores = 1 if count > 1 else 0
    with django_assert_num_queries(9 + earlier_scores + PUSH):
        assert client.get(reverse("practitioner:checkin_detail", args=[latest.pk])).status_code == 200
    # The session, the user, the check-ins and their scores (the menu is in the session).
    with django_assert_num_queries(4):
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


def profile_html(client, user, team, answers) -> str:
    checkin = submit_checkin(user, team, answers)
    client.force_login(user)
    return client.get(reverse("practitioner:checkin_detail", args=[checkin.pk])).content.decode()


def test_working_over_and_supervision_that_went_ahead_are_said_back_in_the_persons_own_words(
    client, practitioner, team
):
    html = profile_html(client, practitioner, team, {"worked_over": 4, "supervision_happened": 2})
    said = text_of(html, "frequencies-heading")
    assert "How often did you work beyond your hours? Several times a week" in said
    assert "How much of your planned case-management supervision went ahead? Less than half" in said
    assert "linked with burnout in this work" in said


@pytest.mark.parametrize("worked_over", [3, 4, 5], ids=["once a week", "several times a week", "most days"])
def test_working_over_several_times_a_week_or_more_is_never_praised_as_healthy_boundaries(
    client, practitioner, team, worked_over
):
    html = profile_html(client, practitioner, team, {"work_boundaries": 5, "worked_over": worked_over})
    praised = "You are keeping healthy boundaries" in text_of(html, "feedback-heading")
    assert praised == (worked_over < WORKED_OVER_OFTEN_FROM)


def test_supervision_that_mostly_did_not_go_ahead_offers_the_route_to_raise_it_and_is_not_praised(
    client, practitioner, team
):
    html = profile_html(client, practitioner, team, {"systemic_support": 5, "supervision_happened": 1})
    assert "This is worth raising" in text_of(html, "raise-it-heading")
    feedback = text_of(html, "feedback-heading")
    assert "Your answers show supervision that mostly did not go ahead." in feedback
    assert "good support from supervision" not in feedback
    assert text_of(html, "support-panel") == ""  # the service's part: to raise, not a crisis


def test_a_low_everything_profile_names_the_system_once_repeats_no_sentence_and_stays_short(client, practitioner, team):
    """The domain review's pattern B: 725 words and "Your answers also show…" 12 times, before."""
    html = profile_html(
        client,
        practitioner,
        team,
        {
            "systemic_pressures": 4,
            "individual_challenges": 4,
            "systemic_values": 2,
            "systemic_support": 2,
            "individual_values": 2,
            "individual_coping": 2,
            "work_boundaries": 2,
            "hp_worn_out": 3,
            "hp_low": 2,
            "worked_over": 5,
            "supervision_happened": 1,
        },
    )
    parts = ("support-panel", "raise-it-heading", "frequencies-heading", "feedback-heading")
    said = [s for part in parts for s in sentences(text_of(html, part))]
    assert len(said) > 30
    assert [s for s, n in Counter(said).items() if n > 1] == []
    feedback = text_of(html, "feedback-heading")
    assert feedback.count("Your answers show") == 1 and "Your answers also show" not in feedback
    assert feedback.index("Your answers show") < feedback.index("Parts of the role feel hard")
    assert words(feedback) <= 250, words(feedback)
