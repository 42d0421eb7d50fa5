"""Publishing a period's figures: computed once when the period is first needed, stored, never changed.

Once a lead may have read a figure, nothing may move it: otherwise reading before and after a deletion,
the nightly purge or a new member subtracts one person. So the first read of an ended period (or the
nightly `publish_periods` job) computes every team's and the service's figures, decides suppression, and
stores only what may be shown (`PublishedPeriod`). Every page, CSV and trend reads the stored figures.

Who counts, decided at publication:
- each person's latest check-in in the period (SummaryEntry, kept by contributions.py);
- only practitioners whose membership of the team began before the period did (a person invited today
  counts from the first whole period after joining, so made-up colleagues cannot be added to a period
  that is about to be read);
- never anyone who can read this service's figures (its team leads, its service leads, administrators):
  a person's own check-ins never count in figures they can read.

Beside each shown head count it stores how many members could have taken part (the same people: practitioners
whose membership began before the period, never its readers), for "8 of 11 members took part"; and, per action,
how many of the people who could answer said it made a difference (yes / not yet / no), counted from each
person's latest answer in the period, only where at least SHARE_MIN_GROUP_SIZE answered (voices.py); and
what got in the way of the moves people chose, counted from the same people's counting check-ins and decided like
the statements' shares (core/obstacles.py).

Two app servers publishing the same period at once both insert; the unique constraint keeps the first and
both then read that one back.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection, transaction
from django.db.models import Aggregate, Count, Exists, F, OuterRef, Q, Sum
from django.utils import timezone

from assessments import metrics
from assessments.core.framework import DIMENSIONS
from assessments.core.periods import KINDS, Period, add_months, kept_since
from assessments.core.scoring import HIGH_FROM, LOW_BELOW
from assessments.figures.obstacle_counts import obstacle_sets
from assessments.figures.period_figures import SERVICE, PeriodCounts, empty_row, period_figures
from assessments.figures.score_counts import score_counts
from assessments.figures.statement_counts import answer_vectors, question_shapes, statement_counts, statement_texts
from assessments.models.figures import SCORE_FIELDS, ActionVoice, PublishedPeriod, SummaryEntry
from assessments.models.organisation import Membership, Role, Service, ServiceLead, Team

logger = logging.getLogger(__name__)


def _aggregates() -> dict:
    aggregates: dict[str, Aggregate] = {"people": Count("id")}
    for slug, column in SCORE_FIELDS.items():
        aggregates[f"n_{slug}"] = Count(column)
        aggregates[f"sum_{slug}"] = Sum(column)
        aggregates[f"low_{slug}"] = Count("id", filter=Q(**{f"{column}__lt": LOW_BELOW}))
        aggregates[f"high_{slug}"] = Count("id", filter=Q(**{f"{column}__gte": HIGH_FROM}))
    return aggregates


def readers_of(service: Service):
    """Everyone who can read any figure of this service: its team leads and service leads, and administrators."""
    leads = Membership.objects.filter(team__service=service, role=Role.LEAD).values("user_id")
    service_leads = ServiceLead.objects.filter(service=service).values("user_id")
    return (
        get_user_model()
        .objects.filter(Q(pk__in=leads) | Q(pk__in=service_leads) | Q(is_staff=True) | Q(is_superuser=True))
        .values("pk")
    )


def counting_entries(service: Service, kind: str, starts: list[date]):
    """The entries of the people who count in these periods: members before the period began, never a reader."""
    joined_before = Membership.objects.filter(
        user_id=OuterRef("user_id"),
        team_id=OuterRef("team_id"),
        role=Role.PRACTITIONER,
        created_at__date__lt=OuterRef("period_start"),
    )
    return (
        SummaryEntry.objects.filter(service=service, kind=kind, period_start__in=starts)
        .filter(Exists(joined_before))
        .exclude(user_id__in=readers_of(service))
    )


def _counted_rows(service: Service, kind: str, starts: list[date]) -> dict[tuple[int, date], dict]:
    """One grouped query: the sums of every team of the service in each period, over the people who count."""
    rows = (
        counting_entries(service, kind, starts).values("team_id", "period_start").annotate(**_aggregates()).order_by()
    )
    return {(row["team_id"], row["period_start"]): row for row in rows}


def _eligible_members(service: Service):
    """The practitioner memberships whose people could count in the service's figures: never its readers."""
    return Membership.objects.filter(team__service=service, role=Role.PRACTITIONER).exclude(
        user_id__in=readers_of(service)
    )


def _member_counts(service: Service, starts: list[date]) -> dict[tuple[int | str, date], int]:
    """How many people could have taken part in each team, and in the whole service, in each period (two queries).

    The same people as the counts: practitioners whose membership began before the period did, never a reader
    of the service; counted from the memberships that are there when the period is published (just after it
    ends, by the nightly job).
    """
    columns = {
        f"m{i}": Count("user_id", distinct=True, filter=Q(created_at__date__lt=start)) for i, start in enumerate(starts)
    }
    counts: dict[tuple[int | str, date], int] = {}
    for row in _eligible_members(service).values("team_id").annotate(**columns).order_by():
        counts.update({(row["team_id"], start): row[f"m{i}"] for i, start in enumerate(starts)})
    whole = _eligible_members(service).aggregate(**columns)
    counts.update({(SERVICE, start): whole[f"m{i}"] or 0 for i, start in enumerate(starts)})
    return counts


