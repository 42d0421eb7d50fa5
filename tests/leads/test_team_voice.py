"""The team's voice on an action: one tap on the home page, private to its author, and seen by leads only as a
published team figure from enough answers, so no read before and after one person's change isolates them."""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from assessments.leads.team_actions import team_action_move
from assessments.models import ActionVoice, Membership, Role, TeamAction
from tests.actions import make_action
from tests.cast import make_user
from tests.clients import BrowserClient
from tests.world import people_in

LONDON = ZoneInfo("Europe/London")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 12, tzinfo=LONDON)


@pytest.fixture
def action(team, lead) -> TeamAction:
    return make_action(lead, team, review_on=date(2026, 6, 1))


def tap(user, action: TeamAction, answer: str):
    client = BrowserClient()
    client.force_login(user)
    return client.post(reverse("site:action_voice", args=[action.pk]), {"answer": answer})


def lead_pages(lead, team, action, period: str) -> dict[str, str]:
    """What the lead can read about the action: the team summary for `period`, its CSV and the action's page."""
    client = BrowserClient()
    client.force_login(lead)
    urls = [
        reverse("leads:team_summary", args=[team.pk, period]),
        reverse("leads:team_summary_export", args=[team.pk, period]),
        reverse("leads:action_detail", args=[action.pk]),
    ]
    return {url: TOKEN.sub("", client.get(url).content.decode()) for url in urls}


def test_a_practitioner_answers_in_one_tap_and_can_change_their_answer(client, practitioner, action):
    with time_machine.travel(at(2026, 3, 10), tick=False):
        response = tap(practitioner, action, "not_yet")
        assert response.status_code == 302
        assert response["Location"] == reverse("site:home") + f"#action-{action.pk}"
        assert tap(practitioner, action, "yes").status_code == 302
        # One answer per period (kept for both period kinds): the second tap replaced the first.
        assert sorted(ActionVoice.objects.values_list("kind", "answer")) == [("month", "yes"), ("quarter", "yes")]
        client.force_login(practitioner)
        home = client.get(reverse("site:home")).content.decode()
        assert "You said yes for March 2026." in home
        assert f'action="{reverse("site:action_voice", args=[action.pk])}"' in home
        assert home.count('name="answer"') == 3  # yes, not yet, no: buttons in a form, no JavaScript needed
    with time_machine.travel(at(2026, 4, 2), tick=False):
        client.force_login(practitioner)  # weeks later: a new session
        home = client.get(reverse("site:home")).content.decode()
        assert "Last time you said yes. How about now?" in home


def test_an_unknown_answer_or_a_closed_action_is_refused_and_changes_nothing(client, practitioner, lead, action):
    response = tap(practitioner, action, "maybe")
    assert response.status_code == 302 and not ActionVoice.objects.exists()
    team_action_move(action=action, by=lead, status=TeamAction.Status.DONE)
    client.force_login(practitioner)
    response = client.post(reverse("site:action_voice", args=[action.pk]), {"answer": "yes"}, follow=True)
    assert "This action has been closed, so it is no longer asking for answers." in response.content.decode()
    assert not ActionVoice.objects.exists()


def test_nobody_outside_the_team_can_answer(other_team, action, lead):
    elsewhere = make_user("uma")
    Membership.objects.create(user=elsewhere, team=other_team, role=Role.PRACTITIONER)
    assert tap(elsewhere, action, "yes").status_code == 404
    assert tap(lead, action, "yes").status_code == 404  # the team's lead is not one of its practitioners
    assert not ActionVoice.objects.exists()


@pytest.mark.parametrize("answers, shown", [(9, False), (10, True)])
def test_leads_see_the_teams_voice_only_from_enough_answers_in_a_period_that_has_ended(
    lead, team, action, answers, shown
):
    people = people_in(team, answers)
    with time_machine.travel(at(2026, 3, 10), tick=False):
        for i, person in enumerate(people):
            tap(person, action, "yes" if i % 3 else "no")
        # While March is open, nothing of it can be read.
        assert (
            "March 2026"
            not in lead_pages(lead, team, action, "2026-02")[reverse("leads:action_detail", args=[action.pk])]
        )
    with time_machine.travel(at(2026, 4, 2), tick=False):
        pages = lead_pages(lead, team, action, "2026-03")
    detail = pages[reverse("leads:action_detail", args=[action.pk])]
    summary = pages[reverse("leads:team_summary", args=[team.pk, "2026-03"])]
    if shown:
        assert "Of 10 people who answered: 6 yes, 0 not yet, 4 no." in detail
        assert "Of 10 people who answered: 6 yes, 0 not yet, 4 no." in summary
    else:
        for page in (detail, summary):
            assert "people who answered" not in page
            assert "Shown once at least 10 people have answered in a period" in page


# Ten colleagues' answers, in turn: as varied as a real team's (a team that all said the same has its voice withheld).
TEN_ANSWER = ["not_yet", "yes", "no", "not_yet", "yes", "no", "not_yet", "yes", "no", "not_yet"]


