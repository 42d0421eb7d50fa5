"""Synthetic data at scale, for benchmarks and for trying the summaries on a realistic organisation.

Fixed random seed, so two runs make the same data. Teams differ (each has its
own lean per dimension), systemic pressure rises and falls over the year with a
different phase per team, and supervision tends to drop when pressure is high.
Each synthetic practitioner submits one check-in per period, holding scores
only (no answer rows): summaries never read answers. Beside each summary entry go
what a real submit passes on for the leads' figures (contributions.py): one
StatementEntry per statement leads may see (18 for question set v2), answered in
line with the person's scores, and for about a third of people what got in the
way of their moves (one or two MoveObstacleEntry rows), so that publishing a
period does the statement and obstacle work it does in production.

Rows go in with PostgreSQL COPY (or executemany on SQLite), in a few large
batches, with explicit ids, then the id sequences are moved on.
"""

from __future__ import annotations

import io
import itertools
import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.utils import timezone

from assessments.core.framework import DIMENSIONS, Direction, StatementKind
from assessments.core.obstacles import OBSTACLES
from assessments.core.periods import KINDS, MONTH, latest_shown_period, period_of
from assessments.figures.contributions import counts_for_team
from assessments.models.checkins import CheckIn, DimensionScore
from assessments.models.figures import (
    ANSWERED_FIELDS,
    SCORE_FIELDS,
    MoveObstacleEntry,
    StatementEntry,
    SummaryEntry,
    TeamAction,
)
from assessments.models.organisation import Membership, Role, Service, ServiceLead, Team
from assessments.practitioner.questions import question_set_load

SCALE_PASSWORD = "demo-password-2026"


@dataclass(frozen=True)
class Scale:
    services: int
    teams: int
    members: int  # practitioners per team
    periods: int  # monthly periods, ending with the current one

    @property
    def checkins(self) -> int:
        return self.teams * self.members * self.periods


SCALES = {
    "default": Scale(services=6, teams=40, members=12, periods=12),
    "national": Scale(services=120, teams=1000, members=20, periods=36),
}


def _ids(model, count: int) -> int:
    """The first of `count` fresh ids for explicit-id inserts."""
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return last + 1


def _copy_value(value) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _sqlite_value(value):
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return connection.ops.adapt_datefield_value(value)
    return value


SQLITE_BATCH = 100_000  # rows per executemany: millions of statement rows at once would be held in memory twice


