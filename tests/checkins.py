"""Sent check-ins, through the real write path: the moments they are sent at, teams of people who took part, and
the bodies the check-in pages are posted with."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from contextlib import nullcontext
from datetime import datetime, time, timedelta

import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.core.move_catalogue import CATALOGUE
from assessments.core.periods import Period, latest_shown_period
from assessments.core.scoring import keyed
from assessments.core.steps import QUESTION_STEPS, STEPS_BY_SLUG
from assessments.models import CheckIn, QuestionSet, Team
from assessments.practitioner.checkins import checkin_start, checkin_submit
from assessments.practitioner.moves import moves_choose, moves_review
from assessments.practitioner.questions import questions_by_step
from devtools.answers import answer_every_step

_SECONDS = itertools.count()


def moment_in(period: Period) -> datetime:
    """A moment inside `period` (its third day, mid-afternoon), one second later at each call."""
    start = timezone.make_aware(datetime.combine(period.start, time(14, 37)))
    return start + timedelta(days=2, seconds=next(_SECONDS))


def shown_moment() -> datetime:
    """A moment in the newest period leads can see (the last one that has ended)."""
    return moment_in(latest_shown_period())


def _answer(question, values: Mapping[str, int], default: int) -> int | None:
    """The answer that puts `question` at its dimension's value; a reverse-keyed statement is answered the other
    way round, so that a dimension at 5 scores 100 whatever its wording. A statement named by code gets that answer."""
    if question.code in values:
        return values[question.code]
    if not question.is_scored:
        return None
    return keyed(values.get(question.dimension, default), reverse=question.reverse_keyed)


def submit_checkin(
    user: User,
    team: Team,
    values: Mapping[str, int] | None = None,
    *,
    default: int = 3,
    when: datetime | None = None,
    reflections: Mapping[str, str] | None = None,
) -> CheckIn:
    """A sent check-in: every scored statement answered with its dimension's value in `values` (else `default`).

    `values` may also name a statement by its code, which wins over its dimension; statements that are not scored
    (frequencies, how the person is, the intention to leave) are answered only when named by code.

    `reflections` maps a phase slug to its private reflection. With `when`, the whole check-in is written with
    the clock at that moment (time-machine, as the tests across time move it), so it is sent then and counts in
    that moment's periods exactly as a real send then would.
    """
    values, reflections = values or {}, reflections or {}
    with time_machine.travel(when, tick=False) if when is not None else nullcontext():
        checkin = answer_every_step(
            checkin_start(user=user, team=team), lambda q: _answer(q, values, default), reflections=reflections
        )
        return checkin_submit(checkin=checkin)


def send_saying_what_got_in_the_way(
    user: User, team: Team, obstacles: list[str], when: datetime | None = None, values=None
) -> CheckIn:
    """A sent check-in (at `when`, by default in the newest period leads can see) that began with a review of the
    moves `user` chose an hour before: one move per obstacle (three at most), each not tried yet and held up by it.
    The earlier check-in, which the moves were chosen from, is in the same period, so this one is the one that
    counts. Through the real write path, as the pages call it."""
    when = when or shown_moment()
    chosen_from = submit_checkin(user, team, values, when=when - timedelta(hours=1))
    keys = [m.key for m in CATALOGUE[: len(obstacles)]]
    with time_machine.travel(when - timedelta(hours=1), tick=False):
        moves = moves_choose(user=user, checkin=chosen_from, catalogue_keys=keys)
    with time_machine.travel(when, tick=False):
        checkin_start(user=user, team=team)
        moves_review(user=user, reviews={m.pk: ("not_yet", "", o) for m, o in zip(moves, obstacles, strict=True)})
    return submit_checkin(user, team, values, when=when)


def questions_for(question_set: QuestionSet, step_slug: str):
    """The statements one check-in page asks, in order."""
    return questions_by_step(question_set)[step_slug]


def step_post(question_set: QuestionSet, step_slug: str, value: int | None = 3, **extra) -> dict:
    """A valid POST body answering every statement of one check-in page with one value (with an empty reflection
    on a phase's last page, as the browser sends it)."""
    data = {f"q_{q.pk}": str(value) for q in questions_for(question_set, step_slug)} if value else {}
    if STEPS_BY_SLUG[step_slug].closes_phase:
        data["reflection"] = ""
    data.update(extra)
    return data


def post_every_step(client: Client, checkin: CheckIn, question_set: QuestionSet, value: int | None = 3) -> None:
    """Save every question page of a draft through the pages, as a person would, ready to check and send."""
    for step in QUESTION_STEPS:
        url = reverse("practitioner:checkin_step", args=[checkin.pk, step.slug])
        response = client.post(url, step_post(question_set, step.slug, value))
        assert response.status_code == 302, (step.slug, response.content)
