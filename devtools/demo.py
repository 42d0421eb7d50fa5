"""Demo data for a newcomer's first run: a service worth looking at. Safe to run twice: it never duplicates.

Three teams of 11 to 13 practitioners check in most months for a year (every page answered as devtools/answers.py
does, then the real send), so the lead's first look shows trends, statement-level hotspots and actions. The first
half of the year was answered on question set v1 and the second on v2, as in a service that upgraded: trends compare
by dimension across both. Pat, the demo practitioner, has a year of check-ins with reflections, values, moves and
their reviews; and North's people said what got in the way of a move last month, so the lead sees that team figure
too.
"""

from __future__ import annotations

import math
import random
from datetime import datetime, time, timedelta
from typing import cast

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from assessments.core.framework import DOES_NOT_APPLY
from assessments.core.periods import MONTH, Period, current_period
from assessments.figures.contributions import entries_rebuild
from assessments.figures.voices import voice_record
from assessments.leads.team_actions import team_action_create, team_action_move
from assessments.models.checkins import CheckIn
from assessments.models.organisation import Membership, Role, Service, ServiceLead, Team
from assessments.models.private import MoveReview, ResilientMove
from assessments.practitioner.checkins import checkin_start, checkin_submit
from assessments.practitioner.moves import moves_choose
from assessments.practitioner.questions import FIRST_EDITION_FILE, SECOND_EDITION_FILE, question_set_load
from devtools.answers import answer_every_step

DEMO_PASSWORD = "demo-password-2026"
DEMO_PRACTITIONER = "pat"
DEMO_LEAD = "lee"
DEMO_ADMIN = "admin"
MONTHS = 12
# The first months answered on v1, the next on v2, and the last ones, and today's, on v3 (the newest edition).
V1_MONTHS = 6
V3_FROM_MONTH = 9

# Each team: its name, its people, and how its systemic pressure and supervision move over the year (a phase in
# months, so the three teams differ). North carries the heaviest pressure and loses supervision mid-year.
TEAMS = [
    ("North PWP team", ["alex", "bea", "cal", "dev", "eli", "fran", "gus", "hana", "ivo", "jo", "kit", "lou"], 0.0),
    ("South PWP team", ["mo", "nia", "oli", "pia", "quin", "ray", "sam", "tia", "uma", "vic", "wes"], 2.0),
    ("East PWP team", ["xan", "yas", "zac", "abi", "ben", "cleo", "dan", "eve", "finn", "gail"], 4.0),
]
PAT_REFLECTIONS = {
    "challenges": "Three risk calls in one afternoon, and no gap between them.",
    "values": "A patient said the worry time made her feel in charge again. That is why I do this.",
    "coping": "Walked at lunch twice. Supervision moved again this week.",
}
PAT_MOVES = [
    ["pressure-raise-with-lead", "selfcare-lunch-away"],
    ["support-ask-supervisor-time", "boundary-finish-time"],
    ["values-moment-made-difference"],
    ["pressure-supervision-agenda", "selfcare-book-leave"],
]


def _user(username: str, first_name: str, *, staff: bool = False) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first_name,
            "email": f"{username}@example.nhs.uk",
            "is_staff": staff,
            "is_superuser": staff,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _mid(period: Period, rng: random.Random):
    """Some day in the first three weeks of a period, in working hours."""
    start = timezone.make_aware(datetime.combine(period.start, time(9, 0)))
    return start + timedelta(days=rng.randint(2, 20), minutes=rng.randint(0, 8 * 60))


# How far one person's answers sit from their team's, in answers (a standard deviation): colleagues in one team
# differ about this much in staff surveys, and a team whose answers were all alike would rightly have its figures
# withheld by the publication auditor (core/disclosure.py).
SPREAD = 0.8


def _lean(team_phase: float, month: int, person: random.Random) -> dict[str, float]:
    """Where a person's answers sit this month, on the 1-5 scale, per dimension (and for some statements)."""
    wave = math.sin((month + team_phase) / 12 * 2 * math.pi)  # pressure rises and falls over the year
    pressure = 3.6 + 0.8 * wave
    return {
        "systemic_pressures": pressure + person.gauss(0, SPREAD),
        "individual_challenges": 2.8 + person.gauss(0, SPREAD),
        "individual_values": 3.9 + person.gauss(0, SPREAD),
        "systemic_values": 3.3 - 0.4 * wave + person.gauss(0, SPREAD),
        "individual_coping": 3.2 - 0.3 * wave + person.gauss(0, SPREAD),
        "work_boundaries": 3.0 - 0.4 * wave + person.gauss(0, SPREAD),
        "systemic_support": 3.3 - 0.7 * wave + person.gauss(0, SPREAD),
        # Statements answered apart from any score: v2 on (v3 asks about leaving because of how work is).
        "worked_over": 2.4 + 1.2 * wave + person.gauss(0, SPREAD),
        "supervision_happened": 3.8 - 1.3 * wave + person.gauss(0, SPREAD),
        "leave_thoughts": 1.8 + 0.9 * wave + person.gauss(0, SPREAD),
        "leave_because_of_work": 1.6 + 0.9 * wave + person.gauss(0, SPREAD),
        "hp_worn_out": 2.6 + 0.8 * wave,
        "hp_low": 1.6,
    }


