"""Reads for a practitioner's own results: one check-in's profile and their history."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

from django.contrib.auth.models import User
from django.db.models import Prefetch

from assessments.core.feedback import Feedback, feedback_for, frequency_notes
from assessments.core.framework import (
    DIMENSIONS,
    Dimension,
    Direction,
    Level,
    Phase,
    StatementKind,
)
from assessments.core.scoring import Band, band, changes_since, is_concerning
from assessments.core.signposting import Support, shows_raise_it, support_for
from assessments.models.checkins import Answer, CheckIn, DimensionScore
from assessments.models.private import PractitionerProfile

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class ScoreRow:
    """One phase or dimension on the profile, ready for a template."""

    slug: str
    name: StrOrPromise
    direction: Direction
    score: float | None
    band: Band | None
    change: float | None
    needs_attention: bool
    dimension: Dimension | None = None
    phase: Phase | None = None
    # Some statements answered, fewer than half: no score, and the profile says "not enough answers".
    too_few_answers: bool = False

    @property
    def is_pressure(self) -> bool:
        return self.direction == Direction.PRESSURE


@dataclass(frozen=True)
class SaidRow:
    """A statement that is not scored, with the person's answer in the words they chose, to say back to them."""

    code: str
    statement: str
    answer: str
    value: int
    # What the profile says under it, where the answer calls for it ("" if nothing).
    note: str = ""


@dataclass
class Profile:
    checkin: CheckIn
    previous: CheckIn | None
    dimensions: list[ScoreRow]
    feedback: Feedback
    # The support panel (graded, from how the person is and their own resources) and the "raise it" card (from the
    # system's part).
    support: Support
    shows_raise_it: bool
    levels: dict[str, list[ScoreRow]] = field(default_factory=dict)
    moved_most: ScoreRow | None = None
    # The how-you-are answers that led to the support panel, and the frequencies (working over, supervision that
    # went ahead), each in the person's words.
    support_said: list[SaidRow] = field(default_factory=list)
    frequencies: list[SaidRow] = field(default_factory=list)

    @property
    def shows_support(self) -> bool:
        return self.support.shows

    @property
    def support_low_resources(self) -> list[ScoreRow]:
        return [r for r in self.dimensions if r.slug in self.support.low_resources]

    @property
    def has_too_few_answers(self) -> bool:
        return any(r.too_few_answers for r in self.dimensions)

    @property
    def is_first(self) -> bool:
        """Nothing sent before this check-in, so no change to show."""
        return self.previous is None


# A change smaller than this is within the wobble of a five-point scale; not worth headlining.
MOVED_MOST_MIN = 10.0


def moved_most(rows: list[ScoreRow]) -> ScoreRow | None:
    """The dimension whose score changed most since last time, if any changed by at least MOVED_MOST_MIN."""
    changed = [r for r in rows if r.change is not None and abs(r.change) >= MOVED_MOST_MIN]
    return max(changed, key=lambda r: abs(cast(float, r.change))) if changed else None


def scores_of(checkin: CheckIn) -> dict[str, float | None]:
    """Dimension scores of a submitted check-in; uses prefetched scores when present."""
    stored = {s.dimension: s.score for s in checkin.scores.all()}
    return {d.slug: stored.get(d.slug) for d in DIMENSIONS}


def previous_submitted(checkin: CheckIn) -> CheckIn | None:
    return (
        CheckIn.objects.filter(
            user_id=checkin.user_id, status=CheckIn.Status.SUBMITTED, submitted_at__lt=checkin.submitted_at
        )
        .order_by("-submitted_at")
        .prefetch_related("scores")
        .first()
    )


def _row(dimension: Dimension, score: float | None, change: float | None, answered: int) -> ScoreRow:
    """A dimension as the profile shows it, naming its phase."""
    return ScoreRow(
        slug=dimension.slug,
        name=dimension.name,
        direction=dimension.direction,
        score=score,
        band=band(score),
        change=change,
        needs_attention=is_concerning(score, dimension.direction),
        dimension=dimension,
        phase=dimension.phase,
        too_few_answers=score is None and answered > 0,
    )


@dataclass(frozen=True)
class _Read:
    """One check-in's answers as the profile needs them."""

    answered: dict[str, int]  # scored statements answered, by dimension
    wellbeing: list[SaidRow]  # how the person is, in the order asked
    frequencies: list[SaidRow]  # working over, supervision that went ahead, in the order asked


def _answers_read(checkin: CheckIn) -> _Read:
    """How many scored statements of each dimension were answered, and the answers that are not scored but said
    back (how the person is; the frequencies), with their words; none before question set v2. One query over the
    check-in's own answers, a few dozen at most."""
    answered: dict[str, int] = {}
    wellbeing: list[SaidRow] = []
    frequencies: list[SaidRow] = []
    rows = (
        Answer.objects.filter(
            checkin=checkin,
            question__kind__in=[StatementKind.SCORED, StatementKind.WELLBEING, StatementKind.FREQUENCY],
        )
        .select_related("question")
        .order_by("question__order", "question_id")
    )
    for answer in rows:
        question = answer.question
        if question.kind == StatementKind.SCORED:
            answered[question.dimension] = answered.get(question.dimension, 0) + 1
            continue
        said = SaidRow(question.code, question.text, question.answer_label(answer.value), answer.value)
        (wellbeing if question.kind == StatementKind.WELLBEING else frequencies).append(said)
    return _Read(answered, wellbeing, frequencies)


def build_profile(checkin: CheckIn) -> Profile:
    current = scores_of(checkin)
    previous = previous_submitted(checkin)
    previous_scores = scores_of(previous) if previous else {}
    dim_changes = changes_since(current, previous_scores) if previous else {}
    read = _answers_read(checkin)
    frequencies = {f.code: f.value for f in read.frequencies}
    notes = frequency_notes(frequencies)
    support = support_for(current, {w.code: w.value for w in read.wellbeing})
    raise_it = shows_raise_it(current, frequencies)

    dimension_rows = [
        _row(d, current[d.slug], dim_changes.get(d.slug), read.answered.get(d.slug, 0)) for d in DIMENSIONS
    ]
    # (Every dimension's row has its dimension.)
    levels: dict[str, list[ScoreRow]] = {
        Level.SYSTEMIC: [r for r in dimension_rows if r.dimension is not None and r.dimension.is_systemic],
        Level.INDIVIDUAL: [r for r in dimension_rows if r.dimension is not None and not r.dimension.is_systemic],
    }
    return Profile(
        checkin=checkin,
        previous=previous,
        dimensions=dimension_rows,
        feedback=feedback_for(current, dim_changes, frequencies, raise_it_card=raise_it),
        support=support,
        shows_raise_it=raise_it,
        levels=levels,
        moved_most=moved_most(dimension_rows),
        support_said=[w for w in read.wellbeing if w.code in support.said],
        frequencies=[SaidRow(f.code, f.statement, f.answer, f.value, notes.get(f.code, "")) for f in read.frequencies],
    )


def submitted_checkins(user: User):
    """A person's submitted check-ins, newest first, with their scores (two queries)."""
    return (
        CheckIn.objects.filter(user=user, status=CheckIn.Status.SUBMITTED)
        .select_related("team")
        .prefetch_related(Prefetch("scores", queryset=DimensionScore.objects.all()))
        .order_by("-submitted_at")
    )


def saved_values(user: User) -> str:
    """The values this person named at their last check-in, to show back to them."""
    profile = PractitionerProfile.objects.filter(user=user).first()
    return profile.values if profile else ""