def test_reading_before_and_after_one_person_changes_their_answer_isolates_nobody(lead, team, action):
    """Ten colleagues give their answers in March, and Xavier says "not yet". The lead reads everything, Xavier
    changes his answer, the lead reads again: during March nothing moves (it is not shown), after March its figure
    never moves, and Xavier's change in April is one answer in a period that needs ten."""
    colleagues = people_in(team, 10)
    xavier = people_in(team, 1, prefix="xavier")[0]
    with time_machine.travel(at(2026, 3, 10), tick=False):
        for person, answer in zip(colleagues, TEN_ANSWER, strict=True):
            tap(person, action, answer)
        tap(xavier, action, "not_yet")
    with time_machine.travel(at(2026, 3, 20), tick=False):
        before = lead_pages(lead, team, action, "2026-02")
        tap(xavier, action, "yes")
        assert lead_pages(lead, team, action, "2026-02") == before  # an open period's answers show nowhere
    with time_machine.travel(at(2026, 4, 2), tick=False):
        march = lead_pages(lead, team, action, "2026-03")
        assert (
            "Of 11 people who answered: 4 yes, 4 not yet, 3 no."
            in march[reverse("leads:action_detail", args=[action.pk])]
        )
    with time_machine.travel(at(2026, 4, 9), tick=False):
        tap(xavier, action, "no")  # counts in April, not in March
        assert lead_pages(lead, team, action, "2026-03") == march  # published: it never changes
    with time_machine.travel(at(2026, 5, 2), tick=False):
        april = lead_pages(lead, team, action, "2026-04")
        detail = april[reverse("leads:action_detail", args=[action.pk])]
        assert "Of 11 people who answered: 4 yes, 4 not yet, 3 no." in detail  # March, as it was
        assert detail.count("people who answered:") == 1  # Xavier's April answer is shown nowhere
        assert detail.count("Shown once at least 10 people have answered in a period") >= 1


def test_the_voice_of_someone_who_can_read_the_figures_or_joined_during_the_period_never_counts(lead, team, action):
    people = people_in(team, 10)
    Membership.objects.create(user=lead, team=team, role=Role.PRACTITIONER, created_at=at(2023, 1, 2))
    newcomer = make_user("nina")
    Membership.objects.create(user=newcomer, team=team, role=Role.PRACTITIONER, created_at=at(2026, 3, 5))
    with time_machine.travel(at(2026, 3, 10), tick=False):
        for i, person in enumerate(people):
            tap(person, action, "not_yet" if i % 2 else "no")
        assert tap(lead, action, "yes").status_code == 302  # taken, as a lead's check-in is, but never counted
        assert tap(newcomer, action, "yes").status_code == 302
    with time_machine.travel(at(2026, 4, 2), tick=False):
        detail = lead_pages(lead, team, action, "2026-03")[reverse("leads:action_detail", args=[action.pk])]
    assert "Of 10 people who answered: 0 yes, 5 not yet, 5 no." in detail


def test_answers_go_with_their_period_once_it_is_past_retention(practitioner, action):
    with time_machine.travel(at(2023, 12, 10), tick=False):
        tap(practitioner, action, "yes")
    with time_machine.travel(at(2026, 3, 10), tick=False):
        tap(practitioner, action, "no")
        call_command("purge_expired", stdout=io.StringIO())
    # December 2023 (and its quarter) ended more than 24 months before 10 March 2026; this period is kept.
    assert sorted(ActionVoice.objects.values_list("kind", "period_start")) == [
        ("month", date(2026, 3, 1)),
        ("quarter", date(2026, 1, 1)),
    ]


def test_an_action_is_asked_about_only_once_it_has_had_four_weeks(client, practitioner, lead, team):
    action = make_action(lead, team, starts_on=date(2026, 3, 2), review_on=date(2026, 6, 1))
    voice_url = reverse("site:action_voice", args=[action.pk])
    client.force_login(practitioner)
    with time_machine.travel(at(2026, 3, 20), tick=False):
        home = client.get(reverse("site:home")).content.decode()
        assert "A peer group every fortnight" in home and f'action="{voice_url}"' not in home
        assert "We will ask whether it has made a difference from 30 March 2026, once it has had 4 weeks." in home
        refused = client.post(voice_url, {"answer": "yes"}, follow=True).content.decode()
        assert "We will ask whether this has made a difference from 30 March 2026" in refused
        assert not ActionVoice.objects.exists()
    with time_machine.travel(at(2026, 3, 30), tick=False):
        client.force_login(practitioner)  # ten days later: a new session
        assert f'action="{voice_url}"' in client.get(reverse("site:home")).content.decode()
        assert tap(practitioner, action, "yes").status_code == 302
        assert ActionVoice.objects.filter(user=practitioner).exists()


@pytest.mark.parametrize("for_the_service", [False, True])
def test_someone_who_joined_after_an_action_started_is_never_asked_about_it(
    client, lead, service_lead, team, service, for_the_service
):
    action = (
        make_action(service_lead, service=service, dimension="systemic_pressures")
        if for_the_service
        else make_action(lead, team)
    )  # from 5 January 2026
    newcomer = make_user("nina")
    Membership.objects.create(user=newcomer, team=team, role=Role.PRACTITIONER, created_at=at(2026, 3, 5))
    voice_url = reverse("site:action_voice", args=[action.pk])
    client.force_login(newcomer)
    with time_machine.travel(at(2026, 5, 10), tick=False):
        home = client.get(reverse("site:home")).content.decode()
        assert action.description in home and f'action="{voice_url}"' not in home
        refused = client.post(voice_url, {"answer": "no"}, follow=True).content.decode()
        assert "This action started before you joined" in refused
    assert not ActionVoice.objects.exists()


def test_the_demo_shows_lee_the_north_teams_voice_on_its_cap_on_new_assessments(client, question_set):
    call_command("seed_demo", stdout=io.StringIO())
    action = TeamAction.objects.get(description__startswith="Cap new assessments")
    client.force_login(action.created_by)  # lee
    detail = client.get(reverse("leads:action_detail", args=[action.pk])).content.decode()
    assert "Of 13 people who answered: 7 yes, 4 not yet, 2 no." in detail
