"""Which check-in counts in summaries: each person's latest submitted check-in per fixed period that answered at
least one statement (a blank one is not taking part).

Kept at write time in SummaryEntry (one row per person, period kind and period,
with that check-in's dimension scores), so a summary reads one row per person
instead of every answer. Both period kinds are kept, so switching the
SUMMARY_PERIOD setting needs no rebuild.

Beside each entry it keeps what leads may count of it: the answers to the statements they see as team figures
(StatementEntry), and what got in the way of the person's moves as they reviewed them while filling in that
check-in (MoveObstacleEntry: only the obstacle, never the move or its note). Both go with their entry, so when a
check-in is deleted what it passed on goes too.

Called inside the check-in writes' transactions (checkins.py). Deleting an
account deletes its entries by cascade, which is correct: nothing of that
person then counts anywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from typing import cast

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from assessments.core.framework import DIMENSIONS_BY_SLUG, DOES_NOT_APPLY, StatementKind
from assessments.core.periods import KINDS, Period, period_of
from assessments.models.checkins import Answer, CheckIn
from assessments.models.figures import ANSWERED_FIELDS, SCORE_FIELDS, MoveObstacleEntry, StatementEntry, SummaryEntry
from assessments.models.organisation import Team
from assessments.models.private import MoveReview


def counts_for_team(kind: str, dimension: str) -> bool:
    """Whether leads may see a statement as a team figure: a systemic one, a frequency or the intention to leave.

    Never one about how the person is, and never an individual statement (those stay with the person).
    """
    if kind in (StatementKind.FREQUENCY, StatementKind.INTENTION):
        return True
    return kind == StatementKind.SCORED and DIMENSIONS_BY_SLUG[dimension].is_systemic


TEAM_STATEMENT_KINDS = [StatementKind.SCORED, StatementKind.FREQUENCY, StatementKind.INTENTION]


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def entries_refresh(*, user_id: int, moments: Iterable[datetime]) -> None:
    """Recompute which of this person's check-ins counts in every period (of each kind) holding one of `moments`.

    Eleven queries at most whatever the person's history: their submitted
    check-ins in those periods and their scores, the old entries with what
    they passed on (four to delete), one insert, for the statement figures the
    counting check-ins' answers and one insert, and for what got in the way of
    their moves one read and (when they said) one insert.
    """
    periods: set[Period] = {period_of(m, kind) for m in moments for kind in KINDS}
    if not periods:
        return
    start = min(p.start for p in periods)
    end = max(p.end for p in periods)
    checkins = (
        CheckIn.objects.filter(
            user_id=user_id,
            status=CheckIn.Status.SUBMITTED,
            submitted_at__gte=_moment(start),
            submitted_at__lt=_moment(end),
        )
        # A check-in sent with no answer at all says nothing, so it is not taking part: it never counts in a team's
        # figures or its response rate, and the person's latest check-in that said something counts instead.
        .filter(Exists(Answer.objects.filter(checkin_id=OuterRef("pk"))))
        .select_related("team")
        .prefetch_related("scores")
        .order_by("submitted_at", "pk")
    )
    latest: dict[Period, CheckIn] = {}
    for checkin in checkins:
        # A sent check-in has its time (a database constraint, checkins.CheckIn).
        submitted_at = cast(datetime, checkin.submitted_at)
        for kind in KINDS:
            period = period_of(submitted_at, kind)
            if period in periods:
                latest[period] = checkin  # ordered oldest first, so the last one wins

    in_periods = Q()
    for period in periods:
        in_periods |= Q(kind=period.kind, period_start=period.start)
    SummaryEntry.objects.filter(in_periods, user_id=user_id).delete()
    entries = SummaryEntry.objects.bulk_create(
        SummaryEntry(
            checkin=checkin,
            user_id=user_id,
            team_id=checkin.team_id,
            service_id=cast(Team, checkin.team).service_id,  # a team deleted since would fail here, as before
            question_set_id=checkin.question_set_id,
            kind=period.kind,
            period_start=period.start,
            **{SCORE_FIELDS[s.dimension]: s.score for s in checkin.scores.all() if s.dimension in SCORE_FIELDS},
            **{ANSWERED_FIELDS[s.dimension]: s.answered for s in checkin.scores.all() if s.dimension in SCORE_FIELDS},
        )
        # A latest check-in without a team (its team was deleted) counts nowhere.
        for period, checkin in latest.items()
        if checkin.team_id is not None
    )
    _statements_write(entries)
    _obstacles_write(user_id, entries)


def _statements_write(entries: list[SummaryEntry]) -> None:
    """The answers leads may see as team figures, beside each entry (two queries)."""
    if not entries:
        return
    answers = (
        Answer.objects.filter(checkin_id__in={e.checkin_id for e in entries}, question__kind__in=TEAM_STATEMENT_KINDS)
        .values_list("checkin_id", "question__code", "question__kind", "question__dimension", "value")
        .order_by()
    )
    by_checkin: dict[int, list[tuple[str, int]]] = {}
    for checkin_id, code, kind, dimension, value in answers:
        # "Does not apply" is no answer on the scale: leads see it as a blank, like a statement left unanswered.
        if counts_for_team(kind, dimension) and value != DOES_NOT_APPLY:
            by_checkin.setdefault(checkin_id, []).append((code, value))
    StatementEntry.objects.bulk_create(
        StatementEntry(entry=entry, code=code, value=value)
        for entry in entries
        for code, value in by_checkin.get(entry.checkin_id, [])
    )


def _obstacles_write(user_id: int, entries: list[SummaryEntry]) -> None:
    """What got in the way of this person's moves, beside each entry: the obstacles they named in the reviews they
    gave while filling in its check-in (from starting it to sending it, as moves.moves_to_review decides what a
    draft reviews). A review given in a draft that was never sent counts nowhere. Reads only the obstacle and when
    it was said, never the move or the note (one query, and one insert when there is anything to keep)."""
    # An entry's check-in was sent, so it has its time (a database constraint, checkins.CheckIn).
    windows = {e.checkin_id: (e.checkin.created_at, cast(datetime, e.checkin.submitted_at)) for e in entries}
    if not windows:
        return
    during = Q()
    for start, end in windows.values():
        during |= Q(created_at__gte=start, created_at__lte=end)
    said = list(
        MoveReview.objects.filter(during, move__user_id=user_id)
        .exclude(obstacle="")
        .values_list("created_at", "obstacle")
        .order_by()
    )
    if not said:
        return
    kept = []
    for entry in entries:
        start, end = windows[entry.checkin_id]
        named = sorted({obstacle for at, obstacle in said if start <= at <= end})
        kept += [MoveObstacleEntry(entry=entry, obstacle=obstacle) for obstacle in named]
    MoveObstacleEntry.objects.bulk_create(kept)


def entries_rebuild(*, user_ids: Iterable[int]) -> None:
    """Recompute every period for these people, e.g. after demo data was back-dated."""
    for user_id in user_ids:
        SummaryEntry.objects.filter(user_id=user_id).delete()
        moments = CheckIn.objects.filter(user_id=user_id, status=CheckIn.Status.SUBMITTED).values_list(
            "submitted_at", flat=True
        )
        entries_refresh(user_id=user_id, moments=cast(list[datetime], list(moments)))  # sent: each has its time