def _insert(model, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert many rows fast: COPY on PostgreSQL, executemany elsewhere."""
    table = model._meta.db_table
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.StringIO()
            for row in rows:
                buffer.write("\t".join(_copy_value(v) for v in row))
                buffer.write("\n")
                count += 1
            buffer.seek(0)
            cursor.cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)
        else:
            marks = ", ".join(["%s"] * len(columns))
            batch = []
            for row in rows:
                batch.append([_sqlite_value(v) for v in row])
                if len(batch) == SQLITE_BATCH:
                    cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", batch)
                    count += len(batch)
                    batch = []
            if batch:
                cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", batch)
                count += len(batch)
    return count


def _move_sequences(models) -> None:
    """Move the id sequences past the explicit ids, and refresh the planner's statistics as autovacuum would."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )
            cursor.execute(f"ANALYZE {table}")


# How often each obstacle is named, for the people who say what got in the way.
OBSTACLE_WEIGHTS = dict(zip((o.key for o in OBSTACLES), (0.4, 0.25, 0.15, 0.15, 0.05), strict=True))
SAY_WHAT_GOT_IN_THE_WAY = 0.35


def _passed_on(rng: random.Random, statements, scores: dict[str, float]) -> tuple[tuple, tuple]:
    """What one check-in passes on beside its entry: (code, answer) per statement leads see, and the obstacles named.

    A scored statement is answered near its dimension's score (reverse-keyed ones the other way round); a frequency
    or the intention to leave follows the pressure. The answer is stored as given, 1 to 5, as a real submit stores it.
    """
    answers = []
    for code, kind, dimension, reverse in statements:
        base = scores[dimension] if kind == StatementKind.SCORED else scores["systemic_pressures"]
        value = min(5, max(1, round(1 + base / 25 + rng.choice((-1, 0, 0, 0, 1)))))
        answers.append((code, 6 - value if reverse else value))
    named: tuple[str, ...] = ()
    if rng.random() < SAY_WHAT_GOT_IN_THE_WAY:
        keys, weights = list(OBSTACLE_WEIGHTS), list(OBSTACLE_WEIGHTS.values())
        named = tuple(sorted(set(rng.choices(keys, weights, k=rng.choice((1, 1, 2))))))
    return tuple(answers), named


def _team_lean(rng: random.Random) -> dict[str, float]:
    lean = {}
    for d in DIMENSIONS:
        centre = 58.0 if d.direction == Direction.PRESSURE else 60.0
        lean[d.slug] = rng.gauss(centre, 10.0)
    return lean


# Every synthetic score is made from four answers.
STATEMENTS_PER_SCORE = 4


def _score(value: float) -> float:
    # Scores are means of 1-5 answers mapped to 0-100: steps of 6.25 for four statements.
    return round(min(100.0, max(0.0, round(value / 6.25) * 6.25)), 1)


@transaction.atomic
def scale_seed(
    *, services: int, teams: int, members: int, periods: int, seed: int = 2026, prefix: str = "Scale"
) -> dict[str, int]:
    """Create services, teams, practitioners and a check-in per practitioner per period. Safe to run twice."""
    first_service_name = f"{prefix} service 001"
    if Service.objects.filter(name=first_service_name).exists():
        return {"synthetic check-ins created": 0}
    rng = random.Random(seed)
    question_set = question_set_load()[0]
    password = make_password(SCALE_PASSWORD)
    now = timezone.now()
    # Everyone joined before the first period (and its quarter), so they count in every period seeded:
    # a practitioner counts from the first whole period after joining.
    joined = now - timedelta(days=31 * (periods + 3))
    tag = prefix.lower().replace(" ", "-").replace("=", "")

    service_objs = Service.objects.bulk_create(Service(name=f"{prefix} service {i + 1:03d}") for i in range(services))
    team_objs = Team.objects.bulk_create(
        Team(service=service_objs[i % services], name=f"{prefix} team {i + 1:04d}") for i in range(teams)
    )
    leads = User.objects.bulk_create(
        [User(username=f"{tag}-lead-s{i + 1:03d}", password=password) for i in range(services)]
        + [User(username=f"{tag}-lead-t{i + 1:04d}", password=password) for i in range(teams)]
    )
    ServiceLead.objects.bulk_create(ServiceLead(user=leads[i], service=s) for i, s in enumerate(service_objs))
    Membership.objects.bulk_create(
        Membership(user=leads[services + i], team=t, role=Role.LEAD) for i, t in enumerate(team_objs)
    )

    # Practitioners: one per (team, member), ids assigned here so check-ins can point at them.
    first_user = _ids(User, teams * members)
    people: list[tuple[int, Team, float]] = []  # (user_id, team, person offset)
    user_rows = []
    membership_rows: list[tuple] = []
    first_membership = _ids(Membership, teams * members)
    for t_index, team in enumerate(team_objs):
        for m in range(members):
            user_id = first_user + len(people)
            people.append((user_id, team, rng.gauss(0.0, 7.0)))
            user_rows.append(
                (user_id, password, False, f"{tag}-p{t_index + 1:04d}-{m + 1:03d}", "", "", "", False, True, now)
            )
            membership_rows.append(
                (first_membership + len(membership_rows), user_id, team.pk, Role.PRACTITIONER, joined)
            )
    user_columns = [
        "id",
        "password",
        "is_superuser",
        "username",
        "first_name",
        "last_name",
        "email",
        "is_staff",
        "is_active",
        "date_joined",
    ]
    _insert(User, user_columns, user_rows)
    _insert(Membership, ["id", "user_id", "team_id", "role", "created_at"], membership_rows)
    del user_rows, membership_rows

    leans = {team.pk: _team_lean(rng) for team in team_objs}
    phases = {team.pk: rng.uniform(0, 12) for team in team_objs}
    month_list = [latest_shown_period(MONTH)]  # summaries show only periods that have ended
    while len(month_list) < periods:
        month_list.append(month_list[-1].previous())
    month_list.reverse()
    # What a summary page lists beside the figures: two actions for each team, and two for every team of a service
    # (one of them closed), started a few periods back.
    _actions_seed(service_objs, team_objs, leads[0], month_list[max(0, len(month_list) - 3)].start, now)
    # The statements a real submit passes on for the leads' figures (contributions.counts_for_team decides).
    statements = [
        (q.code, q.kind, q.dimension, q.reverse_keyed)
        for q in question_set.questions.order_by("order")
        if counts_for_team(q.kind, q.dimension)
    ]
    # Its own generator, so the scores stay what they were before statements were seeded.
    passing_rng = random.Random(seed + 1)
    statement_ids = itertools.count(_ids(StatementEntry, 0))
    obstacle_ids = itertools.count(_ids(MoveObstacleEntry, 0))

    def passed_on_rows(entry_id: int, answers: tuple, named: tuple) -> tuple[list, list]:
        return (
            [(next(statement_ids), entry_id, code, value) for code, value in answers],
            [(next(obstacle_ids), entry_id, key) for key in named],
        )

    next_checkin = _ids(CheckIn, len(people) * periods)
    next_score = _ids(DimensionScore, len(people) * periods * len(DIMENSIONS))
    next_entry = _ids(SummaryEntry, len(people) * periods * len(KINDS))
    latest_in_quarter: dict[tuple[int, object], tuple] = {}
    created = 0
    for p_index, month in enumerate(month_list):
        checkin_rows, score_rows, entry_rows = [], [], []
        statement_rows, obstacle_rows = [], []
        start = timezone.make_aware(datetime.combine(month.start, datetime.min.time()))
        span = min((timezone.make_aware(datetime.combine(month.end, datetime.min.time())) - start), now - start)
        for user_id, team, offset in people:
            lean = leans[team.pk]
            wave = math.sin(2 * math.pi * (p_index + phases[team.pk]) / 12)
            scores = {}
            for d in DIMENSIONS:
                value = lean[d.slug] + offset * (1 if d.direction == Direction.RESOURCE else -0.5)
                if d.slug == "systemic_pressures":
                    value += 14 * wave
                elif d.slug == "systemic_support":
                    value -= 8 * wave
                scores[d.slug] = _score(value + rng.gauss(0.0, 9.0))
            when = start + timedelta(seconds=rng.uniform(0, max(span.total_seconds() - 1, 1)))
            checkin_id = next_checkin
            next_checkin += 1
            checkin_rows.append((checkin_id, user_id, team.pk, question_set.pk, "submitted", 3, when, when, when))
            for d in DIMENSIONS:
                score_rows.append((next_score, checkin_id, d.slug, scores[d.slug], STATEMENTS_PER_SCORE))
                next_score += 1
            entry = (
                checkin_id,
                user_id,
                team.pk,
                team.service_id,
                question_set.pk,
                *(scores[d.slug] for d in DIMENSIONS),
            )
            entry_rows.append((next_entry, entry[:5], MONTH, month.start, entry[5:]))
            passed_on = _passed_on(passing_rng, statements, scores)
            more_statements, more_obstacles = passed_on_rows(next_entry, *passed_on)
            statement_rows += more_statements
            obstacle_rows += more_obstacles
            next_entry += 1
            latest_in_quarter[(user_id, period_of(month.start, "quarter").start)] = (entry, passed_on)
        _insert(CheckIn, [f.column for f in _checkin_fields()], checkin_rows)
        _insert(DimensionScore, ["id", "checkin_id", "dimension", "score", "answered"], score_rows)
        _insert(SummaryEntry, _entry_columns(), (_entry_row(*e) for e in entry_rows))
        _insert(StatementEntry, ["id", "entry_id", "code", "value"], statement_rows)
        _insert(MoveObstacleEntry, ["id", "entry_id", "obstacle"], obstacle_rows)
        created += len(checkin_rows)
        del checkin_rows, score_rows, entry_rows, statement_rows, obstacle_rows
    quarter_rows, statement_rows, obstacle_rows = [], [], []
    for (_user_id, quarter_start), (entry, passed_on) in latest_in_quarter.items():
        quarter_rows.append(_entry_row(next_entry, entry[:5], "quarter", quarter_start, entry[5:]))
        more_statements, more_obstacles = passed_on_rows(next_entry, *passed_on)
        statement_rows += more_statements
        obstacle_rows += more_obstacles
        next_entry += 1
    _insert(SummaryEntry, _entry_columns(), quarter_rows)
    _insert(StatementEntry, ["id", "entry_id", "code", "value"], statement_rows)
    _insert(MoveObstacleEntry, ["id", "entry_id", "obstacle"], obstacle_rows)
    _move_sequences([User, Membership, CheckIn, DimensionScore, SummaryEntry, StatementEntry, MoveObstacleEntry])
    return {"services": services, "teams": teams, "practitioners": len(people), "synthetic check-ins created": created}


def _actions_seed(services: list[Service], teams: list[Team], author: User, starts_on, now) -> None:
    def action(service: Service, team: Team | None, i: int, **extra) -> TeamAction:
        values = {
            "dimension": ("systemic_support", "systemic_pressures", "work_boundaries")[i % 3],
            "provision": TeamAction.Provision.PROTECTED_TIME if i % 2 else "",
            "description": f"A peer group every fortnight, with protected time for it ({i + 1})",
            "owner": "Dana Clinical Lead",
            "status": TeamAction.Status.UNDER_WAY if i % 2 else TeamAction.Status.PLANNED,
            "starts_on": starts_on,
            "review_on": starts_on + timedelta(days=120),
            "created_by": author,
            "created_at": now,
            **extra,
        }
        return TeamAction(service=service, team=team, **values)

    actions = [action(team.service, team, i) for team in teams for i in range(2)]
    for service in services:
        actions.append(action(service, None, 0))
        actions.append(action(service, None, 1, status=TeamAction.Status.DONE, closed_at=now))
    TeamAction.objects.bulk_create(actions)


def _checkin_fields():
    names = [
        "id",
        "user",
        "team",
        "question_set",
        "status",
        "steps_completed",
        "created_at",
        "updated_at",
        "submitted_at",
    ]
    return [CheckIn._meta.get_field(n) for n in names]


def _entry_columns() -> list[str]:
    return [
        "id",
        "checkin_id",
        "user_id",
        "team_id",
        "service_id",
        "question_set_id",
        "kind",
        "period_start",
        *(SCORE_FIELDS[d.slug] for d in DIMENSIONS),
        *(ANSWERED_FIELDS[d.slug] for d in DIMENSIONS),
    ]


def _entry_row(entry_id: int, ids: tuple, kind: str, start, scores: tuple) -> tuple:
    # Each score from four answers, as the check-ins' scores are written (steps of 6.25).
    return (entry_id, *ids, kind, start, *scores, *(STATEMENTS_PER_SCORE for _score in scores))
