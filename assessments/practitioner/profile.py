"""Reads for a practitioner's own results: one check-in's profile and their history."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Prefetch

from assessments.core.feedback import FeedbackItem, feedback_for
from assessments.core.framework import DIMENSIONS, PHASES, Dimension, Direction, Level, Phase
from assessments.core.scoring import Band, band, changes_since, is_concerning, phase_scores, suggests_high_strain
from assessments.models.checkins import CheckIn, DimensionScore
from assessments.models.private import PractitionerProfile


@dataclass(frozen=True)
class ScoreRow:
    """One phase or dimension on the profile, ready for a template."""

    slug: str
    name: str
    direction: Direction
    score: float | None
    band: Band | None
    change: float | None
    needs_attention: bool
    dimension: Dimension | None = None
    phase: Phase | None = None

    @property
    def is_pressure(self) -> bool:
        return self.direction == Direction.PRESSURE


@dataclass
class Profile:
    checkin: CheckIn
    previous: CheckIn | None
    phases: list[ScoreRow]
    dimensions: list[ScoreRow]
    feedback: list[FeedbackItem]
    high_strain: bool
    levels: dict[str, list[ScoreRow]] = field(default_factory=dict)
    moved_most: ScoreRow | None = None

    @property
    def is_first(self) -> bool:
        """Nothing sent before this check-in, so no change to show."""
        return self.previous is None


# A change smaller than this is within the wobble of a five-point scale; not worth headlining.
MOVED_MOST_MIN = 10.0


def moved_most(rows: list[ScoreRow]) -> ScoreRow | None:
    """The dimension whose score changed most since last time, if any changed by at least MOVED_MOST_MIN."""
    changed = [r for r in rows if r.change is not None and abs(r.change) >= MOVED_MOST_MIN]
    return max(changed, key=lambda r: abs(r.change)) if changed else None


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


def _row(part: Phase | Dimension, score: float | None, change: float | None) -> ScoreRow:
    """A phase or a dimension as the profile shows it; a dimension's row also names its phase."""
    is_dimension = isinstance(part, Dimension)
    return ScoreRow(
        slug=part.slug,
        name=part.name,
        direction=part.direction,
        score=score,
        band=band(score),
        change=change,
        needs_attention=is_concerning(score, part.direction),
        dimension=part if is_dimension else None,
        phase=part.phase if is_dimension else part,
    )


def build_profile(checkin: CheckIn) -> Profile:
    current = scores_of(checkin)
    previous = previous_submitted(checkin)
    previous_scores = scores_of(previous) if previous else {}
    dim_changes = changes_since(current, previous_scores) if previous else {}
    current_phases = phase_scores(current)
    phase_changes = changes_since(current_phases, phase_scores(previous_scores)) if previous else {}

    phase_rows = [_row(p, current_phases[p.slug], phase_changes.get(p.slug)) for p in PHASES]
    dimension_rows = [_row(d, current[d.slug], dim_changes.get(d.slug)) for d in DIMENSIONS]
    levels = {
        Level.SYSTEMIC: [r for r in dimension_rows if r.dimension.is_systemic],
        Level.INDIVIDUAL: [r for r in dimension_rows if not r.dimension.is_systemic],
    }
    return Profile(
        checkin=checkin,
        previous=previous,
        phases=phase_rows,
        dimensions=dimension_rows,
        feedback=feedback_for(current, dim_changes),
        high_strain=suggests_high_strain(current),
        levels=levels,
        moved_most=moved_most(dimension_rows),
    )


def submitted_checkins(user: AbstractBaseUser):
    """A person's submitted check-ins, newest first, with their scores (two queries)."""
    return (
        CheckIn.objects.filter(user=user, status=CheckIn.Status.SUBMITTED)
        .select_related("team")
        .prefetch_related(Prefetch("scores", queryset=DimensionScore.objects.all()))
        .order_by("-submitted_at")
    )


def saved_values(user: AbstractBaseUser) -> str:
    """The values this person named at their last check-in, to show back to them."""
    profile = PractitionerProfile.objects.filter(user=user).first()
    return profile.values if profile else ""
