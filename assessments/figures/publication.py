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

from collections.abc import Iterable
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone

from assessments.core.anonymity import (
    SHARES_PROTECT_ANOTHER,
    SHARES_TOO_FEW,
    VOICES_TOO_FEW,
    Suppression,
    min_group_size,
    share_min_group_size,
    suppress,
)
from assessments.core.framework import DIMENSIONS
from assessments.core.obstacles import obstacle_figures
from assessments.core.periods import KINDS, Period, add_months
from assessments.core.scoring import HIGH_FROM, LOW_BELOW
from assessments.core.statements import statement_figures
from assessments.figures.obstacle_counts import obstacle_counts
from assessments.figures.statement_counts import statement_counts, statement_texts
from assessments.models.figures import SCORE_FIELDS, ActionVoice, PublishedPeriod, SummaryEntry
from assessments.models.organisation import Membership, Role, Service, ServiceLead, Team

SERVICE = "service"  # the key of the whole service's cell; teams are keyed by their id as a string


def _aggregates() -> dict:
    aggregates = {"people": Count("id")}
    for slug, column in SCORE_FIELDS.items():
        aggregates[f"n_{slug}"] = Count(column)
        aggregates[f"sum_{slug}"] = Sum(column)
        aggregates[f"low_{slug}"] = Count("id", filter=Q(**{f"{column}__lt": LOW_BELOW}))
        aggregates[f"high_{slug}"] = Count("id", filter=Q(**{f"{column}__gte": HIGH_FROM}))
    return aggregates


def _empty_row() -> dict:
    row = {"people": 0}
    for slug in SCORE_FIELDS:
        row.update({f"n_{slug}": 0, f"sum_{slug}": 0.0, f"low_{slug}": 0, f"high_{slug}": 0})
    return row


def _added(rows: Iterable[dict]) -> dict:
    total = _empty_row()
    for row in rows:
        for key in total:
            total[key] += row[key] or 0
    return total


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
        .values("action_id", "period_start")
        .annotate(
            answered=Count("id"),
            **{answer: Count("id", filter=Q(answer=answer)) for answer in ActionVoice.Answer.values},
        )
        .order_by()
    )
    return {(row["action_id"], row["period_start"]): row for row in rows}


def _voices(rows: Iterable[dict]) -> dict[str, dict]:
    """What may be shown of each action's voice: counts only where enough people answered."""
    shown = {}
    for row in rows:
        if row["answered"] < share_min_group_size():
            shown[str(row["action_id"])] = {"hidden": VOICES_TOO_FEW}
        else:
            shown[str(row["action_id"])] = {
                "hidden": None,
                "answered": row["answered"],
                **{answer: row[answer] for answer in ActionVoice.Answer.values},
            }
    return shown


def _share(count: int, n: int) -> int:
    return round(100 * count / n)


def _cell(row: dict, hidden: str | None, dim_hidden: dict[str, str | None], shares_hidden: dict, members: int) -> dict:
    """What may be shown of one team (or the service) in one period. Hidden cells keep no figures at all, not even
    how many members could have taken part."""
    if hidden is not None:
        return {"people": None, "hidden": hidden, "dims": {}}
    dims = {}
    for d in DIMENSIONS:
        n = row[f"n_{d.slug}"]
        if dim_hidden[d.slug] is not None:
            dims[d.slug] = {"hidden": dim_hidden[d.slug]}
            continue
        figure = {"mean": round(row[f"sum_{d.slug}"] / n, 1), "hidden": None, "shares_hidden": shares_hidden[d.slug]}
        if shares_hidden[d.slug] is None:
            low, high = row[f"low_{d.slug}"], row[f"high_{d.slug}"]
            figure.update(low=_share(low, n), middle=_share(n - low - high, n), high=_share(high, n))
        dims[d.slug] = figure
    return {"people": row["people"], "members": members, "hidden": None, "dims": dims}


