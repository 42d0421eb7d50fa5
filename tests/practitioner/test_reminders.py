"""Check-in reminders: once per cadence window, never to someone who opted out or already checked in."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from assessments.models import Cadence, Membership, PractitionerProfile, ReminderSent, Role
from assessments.practitioner.reminders import next_window_start, reminders_send, window_start
from tests.cast import make_user
from tests.checkins import submit_checkin
from tests.outbox import delivered

WEDNESDAY = date(2026, 11, 18)


@pytest.mark.parametrize(
    "cadence, today, start",
    [
        (Cadence.FOUR_WEEKLY, date(2024, 1, 1), date(2024, 1, 1)),
        (Cadence.FOUR_WEEKLY, date(2024, 1, 28), date(2024, 1, 1)),
        (Cadence.FOUR_WEEKLY, date(2024, 1, 29), date(2024, 1, 29)),
        (Cadence.FOUR_WEEKLY, date(2026, 11, 18), date(2026, 11, 2)),
        (Cadence.FOUR_WEEKLY, date(2026, 11, 29), date(2026, 11, 2)),
        (Cadence.FOUR_WEEKLY, date(2026, 11, 30), date(2026, 11, 30)),
        (Cadence.MONTHLY, date(2026, 2, 28), date(2026, 2, 1)),
    ],
)
def test_windows_are_fixed_runs_of_four_weeks_and_calendar_months(cadence, today, start):
    assert window_start(cadence, today) == start


@pytest.mark.parametrize(
    "cadence, today, next_start",
    [
        (Cadence.FOUR_WEEKLY, date(2026, 11, 18), date(2026, 11, 30)),
        (Cadence.FOUR_WEEKLY, date(2026, 11, 30), date(2026, 12, 28)),
        (Cadence.MONTHLY, date(2026, 11, 18), date(2026, 12, 1)),
        (Cadence.MONTHLY, date(2026, 12, 31), date(2027, 1, 1)),
    ],
)
def test_the_next_window_starts_four_weeks_or_a_calendar_month_later(cadence, today, next_start):
    assert next_window_start(cadence, today) == next_start


@pytest.fixture
def every_four_weeks(team):
    team.checkin_cadence = Cadence.FOUR_WEEKLY
    team.save()
    return team


def test_a_practitioner_who_has_not_checked_in_gets_one_email_with_a_link_and_no_answers(
    practitioner, every_four_weeks, settings
):
    settings.SITE_URL = "https://checkin.example.nhs.uk"
    submit_checkin(practitioner, every_four_weeks, {"systemic_pressures": 5}, when=timezone.now() - timedelta(days=30))
    assert reminders_send(today=timezone.localdate()) == 1
    (email,) = delivered()
    assert email.to == [practitioner.email]
    assert "https://checkin.example.nhs.uk/" in email.body
    assert "Strongly" not in email.body and "100" not in email.body and "pressure" not in email.body.lower()


def test_running_twice_in_a_window_sends_nothing_twice(practitioner, teammate, every_four_weeks):
    out = StringIO()
    call_command("send_checkin_reminders", stdout=out)
    call_command("send_checkin_reminders", stdout=out)
    assert len(delivered()) == 2  # priya and tom, once each
    assert out.getvalue().splitlines() == ["Reminders sent: 2", "Reminders sent: 0"]
    assert ReminderSent.objects.count() == 2


def test_a_new_window_sends_again(practitioner, every_four_weeks):
    assert reminders_send(today=WEDNESDAY) == 1
    assert reminders_send(today=WEDNESDAY + timedelta(days=2)) == 0
    # A week later is the same window: every statement asks about the last four weeks.
    assert reminders_send(today=WEDNESDAY + timedelta(days=7)) == 0
    assert reminders_send(today=WEDNESDAY + timedelta(days=12)) == 1


def test_no_email_to_someone_who_checked_in_this_window(practitioner, teammate, every_four_weeks):
    monday = timezone.make_aware(datetime(2026, 11, 2, 9, 0))  # the first day of WEDNESDAY's window
    submit_checkin(practitioner, every_four_weeks, {}, when=monday)
    submit_checkin(teammate, every_four_weeks, {}, when=monday - timedelta(hours=10))  # Sunday night: last window
    assert reminders_send(today=WEDNESDAY) == 1
    assert delivered()[0].to == [teammate.email]


def test_no_email_to_someone_who_opted_out(client, practitioner, teammate, every_four_weeks):
    client.force_login(practitioner)
    response = client.post(reverse("practitioner:my_data"), {})  # the box unticked
    assert response.status_code == 302
    assert PractitionerProfile.objects.get(user=practitioner).reminders_enabled is False
    assert reminders_send(today=WEDNESDAY) == 1
    assert delivered()[0].to == [teammate.email]


def test_no_email_without_a_cadence_or_an_address_or_to_leads(practitioner, team, lead):
    assert reminders_send(today=WEDNESDAY) == 0
    team.checkin_cadence = Cadence.MONTHLY
    team.save()
    practitioner.email = ""
    practitioner.save()
    assert reminders_send(today=WEDNESDAY) == 0
    # Only the notice to Priya's old address that it was taken off her account.
    (notice,) = delivered()
    assert notice.subject == "The sign-in details of your Practitioner check-in account were changed"


def test_someone_in_two_teams_follows_the_more_frequent_cadence_and_gets_one_email(
    practitioner, every_four_weeks, other_team
):
    other_team.checkin_cadence = Cadence.MONTHLY
    other_team.save()
    Membership.objects.create(user=practitioner, team=other_team, role=Role.PRACTITIONER)
    assert reminders_send(today=WEDNESDAY) == 1
    assert ReminderSent.objects.get().window_start == date(2026, 11, 2)


def test_a_lead_sets_the_cadence_for_their_own_team_only(client, lead, team, other_team):
    client.force_login(lead)
    assert "check-in reminders" in client.get(reverse("site:home")).content.decode()
    response = client.post(reverse("leads:team_reminders", args=[team.pk]), {"checkin_cadence": "four_weekly"})
    assert response.status_code == 302
    team.refresh_from_db()
    assert team.checkin_cadence == Cadence.FOUR_WEEKLY
    assert (
        client.post(reverse("leads:team_reminders", args=[other_team.pk]), {"checkin_cadence": "monthly"}).status_code
        == 404
    )
    other_team.refresh_from_db()
    assert other_team.checkin_cadence == Cadence.NONE


def test_a_practitioner_cannot_set_their_teams_cadence(client, practitioner, team):
    client.force_login(practitioner)
    assert (
        client.post(reverse("leads:team_reminders", args=[team.pk]), {"checkin_cadence": "monthly"}).status_code == 404
    )
    team.refresh_from_db()
    assert team.checkin_cadence == Cadence.NONE


@pytest.mark.parametrize("cadence", ["hourly", "weekly", "fortnightly"])
def test_an_unknown_cadence_or_one_sooner_than_the_recall_window_is_refused_with_a_message(client, lead, team, cadence):
    client.force_login(lead)
    response = client.post(reverse("leads:team_reminders", args=[team.pk]), {"checkin_cadence": cadence})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    team.refresh_from_db()
    assert team.checkin_cadence == Cadence.NONE


def test_reminders_query_count_does_not_grow_with_the_team(team, django_assert_num_queries):
    team.checkin_cadence = Cadence.FOUR_WEEKLY
    team.save()
    for i in range(3):
        Membership.objects.create(user=make_user(f"p{i}"), team=team, role=Role.PRACTITIONER)
    # The memberships of teams with a rhythm, the profiles (who turned reminders off), the check-ins sent since the
    # last due date, the reminders already sent, the users.
    with django_assert_num_queries(5):
        from assessments.practitioner.reminders import reminders_due

        assert len(reminders_due(WEDNESDAY)) == 3
    for i in range(3, 20):
        Membership.objects.create(user=make_user(f"p{i}"), team=team, role=Role.PRACTITIONER)
    with django_assert_num_queries(5):
        assert len(reminders_due(WEDNESDAY)) == 20
