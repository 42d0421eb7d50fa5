"""After Send: a confirmation that says what happens next, and Check your answers warning about a blank check-in."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse

from assessments.models import Cadence, CheckIn, PractitionerProfile
from assessments.practitioner.checkins import checkin_start
from devtools.answers import answer_every_step
from tests.conftest import post_every_step

LONDON = ZoneInfo("Europe/London")
MID_MARCH = datetime(2026, 3, 18, 10, tzinfo=LONDON)


def send(client, practitioner, question_set, value: int | None = 3) -> CheckIn:
    client.force_login(practitioner)
    client.post(reverse("practitioner:checkin_begin"))
    checkin = CheckIn.objects.get(user=practitioner, status=CheckIn.Status.DRAFT)
    post_every_step(client, checkin, question_set, value)
    response = client.post(reverse("practitioner:checkin_step", args=[checkin.pk, "review"]))
    assert response["Location"] == reverse("practitioner:checkin_sent", args=[checkin.pk])
    return checkin


def test_the_confirmation_says_who_sees_what_and_when_and_offers_the_profile_and_moves(
    client, practitioner, team, question_set
):
    team.checkin_cadence = Cadence.MONTHLY
    team.save()
    with time_machine.travel(MID_MARCH, tick=False):
        checkin = send(client, practitioner, question_set)
        html = client.get(reverse("practitioner:checkin_sent", args=[checkin.pk])).content.decode()
    assert "Check-in sent</h1>" in html and "What happens next" in html
    assert "Only you can see your answers, your scores and your reflections." in html
    assert "team's anonymised figures for March 2026" in html and "from 1 April 2026" in html
    assert "only if at least 5 people took part" in html
    assert "We will email you a reminder from 1 April 2026" in html
    assert f'href="{reverse("practitioner:checkin_detail", args=[checkin.pk])}">See your profile' in html
    assert f'href="{reverse("practitioner:moves_choose", args=[checkin.pk])}">Choose up to 3 moves' in html


def test_the_confirmation_promises_no_reminder_to_someone_who_turned_them_off(client, practitioner, team, question_set):
    team.checkin_cadence = Cadence.FOUR_WEEKLY
    team.save()
    PractitionerProfile.objects.create(user=practitioner, reminders_enabled=False)
    checkin = send(client, practitioner, question_set)
    html = client.get(reverse("practitioner:checkin_sent", args=[checkin.pk])).content.decode()
    assert "We will email you" not in html and "No reminder is set for you" in html


def test_a_draft_has_no_confirmation_yet(client, practitioner, team, question_set):
    client.force_login(practitioner)
    draft = checkin_start(user=practitioner, team=team)
    response = client.get(reverse("practitioner:checkin_sent", args=[draft.pk]))
    assert response["Location"] == reverse("practitioner:checkin_step", args=[draft.pk, "challenges"])


def test_a_blank_check_in_is_warned_about_can_still_be_sent_and_is_said_not_to_count(
    client, practitioner, team, question_set
):
    client.force_login(practitioner)
    draft = answer_every_step(checkin_start(user=practitioner, team=team), lambda question: None)
    review = client.get(reverse("practitioner:checkin_step", args=[draft.pk, "review"])).content.decode()
    asked = question_set.questions.count()
    assert f"You answered 0 of {asked} statements." in review
    assert "You have not answered any statements" in review and "it will not count towards your team" in review
    assert "Send my check-in" in review

    client.post(reverse("practitioner:checkin_step", args=[draft.pk, "review"]))
    draft.refresh_from_db()
    assert draft.is_submitted
    html = client.get(reverse("practitioner:checkin_sent", args=[draft.pk])).content.decode()
    assert "does not count towards your team" in html and "anonymised figures for" not in html


def test_check_your_answers_counts_what_was_answered_and_written(client, practitioner, team, question_set):
    client.force_login(practitioner)
    draft = answer_every_step(
        checkin_start(user=practitioner, team=team),
        lambda question: 4 if question.dimension == "work_boundaries" else None,
        reflections={"coping": "Left on time twice."},
    )
    answered = question_set.questions.filter(dimension="work_boundaries").count()
    review = client.get(reverse("practitioner:checkin_step", args=[draft.pk, "review"])).content.decode()
    asked = question_set.questions.count()
    assert f"You answered {answered} of {asked} statements and wrote 1 private reflection." in review
    assert "You have not answered any statements" not in review