def _voice_counts(service: Service, kind: str, starts: list[date]) -> dict[tuple[int, date], dict]:
    """One grouped query: per action and period, the latest answers of the people who could answer.

    A team's action is answered by its practitioners, a service's action by the practitioners of any of its
    teams; as for the figures, only those who were members before the period began, never a reader.
    """
    member_before = Membership.objects.filter(
        user_id=OuterRef("user_id"), role=Role.PRACTITIONER, created_at__date__lt=OuterRef("period_start")
    )
    in_team = Exists(member_before.filter(team_id=OuterRef("action__team_id")))
    in_service = Exists(member_before.filter(team__service_id=OuterRef("action__service_id")))
    rows = (
        ActionVoice.objects.filter(action__service=service, kind=kind, period_start__in=starts)
        .filter(Q(Q(action__team__isnull=False) & in_team) | Q(Q(action__team__isnull=True) & in_service))
        .exclude(user_id__in=readers_of(service))
        .values("action_id", "period_start", team_id=F("action__team_id"))
        .annotate(
            answered=Count("id"),
            **{answer: Count("id", filter=Q(answer=answer)) for answer in ActionVoice.Answer.values},
        )
        .order_by()
    )
    return {(row["action_id"], row["period_start"]): row for row in rows}


def kept_from(now: datetime | None = None) -> date:
    """The first day whose check-ins are still kept: the same day RETENTION_MONTHS calendar months ago."""
    return kept_since(timezone.localdate(now))


def past_retention(period: Period, now: datetime | None = None) -> bool:
    """Whether every check-in the period could hold is past retention: then its figures are gone, whole."""
    return period.end <= kept_from(now)


def _expired() -> dict:
    return {"expired": True, "min_group_size": 0, "share_min_group_size": 0, "teams": [], "cells": {}}


def published_periods(service: Service, periods: list[Period]) -> dict[Period, dict]:
    """The stored figures of these ended periods, publishing the ones nobody has needed yet.

    One query when all are published; otherwise ten more (no figures of another kind, teams, the grouped sums, the
    members of each team and of the service, the actions' voices, the statements' grouped counts and their words,
    the obstacles' grouped counts, the insert) and a read back.
    A period past retention has no figures, and is never published again.
    """
    kind = periods[0].kind
    expired = {p: _expired() for p in periods if past_retention(p)}
    periods = [p for p in periods if p not in expired]
    if not periods:
        return expired
    by_start = {p.start: p for p in periods}
    stored = {
        **expired,
        **{
            by_start[row.period_start]: row.figures
            for row in PublishedPeriod.objects.filter(service=service, kind=kind, period_start__in=list(by_start))
        },
    }
    missing = [p for p in periods if p not in stored]
    if missing:
        refuse_another_period_kind(kind)
        with metrics.publication_timed(kind):
            counted = _publish(service, kind, [p.start for p in missing])
        PublishedPeriod.objects.bulk_create(
            [
                PublishedPeriod(service=service, kind=kind, period_start=start, figures=figures)
                for start, figures in counted.items()
            ],
            ignore_conflicts=True,  # another server got there first: theirs stands, and we read it back
        )
        for row in PublishedPeriod.objects.filter(
            service=service, kind=kind, period_start__in=[p.start for p in missing]
        ):
            stored[by_start[row.period_start]] = row.figures
    return stored


def _too_close(report: dict, teams: list[tuple[int, str]]) -> set[int]:
    """The teams whose scores on a systemic dimension were too close together to place anyone by exchanging all
    their answers: the auditor may yet place them by exchanging single answers. Where it was the service's remainder
    (key None), every team."""
    systemic = {d.slug for d in DIMENSIONS if d.is_systemic}
    found: set[int] = set()
    for facet, why in report.items():
        for key, rule in why.items():
            if facet in systemic and rule in ("score", "band"):
                found |= {pk for pk, _name in teams} if key is None else {key}
    return found


