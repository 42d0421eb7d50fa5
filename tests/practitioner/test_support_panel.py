"""What a practitioner sees on their profile when they say how they have been: support graded by how they are and
their own resources, never by how the service is; why it is showing, in their own answers; every number a link."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import submit_checkin
from tests.page_text import numbers_not_linked, text_of

# The domain review's pattern A: the heaviest systemic pressure, poor culture and supervision, good personal
# coping; worn out "Sometimes", low "Never"; working over "Several times a week"; supervision "Less than half".
PATTERN_A = {
    "systemic_pressures": 5,
    "systemic_values": 2,
    "systemic_support": 2,
    "individual_challenges": 2,
    "individual_values": 4,
    "individual_coping": 4,
    "work_boundaries": 4,
    "hp_worn_out": 3,
    "hp_low": 1,
    "worked_over": 4,
    "supervision_happened": 2,
}
LOW = "How often did you feel so low that it was hard to get through the day?"
WORN_OUT = "How often did you feel worn out by work?"
OFTEN_WORDS = ["Never", "Rarely", "Sometimes", "Often", "Most of the time"]

# What each level of the panel adds, as the person reads it.
PEOPLE = ["People who can help", "Your GP", "Your supervisor", "NHS Practitioner Health", "occupational health"]
TALK_NOW = ["Someone to talk to now", "Samaritans", "116 123", "Shout", "text SHOUT to 85258", "mental health option"]
URGENT = ["If you need help now", "Call 999 or go to A&E now if:", "your life is at risk", "keep yourself safe"]


def profile(client, user, team, answers) -> tuple[str, str]:
    """The profile page of a check-in sent with `answers`, and the support panel's text ("" if none)."""
    checkin = submit_checkin(user, team, answers)
    client.force_login(user)
    html = client.get(reverse("practitioner:checkin_detail", args=[checkin.pk])).content.decode()
    return html, text_of(html, "support-panel")


def test_someone_who_was_never_low_is_not_shown_crisis_lines_for_their_teams_culture_and_supervision(
    client, practitioner, team
):
    html, panel = profile(client, practitioner, team, PATTERN_A)
    main = text_of(html, "maincontent")
    assert panel == ""
    for crisis in ("999", "A&E", "116 123", "Samaritans", "Shout", "85258", "NHS 111"):
        assert crisis not in main, crisis
    assert "This is worth raising" in main  # the service's part, to raise


@pytest.mark.parametrize("low", range(1, 6), ids=lambda v: OFTEN_WORDS[v - 1])
def test_the_panel_is_graded_by_how_often_the_person_felt_low(client, practitioner, team, low):
    """Never or Rarely: nothing. Sometimes: people who can help. Often: and someone to talk to now. Most of the time:
    and the urgent card, first."""
    _html, panel = profile(client, practitioner, team, {"hp_low": low, "hp_worn_out": 1})
    level = {1: 0, 2: 0, 3: 1, 4: 2, 5: 3}[low]
    for wanted, shown_from in ((PEOPLE, 1), (TALK_NOW, 2), (URGENT, 3)):
        for words in wanted:
            assert (words in panel) == (level >= shown_from), (words, panel)
    if level:
        assert f"You said “{OFTEN_WORDS[low - 1]}” to: “{LOW}”" in panel  # why it shows, in their own answer
        assert "not a failing" in panel
        assert "Only you can see this. No one is alerted by your answers." in panel
    if level == 3:
        assert panel.index("Call 999") < panel.index("People who can help")


@pytest.mark.parametrize("worn_out", range(1, 6), ids=lambda v: OFTEN_WORDS[v - 1])
def test_being_worn_out_shows_people_who_can_help_from_often_and_never_crisis_lines(
    client, practitioner, team, worn_out
):
    _html, panel = profile(client, practitioner, team, {"hp_low": 1, "hp_worn_out": worn_out})
    assert ("People who can help" in panel) == (worn_out >= 4)
    assert not any(words in panel for words in TALK_NOW + URGENT)
    if worn_out >= 4:
        assert f"You said “{OFTEN_WORDS[worn_out - 1]}” to: “{WORN_OUT}”" in panel
        assert LOW not in panel  # "Never" low is not a reason


def test_two_very_low_resources_of_ones_own_show_people_who_can_help_and_name_them(client, practitioner, team):
    _html, panel = profile(client, practitioner, team, {"individual_coping": 1, "work_boundaries": 1})
    assert "People who can help" in panel and "Samaritans" not in panel
    assert "Looking after yourself, Work boundaries." in panel


def test_practitioner_health_is_described_in_its_own_words_without_widening_who_can_use_it(client, practitioner, team):
    _html, panel = profile(client, practitioner, team, {"hp_low": 3})
    assert "where there is a genuine reason why they cannot access care confidentially" in panel
    assert "including those who cannot get care from their own service" not in panel


def test_every_number_on_the_most_severe_panel_is_a_link_to_call_or_text_it(client, practitioner, team):
    html, panel = profile(client, practitioner, team, {"hp_low": 5})
    for number in ("999", "111", "116 123", "85258", "0300 0303 300"):
        assert number in panel, number
    assert numbers_not_linked(html, "support-panel") == []
    assert 'href="sms:85258?body=SHOUT"' in html and 'href="tel:999"' in html and 'href="tel:116123"' in html


def test_the_number_check_finds_a_number_that_is_not_a_link():
    """The check itself, on a panel made to fail: an unlinked number, and a link that calls a different one."""
    html = '<div id="p"><p>Call 116 123.</p><a href="tel:111">999</a> <a href="tel:999">999</a></div><p>0300 1</p>'
    assert numbers_not_linked(html, "p") == ["116 123: not a link to call or text", "999: the link goes to tel:111"]