def _answer(question, lean: dict[str, float], rng: random.Random) -> int | None:
    if rng.random() < 0.03:
        return None  # now and then a statement is left blank, as people do
    if question.does_not_apply and rng.random() < 0.05:
        return DOES_NOT_APPLY  # no supervision was planned (leave, sickness)
    base = lean.get(question.code, lean.get(question.dimension, 3.0) if question.is_scored else None)
    if base is None:
        return None
    if question.reverse_keyed:
        base = 6 - base
    return min(5, max(1, round(base + rng.choice([-0.6, -0.3, 0, 0, 0.3, 0.6]))))


def _checkin(user: User, team: Team, rng: random.Random, lean, *, when, reflections=None, values=None) -> CheckIn:
    checkin = answer_every_step(
        checkin_start(user=user, team=team), lambda q: _answer(q, lean, rng), reflections=reflections, values=values
    )
    checkin = checkin_submit(checkin=checkin)
    CheckIn.objects.filter(pk=checkin.pk).update(submitted_at=when, created_at=when)
    return checkin


# How each of Pat's moves went at the next check-in: (outcome, what got in the way); the last group is still open.
PAT_REVIEWS = [
    [("helped", ""), ("not_yet", "diary_full")],
    [("helped", ""), ("dropped", "no_time")],
    [("helped", "")],
]


def _pat_moves(pat: User, checkins: list[CheckIn]) -> None:
    """Moves chosen every few months, each reviewed at the next check-in; the newest are still open."""
    for i, keys in enumerate(PAT_MOVES):
        chosen_at = checkins[i * 3]
        moves = moves_choose(user=pat, checkin=chosen_at, catalogue_keys=keys)
        ResilientMove.objects.filter(pk__in=[m.pk for m in moves]).update(chosen_at=chosen_at.submitted_at)
        if i >= len(PAT_REVIEWS):
            continue
        reviewed_at = cast(datetime, checkins[i * 3 + 1].submitted_at)  # sent, so it has its time
        for move, (outcome, obstacle) in zip(moves, PAT_REVIEWS[i], strict=True):
            note = "My lead moved two clinics." if move.catalogue_key == "pressure-raise-with-lead" else ""
            MoveReview.objects.create(move=move, outcome=outcome, obstacle=obstacle, note=note, created_at=reviewed_at)
            if outcome == "not_yet":  # tried in the end, and said so a check-in later
                later = cast(datetime, checkins[i * 3 + 2].submitted_at)
                MoveReview.objects.create(move=move, outcome="helped", created_at=later)


# What got in the way for North's people at their check-in in the last month that has ended, in turn: enough of
# them say, so that the lead's first look shows the team figure.
NORTH_OBSTACLES = ["no_time", "diary_full", "no_time", "not_allowed", "no_time", "forgot", "diary_full", "other"]


def _north_obstacles(members: list[User], pat: User) -> None:
    """Each of North's people but Pat (whose moves tell their own story) chose a move at a check-in, and at their
    check-in in the last month that has ended said it had not happened yet and what got in the way."""
    last = current_period(MONTH).previous()
    for i, member in enumerate(m for m in members if m != pat):
        sent = list(CheckIn.objects.filter(user=member, status=CheckIn.Status.SUBMITTED).order_by("submitted_at"))
        in_last = [c for c in sent if last.start <= timezone.localdate(c.submitted_at) < last.end]
        before = [c for c in sent if timezone.localdate(c.submitted_at) < last.start]
        if not in_last or not before:
            continue  # did not check in that month, or had nothing to choose a move from
        (move,) = moves_choose(user=member, checkin=before[-1], catalogue_keys=["selfcare-lunch-away"])
        ResilientMove.objects.filter(pk=move.pk).update(chosen_at=before[-1].submitted_at)
        obstacle = NORTH_OBSTACLES[i % len(NORTH_OBSTACLES)]
        # Given at the start of that check-in, as the review panel on its first page is.
        MoveReview.objects.create(move=move, outcome="not_yet", obstacle=obstacle, created_at=in_last[-1].created_at)