@contextmanager
def _one_snapshot() -> Iterator[None]:
    """Every read of a publication sees the database at one moment.

    Publishing reads sums, members, voices, statements and obstacles in separate queries; a deletion committed
    between two of them would store a period whose means count a person and whose statements do not, and the
    difference is that person. So the reads share one transaction: at REPEATABLE READ on PostgreSQL (one snapshot
    for the whole transaction, where READ COMMITTED takes one per statement), and on SQLite a read transaction,
    which holds off writers until it ends. Inside a caller's transaction the caller's isolation stands.
    """
    if connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def _publish(service: Service, kind: str, starts: list[date]) -> dict[date, dict]:
    """Count these periods in one snapshot and decide what may be shown of each (period_figures.py).

    Ten queries whatever the number of people: teams, the grouped sums, the members of each team and of the
    service, the actions' voices, the statements' grouped counts and their words, which statements each question
    set asked, the obstacles named, and how many people hold each score; and one more for a period where a team's
    scores are close together (those teams' answers to the systemic statements). The insert is the caller's, after
    the snapshot: two servers publishing at once both insert, and the first stands.
    """
    with _one_snapshot():
        teams = list(Team.objects.filter(service=service).order_by("name", "pk").values_list("pk", "name"))
        raw = _counted_rows(service, kind, starts)
        members = _member_counts(service, starts)
        voices = _voice_counts(service, kind, starts)
        said = statement_counts(counting_entries(service, kind, starts))
        got_in_the_way = obstacle_sets(counting_entries(service, kind, starts))
        spread = score_counts(counting_entries(service, kind, starts))
        set_ids = {i for by_team in spread.values() for by_set in by_team.values() for i in by_set}
        shapes = question_shapes(set_ids)
        # The words of every statement leads may see that was answered, or asked of someone who counts.
        answered = {
            c
            for by_team in said.values()
            for by_set in by_team.values()
            for by_code in by_set.values()
            for c in by_code
        }
        asked = {code for shape in shapes.values() for code in (*shape.apart, *shape.team_scored)}
        texts = statement_texts(answered | asked)
        published = {}
        for start in starts:
            counts = PeriodCounts(
                rows={pk: raw.get((pk, start)) or empty_row() for pk, _name in teams},
                members={key: n for (key, when), n in members.items() if when == start},
                voices=[row for (_action, when), row in voices.items() if when == start],
                statements=said.get(start, {}),
                obstacles=got_in_the_way.get(start, {}),
                scores=spread.get(start, {}),
            )
            published[start], report = period_figures(teams, counts, texts, shapes)
            if close := _too_close(report, teams):
                # Try exchanging single answers between people of those teams, which needs their whole answers to
                # the systemic statements: one more query, in the same snapshot, for those teams only.
                entries = counting_entries(service, kind, [start]).filter(team_id__in=close)
                counts.vectors = answer_vectors(entries, shapes).get(start, {})
                published[start], report = period_figures(teams, counts, texts, shapes)
            if report:
                # Which facets only, never which rule or team: administrators read logs, and are readers too.
                logger.info(
                    "Published %s %s for service %s; withheld some of: %s", kind, start, service.pk, sorted(report)
                )
    return published


def periods_publish(*, period: Period) -> int:
    """Publish one ended period for every service (the nightly job). Returns how many were new."""
    before = PublishedPeriod.objects.filter(kind=period.kind, period_start=period.start).count()
    for service in Service.objects.all():
        published_periods(service, [period])
    return PublishedPeriod.objects.filter(kind=period.kind, period_start=period.start).count() - before


def published_purge(*, now: datetime | None = None) -> int:
    """Delete the published figures of periods past retention, whole periods only.

    A period goes when every check-in it could hold is past retention, so its figures go at once, never one
    team or one person at a time; so do the answers about team actions given in it (voices.py).
    Returns how many periods' figures were deleted.
    """
    cutoff = kept_from(now)
    expired = [
        (kind, start)
        for kind, start in PublishedPeriod.objects.filter(period_start__lt=cutoff)
        .values_list("kind", "period_start")
        .distinct()
        if Period(kind, start).end <= cutoff
    ]
    for kind, start in expired:
        PublishedPeriod.objects.filter(kind=kind, period_start=start).delete()
    # The answers about team actions of every period past retention go too, whole periods at a time.
    for kind in KINDS:
        months = Period(kind, cutoff).months
        ActionVoice.objects.filter(kind=kind, period_start__lte=add_months(cutoff, -months)).delete()
    return len(expired)


def refuse_a_changed_period_kind() -> None:
    """Stop start-up if SUMMARY_PERIOD differs from the kind figures were published in.

    Monthly figures saved before a switch, subtracted from quarterly ones, would show a person who was hidden
    in the monthly view. So the kind is chosen once. A database that is not there yet (before `migrate`, or
    during an outage) is not a reason to refuse: the check runs again at the next start.
    """
    try:
        refuse_another_period_kind(settings.SUMMARY_PERIOD)
    except DatabaseError:
        return


def refuse_another_period_kind(kind: str) -> None:
    """Refuse figures by `kind` where figures were published by another: at start-up, and before each write."""
    other = PublishedPeriod.objects.exclude(kind=kind).values_list("kind", flat=True).first()
    if other is not None:
        raise ImproperlyConfigured(
            f"Figures by {kind} were asked for (SUMMARY_PERIOD is {settings.SUMMARY_PERIOD!r}), but figures have "
            f"already been published by {other}. The period kind is chosen once: set SUMMARY_PERIOD={other}."
        )
