"""The publication auditor (core/disclosure.py) judged by the independent oracle (tests/oracle.py).

The oracle knows nothing of the auditor: for each person in a period's figures it searches (CP-SAT) for another
world, consistent with every figure a lead can see, in which that person's score is more than one answer step away,
their band is another, or an answer of theirs to a statement leads see is another. A person for whom no such world
exists is a leak. Here the worlds that leaked before the auditor (tests/leads/test_oracle_finds_todays_leaks.py)
leak nothing, random worlds leak nothing, and neither does the demo as shipped, read over every period and level.
The reader knows who took part (more than the app lets them), their own answers and one colleague's.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.core.framework import DIMENSIONS
from assessments.core.periods import latest_shown_period, trend_periods
from assessments.figures.publication import published_periods
from assessments.models import Membership, Role, Service, ServiceLead
from assessments.practitioner.questions import FIRST_EDITION_FILE, question_set_load
from tests.conftest import JOINED, make_user, new_service, new_team, shown_moment, submit_checkin
from tests.oracle import STANDALONE, SYSTEMIC, Oracle, diverse, judge, send, truth_from_db

# --- the worlds that leaked before the auditor ---------------------------------------------------------------------


def skipped_one(service, team):
    send(team, 12, lambda i: {**diverse(i), "sp_fit": None} if i == 0 else diverse(i))


def older_question_set(service, team):
    question_set_load(path=FIRST_EDITION_FILE)
    send(team, 1, prefix="old")
    question_set_load()
    send(team, 11, lambda i: diverse(i + 1))


def all_alike(service, team):
    send(team, 12, lambda i: {**diverse(i), "sp_volume": 4, "leave_because_of_work": 1})


def nobody_answered(service, team):
    send(team, 12, lambda i: {**diverse(i), "leave_because_of_work": None})


def uniform_remainder(service, team):
    top = {d.slug: 5 for d in DIMENSIONS} | {code: 5 for code in STANDALONE}
    send(team, 12)
    send(new_team(service, "B team"), 3, lambda i: top)
    send(new_team(service, "C team"), 3, lambda i: top)


LEAKED_BEFORE: dict[str, Callable] = {
    "a lone skipped statement": skipped_one,
    "one person on the older question set": older_question_set,
    "a team that all gave the same answer": all_alike,
    "a statement nobody in a team answered": nobody_answered,
    "a hidden remainder all alike": uniform_remainder,
}


@pytest.mark.parametrize("world", LEAKED_BEFORE)
def test_the_worlds_that_leaked_before_the_auditor_leak_nothing_now(world, service, team, question_set):
    LEAKED_BEFORE[world](service, team)
    oracle, leaks = judge(service)
    assert leaks == []
    # Nor to a reader who also knows one colleague's answers.
    assert Oracle(oracle.people, oracle.figures, oracle.people[0].key).leaks() == []


def test_even_a_reader_who_knows_who_skipped_cannot_work_out_the_skippers_score(service, team, question_set):
    """Before the auditor, the mean of people's scores beside the statements gave the skipper's score to a reader who
    knew who had skipped. The mean over the same answers as the statements gives nothing more."""
    skipped_one(service, team)
    oracle, _leaks = judge(service)
    stronger = Oracle(oracle.people, oracle.figures, skips_known=True)
    assert not [leak for leak in stronger.facet_leaks(SYSTEMIC) if leak.what in ("score", "band")]


# --- random worlds --------------------------------------------------------------------------------------------------

CODES = ("sp_volume", "sp_paperwork", "sv_team_talk", "ss_peers", "worked_over", "leave_because_of_work")


@st.composite
def worlds(draw):
    """A service of one to three teams of 3 to 14 who took part, each team leaning its own way, people differing
    from their team by a random amount (sometimes not at all), with blanks, a statement a team all answered alike,
    one person on the older question set, and members who joined during the period (who do not count)."""
    teams = draw(st.lists(st.integers(3, 14), min_size=1, max_size=3))
    rng = draw(st.randoms(use_true_random=False))
    return {
        "teams": teams,
        "leans": [{d.slug: rng.randint(1, 5) for d in DIMENSIONS} for _ in teams],
        "spread": draw(st.sampled_from([0.0, 0.5, 1.0, 1.5])),
        "blanks": draw(st.sampled_from([0.0, 0.05, 0.2])),
        "alike": draw(st.sampled_from([None, *CODES])),
        "older": draw(st.booleans()),
        "late": draw(st.booleans()),
        "known": draw(st.integers(0, 200)),
        "seed": rng.randint(0, 10**6),
    }


def _build(world: dict, question_set) -> Service:
    rng = random.Random(world["seed"])
    service = new_service()
    for t, size in enumerate(world["teams"]):
        team = new_team(service, f"Team {t}")
        for i in range(size):
            values: dict[str, int | None] = {
                d.slug: min(5, max(1, round(world["leans"][t][d.slug] + rng.gauss(0, world["spread"]))))
                for d in DIMENSIONS
            }
            values |= {code: rng.randint(1, 5) for code in STANDALONE}
            values |= {code: None for code in CODES if rng.random() < world["blanks"]}
            if world["alike"] and t == 0:
                values[world["alike"]] = 4
            user = make_user(f"w{t}p{i}")
            Membership.objects.create(user=user, team=team, role=Role.PRACTITIONER, created_at=JOINED)
            if world["older"] and t == 0 and i == 0:
                question_set_load(path=FIRST_EDITION_FILE)
                submit_checkin(user, team, values, when=shown_moment())
                question_set_load()
            else:
                submit_checkin(user, team, values, when=shown_moment())
        if world["late"] and t == 0:  # joined during the period: does not count, and must not show
            late = make_user(f"w{t}late")
            Membership.objects.create(user=late, team=team, role=Role.PRACTITIONER, created_at=shown_moment())
            submit_checkin(late, team, {SYSTEMIC: 5}, when=shown_moment())
    return service


# The same twelve worlds on every run (derandomize, no saved examples): the oracle proves a world has no second one
# by exhausting CP-SAT's search, which for some large uniform worlds takes longer than its time limit, and a suite
# that fails by chance lands nothing. To look at other worlds, run it by hand without derandomize.
@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(world=worlds())
def test_in_random_worlds_no_one_is_pinned_by_everything_a_lead_can_read(world, question_set):
    """For every person other than the reader, with the reader knowing one colleague, the oracle finds a second world
    in which their score differs by more than a step, their band differs, and each of their answers differs."""
    with transaction.atomic():
        service = _build(world, question_set)
        period = latest_shown_period()
        figures = published_periods(service, [period])[period]
        people = truth_from_db(service, period)
        known = people[world["known"] % len(people)].key if people else None
        assert Oracle(people, figures, known).leaks() == []
        transaction.set_rollback(True)


# --- the demo as shipped ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_demo_as_shipped_pins_no_one_for_lee_over_every_period_and_level(question_set):
    """lee leads North and the service: every period of the trend, every team and the whole service."""
    call_command("seed_demo", stdout=io.StringIO())
    service = ServiceLead.objects.get(user__username="lee").service
    periods = trend_periods(latest_shown_period())
    published = published_periods(service, periods)
    judged = 0
    for period in periods:
        people = truth_from_db(service, period)
        if people:
            assert Oracle(people, published[period], people[0].key).leaks() == [], period
            judged += 1
    assert judged >= 12
