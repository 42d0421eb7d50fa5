"""A practitioner's own trend across their sent check-ins, ready for the line charts and tables of the trends page.

The chart itself is core/charts.py's line_chart, the same as on the leads' summaries. Pressures and resources
are drawn on their own charts, never added together; so are a phase's individual and systemic dimensions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.formats import date_format

from assessments.core.charts import LineChart, line_chart
from assessments.core.framework import PHASES, Dimension, Direction, Phase
from assessments.models.checkins import CheckIn
from assessments.practitioner.profile import scores_of, submitted_checkins


@dataclass(frozen=True)
class Series:
    slug: str
    name: str
    direction: Direction
    scores: list[float | None]
    chart: LineChart
    dimension: Dimension | None = None


@dataclass(frozen=True)
class PhaseTrend:
    """One phase's dimensions over time, individual and systemic each on its own line: never one blended phase
    score, which would mix what a person can shape with what the service has to change."""

    phase: Phase
    dimension_series: list[Series]
    rows: list[tuple[datetime, list[float | None]]]  # date, [dimension scores, in the phase's order]


def _series(dimension: Dimension, scores: list[float | None], labels: list[str], titles: list[str]) -> Series:
    return Series(
        slug=dimension.slug,
        name=str(dimension.name),
        direction=dimension.direction,
        scores=scores,
        chart=line_chart(scores, dimension.direction, labels=labels, titles=titles),
        dimension=dimension,
    )


def trends_for(user: User) -> tuple[list[CheckIn], list[PhaseTrend]]:
    """Every phase and dimension across the person's sent check-ins, oldest first (two queries)."""
    checkins = list(reversed(submitted_checkins(user)))
    dates = [c.submitted_at for c in checkins]
    local = [timezone.localtime(d) for d in dates]
    # Formatted once here, not once per chart: ten charts share them.
    labels = [date_format(d, "j M y") for d in local]
    titles = [date_format(d, "j F Y") for d in local]
    dim_scores = [scores_of(c) for c in checkins]
    trends = []
    for phase in PHASES:
        dimension_series = [_series(d, [s[d.slug] for s in dim_scores], labels, titles) for d in phase.dimensions]
        rows = [(dates[i], [s.scores[i] for s in dimension_series]) for i in range(len(checkins))]
        trends.append(PhaseTrend(phase=phase, dimension_series=dimension_series, rows=rows))
    return checkins, trends
