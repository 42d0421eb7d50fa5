"""Scoring as pure functions: answers in, 0-100 scores out. No database here.

A statement is answered on a 1-5 scale. A dimension's score is the mean of
its *answered* statements mapped onto 0-100 (1 -> 0, 3 -> 50, 5 -> 100);
unanswered statements are left out rather than counted as zero. A dimension
is scored only when at least half of its statements are answered: one answer
out of four is not a dimension's score. Otherwise it has no score (None): "not
answered" when nothing was answered, "not enough answers" when some were; in
both cases it counts in no lead's figures. A reverse-keyed statement (agreeing
means less of what the dimension measures) is turned round before scoring.

A phase shows two parts, never one blended number: its individual part and
its systemic part, each the mean of that level's dimension scores (so a
dimension with more statements does not outweigh the others). There is
deliberately no overall score: pressures and resources are never added.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from assessments.core.framework import DIMENSIONS, SCALE_MAX, SCALE_MIN, Direction, Level

# Band edges on the 0-100 scale, shared by the profile and team summaries.
LOW_BELOW = 40.0
HIGH_FROM = 60.0


class Band(StrEnum):
    LOW = "low"
    MIDDLE = "middle"
    HIGH = "high"


@dataclass(frozen=True)
class DimensionResult:
    score: float | None
    answered: int

    @property
    def too_few_answers(self) -> bool:
        """Some statements were answered, but fewer than half: no score, and it says so."""
        return self.score is None and self.answered > 0


def to_profile_scale(mean_answer: float) -> float:
    """Map a mean on the 1-5 answer scale onto 0-100."""
    return (mean_answer - SCALE_MIN) / (SCALE_MAX - SCALE_MIN) * 100


def keyed(value: int, *, reverse: bool) -> int:
    """The answer as scored: a reverse-keyed statement's answer turned round (5 -> 1, 4 -> 2, 3 -> 3)."""
    return SCALE_MIN + SCALE_MAX - value if reverse else value


def dimension_score(values: Iterable[int | None], *, statements: int | None = None) -> DimensionResult:
    """The dimension's score from its statements' answers (None for a blank). `statements` is how many the
    dimension has in the question set (defaults to the number of values given); fewer than half answered
    gives no score."""
    values = list(values)
    answered = [v for v in values if v is not None]
    for v in answered:
        if not SCALE_MIN <= v <= SCALE_MAX:
            raise ValueError(f"Answer {v} is outside the {SCALE_MIN}-{SCALE_MAX} scale.")
    statements = max(statements if statements is not None else len(values), len(answered))
    if not answered or 2 * len(answered) < statements:
        return DimensionResult(score=None, answered=len(answered))
    return DimensionResult(score=round(to_profile_scale(sum(answered) / len(answered)), 1), answered=len(answered))


def score_dimensions(
    values_by_dimension: Mapping[str, Iterable[int | None]], statements: Mapping[str, int] | None = None
) -> dict[str, DimensionResult]:
    """Score every dimension of the model; a dimension missing from the input has no score.

    `statements` gives each dimension's number of statements in the question set, so that answers missing from
    `values_by_dimension` (left blank) count against the half-answered rule.
    """
    statements = statements or {}
    return {
        d.slug: dimension_score(values_by_dimension.get(d.slug, ()), statements=statements.get(d.slug))
        for d in DIMENSIONS
    }


def level_scores(dimension_scores: Mapping[str, float | None], phase_slug: str) -> dict[Level, float | None]:
    """A phase's individual part and its systemic part, each the mean of that level's scored dimensions.

    The headline of a phase shows both instead of one blended number: the individual part is what a person can
    shape, the systemic part is the service's to change.
    """
    result: dict[Level, float | None] = {}
    for level in (Level.INDIVIDUAL, Level.SYSTEMIC):
        scored = [
            s
            for d in DIMENSIONS
            if d.phase_slug == phase_slug and d.level == level and (s := dimension_scores.get(d.slug)) is not None
        ]
        result[level] = round(sum(scored) / len(scored), 1) if scored else None
    return result


def band(score: float | None) -> Band | None:
    if score is None:
        return None
    if score < LOW_BELOW:
        return Band.LOW
    if score >= HIGH_FROM:
        return Band.HIGH
    return Band.MIDDLE


def is_concerning(score: float | None, direction: Direction) -> bool:
    """High pressure or low resource: the end of the scale that needs attention."""
    b = band(score)
    return (direction == Direction.PRESSURE and b == Band.HIGH) or (direction == Direction.RESOURCE and b == Band.LOW)


# What the scores are keyed by: a dimension's or phase's slug, or a Level.
K = TypeVar("K", bound=str)


def changes_since(current: Mapping[K, float | None], previous: Mapping[K, float | None]) -> dict[K, float | None]:
    """Change per key since the previous check-in; None where either side has no score."""
    return {
        key: round(value - before, 1) if value is not None and (before := previous.get(key)) is not None else None
        for key, value in current.items()
    }