# Actions the service agreed, in every status: (team or None for the service, dimension, what, owner, months ago,
# status).
ACTIONS = [
    (
        "North",
        "systemic_support",
        "Protect weekly case-management supervision: no clinics booked over it.",
        "Clinical lead",
        7,
        "done",
    ),
    (
        "North",
        "systemic_pressures",
        "Cap new assessments at four a day while the waiting list is reviewed.",
        "Service manager",
        2,
        "under_way",
    ),
    (
        "South",
        "systemic_values",
        "A monthly reflective practice group, facilitated by a senior therapist.",
        "Senior PWP",
        1,
        "planned",
    ),
    (
        "East",
        "systemic_pressures",
        "Move risk paperwork to a shared template to cut duplicate entry.",
        "Admin lead",
        5,
        "stopped",
    ),
    (
        None,
        "systemic_support",
        "A peer support network across the three teams, meeting every fortnight.",
        "Lee",
        3,
        "under_way",
    ),
]


# How North's people answered "has it made a difference?" on the cap on new assessments, late last month: varied,
# as a real team's are, so the lead sees the team's voice.
NORTH_VOICES = ["yes", "not_yet", "yes", "no", "yes", "not_yet", "yes", "yes", "no", "not_yet", "yes", "not_yet", "yes"]


def _actions(service: Service, teams, lee: User) -> None:
    by_name = {team.name.split()[0]: team for team, _members, _phase in teams}
    today = timezone.localdate()
    last_month = current_period(MONTH).previous()
    # Late on the last day of last month: the cap (two months old) has had its four weeks by then.
    late_last_month = timezone.make_aware(datetime.combine(last_month.end - timedelta(days=1), time(16)))
    for team_name, dimension, description, owner, months_ago, status in ACTIONS:
        action = team_action_create(
            created_by=lee,
            dimension=dimension,
            description=description,
            starts_on=today - timedelta(days=31 * months_ago),
            team=by_name[team_name] if team_name else None,
            service=service if team_name is None else None,
            owner=owner,
            review_on=today + timedelta(days=30),
        )
        if status in ("done", "stopped"):
            team_action_move(action=action, by=lee, status="under_way")
        if status != "planned":
            team_action_move(action=action, by=lee, status=status)
        if description.startswith("Cap new assessments"):
            for member, answer in zip(teams[0][1], NORTH_VOICES, strict=True):
                voice_record(action=action, user=member, answer=answer, now=late_last_month)


@transaction.atomic
def demo_seed(*, seed: int = 2026) -> dict[str, int]:
    """A demo service with three teams, a practitioner, a lead, an admin and a year of check-ins."""
    rng = random.Random(seed)
    if CheckIn.objects.exists():
        return {"check-ins created": 0}
    v1, _ = question_set_load(path=FIRST_EDITION_FILE)
    service, _ = Service.objects.get_or_create(name="Northshire Talking Therapies")
    _user(DEMO_ADMIN, "Ada", staff=True)
    pat = _user(DEMO_PRACTITIONER, "Pat")
    lee = _user(DEMO_LEAD, "Lee")
    ServiceLead.objects.get_or_create(user=lee, service=service)
    # Everyone joined over a year ago: a practitioner counts in the team's figures from the first whole period
    # after joining.
    joined = {"created_at": timezone.now() - timedelta(days=31 * (MONTHS + 2))}
    teams = []
    for name, people, phase in TEAMS:
        team, _ = Team.objects.get_or_create(service=service, name=name)
        members = [_user(p, p.title()) for p in people]
        if team.name.startswith("North"):
            members.insert(0, pat)
            Membership.objects.get_or_create(user=lee, team=team, role=Role.LEAD)
        for member in members:
            Membership.objects.get_or_create(user=member, team=team, role=Role.PRACTITIONER, defaults=joined)
        teams.append((team, members, phase))

    first = current_period(MONTH)
    for _ in range(MONTHS):
        first = first.previous()
    created, pat_checkins = 0, []
    period = first
    for month in range(MONTHS + 1):  # a year of ended months, then this one
        if month == V1_MONTHS:
            question_set_load(path=SECOND_EDITION_FILE)  # the service moves to v2
        if month == V3_FROM_MONTH:
            question_set_load()  # and then to v3
        for team, members, phase in teams:
            for member in members:
                person = random.Random(f"{seed}-{member.username}")
                is_pat = member == pat
                if not is_pat and rng.random() < 0.12:
                    continue  # most people check in most months
                when = timezone.now() - timedelta(minutes=5) if month == MONTHS else _mid(period, rng)
                checkin = _checkin(
                    member,
                    team,
                    rng,
                    _lean(phase, month, person),
                    when=when,
                    reflections=PAT_REFLECTIONS if is_pat and month % 2 == 0 else None,
                    values="Helping people feel heard. Being honest. Learning." if is_pat and month == 1 else None,
                )
                created += 1
                if is_pat:
                    pat_checkins.append(checkin)
        period = period.next()
    if v1.is_active:
        question_set_load()
    _pat_moves(pat, pat_checkins)
    _north_obstacles(teams[0][1], pat)
    _actions(service, teams, lee)
    # The check-ins were back-dated after submitting, so work out again which one counts in each period.
    entries_rebuild(user_ids=[m.pk for _team, members, _phase in teams for m in members])
    return {"check-ins created": created}
