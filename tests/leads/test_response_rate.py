"""'8 of 11 members took part': the members who could have counted, published and hidden with the head count."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse

from assessments.core.periods import parse_period
from assessments.models import Membership, Role
from assessments.practitioner.checkins import checkin_start, checkin_submit
from devtools.answers import answer_every_step
from tests.conftest import make_user, moment_in, people_in, submit_checkin

LONDON = ZoneInfo("Europe/London")
MARCH = parse_period("2026-03", "month")


def at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 12, tzinfo=LONDON)


def read(client, lead, name: str, pk: int) -> tuple[str, list[list[str]]]:
    client.force_login(lead)
    with time_machine.travel(at(2026, 4, 2), tick=False):
        page = client.get(reverse(f"leads:{name}", args=[pk, "2026-03"])).content.decode()
        rows = list(
            csv.reader(io.StringIO(client.get(reverse(f"leads:{name}_export", args=[pk, "2026-03"])).content.decode()))
        )
    return page, rows


def march_rows(rows: list[list[str]], scope: str) -> list[list[str]]:
    assert rows[0][3:5] == ["people", "members"]
    return [r for r in rows[1:] if r[0] == scope and r[1] == "2026-03"]


def test_the_rate_counts_the_members_who_could_have_taken_part(client, lead, team, question_set):
    members = people_in(team, 11)
    for person in members[:8]:
        submit_checkin(person, team, when=moment_in(MARCH))
    # Neither a lead who is also a practitioner of the team, nor someone who joined during March, could count.
    Membership.objects.create(user=lead, team=team, role=Role.PRACTITIONER, created_at=at(2023, 1, 2))
    submit_checkin(lead, team, when=moment_in(MARCH))
    newcomer = make_user("nina")
    Membership.objects.create(user=newcomer, team=team, role=Role.PRACTITIONER, created_at=at(2026, 3, 2))
    submit_checkin(newcomer, team, when=moment_in(MARCH))
    page, rows = read(client, lead, "team_summary", team.pk)
    assert "8 of 11 members took part this period." in page
    assert all(r[3:5] == ["8", "11"] for r in march_rows(rows, "North team"))


def test_the_number_of_members_is_hidden_with_the_head_count(client, lead, team, question_set):
    members = people_in(team, 11)
    for person in members[:4]:
        submit_checkin(person, team, when=moment_in(MARCH))
    page, rows = read(client, lead, "team_summary", team.pk)
    assert "took part this period" not in page and "of 11" not in page and "11 members" not in page
    assert all(r[3:5] == ["", ""] for r in march_rows(rows, "North team"))


def test_the_published_number_of_members_never_changes(client, lead, team, question_set):
    members = people_in(team, 11)
    for person in members[:8]:
        submit_checkin(person, team, when=moment_in(MARCH))
    first, _rows = read(client, lead, "team_summary", team.pk)
    assert "8 of 11 members took part this period." in first
    Membership.objects.filter(user=members[-1]).delete()  # one leaves, two join: March is as it was read
    people_in(team, 2, prefix="later")
    again, _rows = read(client, lead, "team_summary", team.pk)
    assert "8 of 11 members took part this period." in again


def test_the_service_counts_a_person_in_two_teams_once(client, service_lead, service, team, other_team, question_set):
    north = people_in(team, 6)
    south = people_in(other_team, 5)
    Membership.objects.create(user=north[0], team=other_team, role=Role.PRACTITIONER, created_at=at(2023, 1, 2))
    for person in [*north, *south]:
        submit_checkin(person, team if person in north else other_team, when=moment_in(MARCH))
    page, rows = read(client, service_lead, "service_summary", service.pk)
    assert "11 of 11 members took part this period." in page
    assert {r[4] for r in march_rows(rows, "Whole service")} == {"11"}
    assert {r[4] for r in march_rows(rows, "South team")} == {"6"}  # the person in both teams is a member of each


def test_a_check_in_sent_with_nothing_answered_is_not_taking_part(client, lead, team, question_set):
    """Eight people answered in March; a ninth sent a check-in with every statement left blank (and a reflection, which
    stays theirs). It says nothing, so the lead reads 8 took part, not 9, and no figure moves for it."""
    members = people_in(team, 11)
    for person in members[:8]:
        submit_checkin(person, team, when=moment_in(MARCH))
    blank = members[8]
    with time_machine.travel(moment_in(MARCH), tick=False):
        checkin_submit(
            checkin=answer_every_step(
                checkin_start(user=blank, team=team), lambda question: None, reflections={"challenges": "A hard week."}
            )
        )
    page, rows = read(client, lead, "team_summary", team.pk)
    assert "8 of 11 members took part this period." in page
    assert all(r[3:5] == ["8", "11"] for r in march_rows(rows, "North team"))


def test_a_blank_check_in_leaves_the_earlier_one_in_the_period_counting(client, lead, team, question_set):
    """Someone who answered early in March and then sent a blank check-in still took part, with what they said."""
    members = people_in(team, 11)
    for person in members[:8]:
        submit_checkin(person, team, when=moment_in(MARCH))
    with time_machine.travel(moment_in(MARCH), tick=False):
        checkin_submit(checkin=answer_every_step(checkin_start(user=members[0], team=team), lambda question: None))
    page, rows = read(client, lead, "team_summary", team.pk)
    assert "8 of 11 members took part this period." in page
    pressures = [r for r in march_rows(rows, "North team") if r[2] == "Pressures and demands of the service"]
    assert pressures and all(r[3:5] == ["8", "11"] and r[5] != "" for r in pressures), pressures