def _period_figures(
    teams: list[Team],
    rows: dict[int, dict],
    members: dict[int | str, int],
    voices: Iterable[dict],
    statements: dict[int, dict[str, dict[int, int]]] | None = None,
    texts: dict[str, dict] | None = None,
    obstacles: dict[int, dict[str, int]] | None = None,
) -> dict:
    """Suppression decided once for every team and the service, and the figures that survive it."""
    head = suppress({t.pk: rows[t.pk]["people"] for t in teams})
    means: dict[str, Suppression] = {}
    shares: dict[str, Suppression] = {}
    for d in DIMENSIONS:
        counts = {t.pk: rows[t.pk][f"n_{d.slug}"] for t in teams}
        means[d.slug] = suppress(counts, forced=head.hidden, total_forced=head.total_hidden)
        shares[d.slug] = suppress(
            counts,
            forced=means[d.slug].hidden,
            total_forced=means[d.slug].total_hidden,
            minimum=share_min_group_size(),
            reasons=(SHARES_TOO_FEW, SHARES_PROTECT_ANOTHER),
        )
    cells = {
        str(t.pk): _cell(
            rows[t.pk],
            head.hidden.get(t.pk),
            {slug: s.hidden.get(t.pk) for slug, s in means.items()},
            {slug: s.hidden.get(t.pk) for slug, s in shares.items()},
            members.get(t.pk, 0),
        )
        for t in teams
    }
    cells[SERVICE] = _cell(
        _added(rows.values()),
        head.total_hidden,
        {slug: s.total_hidden for slug, s in means.items()},
        {slug: s.total_hidden for slug, s in shares.items()},
        members.get(SERVICE, 0),
    )
    # Each statement leads may see, with its own n, hidden and complemented like the dimensions' shares.
    decided = statement_figures(
        {t.pk: (statements or {}).get(t.pk, {}) for t in teams}, forced=head.hidden, total_forced=head.total_hidden
    )
    for t in teams:
        if cells[str(t.pk)]["hidden"] is None:
            cells[str(t.pk)]["statements"] = decided.teams[t.pk]
    if cells[SERVICE]["hidden"] is None:
        cells[SERVICE]["statements"] = decided.service
    # What got in the way of the moves people chose: one figure per cell, decided like the statements' shares.
    got_in_the_way = obstacle_figures(
        {t.pk: (obstacles or {}).get(t.pk, {}) for t in teams}, forced=head.hidden, total_forced=head.total_hidden
    )
    for key, figure in [*((str(t.pk), got_in_the_way.teams[t.pk]) for t in teams), (SERVICE, got_in_the_way.service)]:
        if cells[key]["hidden"] is None:
            cells[key]["obstacles"] = figure
    codes = {code for by_code in decided.teams.values() for code in by_code} | set(decided.service)
    return {
        "min_group_size": min_group_size(),
        "share_min_group_size": share_min_group_size(),
        "teams": [[t.pk, t.name] for t in teams],
        "cells": cells,
        "voices": _voices(voices),
        "statements": {code: info for code, info in (texts or {}).items() if code in codes},
    }


def kept_from(now: datetime | None = None) -> date:
    """The first day whose check-ins are still kept: the same day RETENTION_MONTHS calendar months ago."""
    return add_months(timezone.localdate(now), -settings.RETENTION_MONTHS)


def past_retention(period: Period, now: datetime | None = None) -> bool:
    """Whether every check-in the period could hold is past retention: then its figures are gone, whole."""
    return period.end <= kept_from(now)


def _expired() -> dict:
    return {"expired": True, "min_group_size": 0, "share_min_group_size": 0, "teams": [], "cells": {}}


def published_periods(service: Service, periods: list[Period]) -> dict[Period, dict]:
    """The stored figures of these ended periods, publishing the ones nobody has needed yet.

    One query when all are published; otherwise nine more (teams, the grouped sums, the members of each team and
    of the service, the actions' voices, the statements' grouped counts and their words, the obstacles' grouped
    counts, the insert) and a read back.
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
        teams = list(Team.objects.filter(service=service).order_by("name", "pk"))
        starts = [p.start for p in missing]
        raw = _counted_rows(service, kind, starts)
        members = _member_counts(service, starts)
        voices = _voice_counts(service, kind, starts)
        said = statement_counts(counting_entries(service, kind, starts))
        texts = statement_texts({code for by_team in said.values() for c in by_team.values() for code in c})
        got_in_the_way = obstacle_counts(counting_entries(service, kind, starts))
        PublishedPeriod.objects.bulk_create(
            [
                PublishedPeriod(
                    service=service,
                    kind=kind,
                    period_start=p.start,
                    figures=_period_figures(
                        teams,
                        {t.pk: raw.get((t.pk, p.start)) or _empty_row() for t in teams},
                        {key: n for (key, start), n in members.items() if start == p.start},
                        [row for (_action, start), row in voices.items() if start == p.start],
                        said.get(p.start, {}),
                        texts,
                        got_in_the_way.get(p.start, {}),
                    ),
                )
                for p in missing
            ],
            ignore_conflicts=True,  # another server got there first: theirs stands, and we read it back
        )
        for row in PublishedPeriod.objects.filter(
            service=service, kind=kind, period_start__in=[p.start for p in missing]
        ):
            stored[by_start[row.period_start]] = row.figures
    return stored


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
        other = PublishedPeriod.objects.exclude(kind=settings.SUMMARY_PERIOD).values_list("kind", flat=True).first()
    except DatabaseError:
        return
    if other is not None:
        raise ImproperlyConfigured(
            f"SUMMARY_PERIOD is {settings.SUMMARY_PERIOD!r}, but figures have already been published by {other}. "
            f"The period kind is chosen once: set SUMMARY_PERIOD={other}."
        )
