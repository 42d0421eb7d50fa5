"""A practitioner's own trend across their sent check-ins, and the line-chart geometry to draw it.

Charts are server-rendered SVG; every chart has a table with the same figures.
Pressures and resources are drawn on their own charts, never added together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser

from assessments.core.framework import PHASES, Dimension, Direction, Phase
from assessments.core.scoring import HIGH_FROM, LOW_BELOW, phase_scores
from assessments.models.checkins import CheckIn
from assessments.practitioner.profile import scores_of, submitted_checkins

WIDTH = 600
HEIGHT = 200
LEFT = 44  # room for the 0 / 50 / 100 labels
RIGHT = 16
TOP = 12
BOTTOM = 36  # room for the date labels
PLOT_WIDTH = WIDTH - LEFT - RIGHT
PLOT_HEIGHT = HEIGHT - TOP - BOTTOM


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    score: float
    date: datetime


@dataclass(frozen=True)
class AxisLabel:
    x: float
    text: str
    anchor: str


@dataclass(frozen=True)
class LineChart:
    points: list[Point]
    polyline: str
    width: int
    height: int
    left: int
    right_x: int
    gridlines: list[tuple[float, int]]  # (y, value)
    attention_y: float  # top of the band that needs attention
    attention_height: float
    date_labels: list[AxisLabel]
    baseline_y: float

    @property
    def plot_width(self) -> int:
        return self.right_x - self.left

    @property
    def label_x(self) -> int:
        return self.left - 6


def _y(score: float) -> float:
    return round(TOP + PLOT_HEIGHT * (1 - score / 100), 1)


def line_chart(dates: list[datetime], scores: list[float | None], direction: str) -> LineChart:
    """One series over time. Missing scores leave a gap in the points; the line joins those present."""
    n = len(dates)
    xs = [round(LEFT + (PLOT_WIDTH / 2 if n == 1 else PLOT_WIDTH * i / (n - 1)), 1) for i in range(n)]
    points = [Point(x=x, y=_y(s), score=s, date=d) for x, s, d in zip(xs, scores, dates, strict=True) if s is not None]
    # The end of the scale that needs attention: high pressure, or low support and strength.
    if direction == Direction.PRESSURE:
        attention_y, attention_h = _y(100), round(_y(HIGH_FROM) - _y(100), 1)
    else:
        attention_y, attention_h = _y(LOW_BELOW), round(_y(0) - _y(LOW_BELOW), 1)
    labels = []
    if n:
        labels.append(AxisLabel(x=xs[0], text=dates[0].strftime("%-d %b %y"), anchor="middle" if n == 1 else "start"))
    if n > 1:
        labels.append(AxisLabel(x=xs[-1], text=dates[-1].strftime("%-d %b %y"), anchor="end"))
    return LineChart(
        points=points,
        polyline=" ".join(f"{p.x},{p.y}" for p in points),
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right_x=WIDTH - RIGHT,
        gridlines=[(_y(v), v) for v in (0, 50, 100)],
        attention_y=attention_y,
        attention_height=attention_h,
        date_labels=labels,
        baseline_y=HEIGHT - 10,
    )


@dataclass(frozen=True)
class Series:
    slug: str
    name: str
    direction: Direction
    scores: list[float | None]
    chart: LineChart
    dimension: Dimension | None = None

    @property
    def first_and_last(self) -> tuple[float | None, float | None]:
        present = [s for s in self.scores if s is not None]
        return (present[0], present[-1]) if present else (None, None)


@dataclass(frozen=True)
class PhaseTrend:
    phase: Phase
    phase_series: Series
    dimension_series: list[Series]
    rows: list[tuple[datetime, list[float | None]]]  # date, [phase score, dimension scores...]


def trends_for(user: AbstractBaseUser) -> tuple[list[CheckIn], list[PhaseTrend]]:
    """Every phase and dimension across the person's sent check-ins, oldest first (two queries)."""
    checkins = list(reversed(submitted_checkins(user)))
    dates = [c.submitted_at for c in checkins]
    dim_scores = [scores_of(c) for c in checkins]
    ph_scores = [phase_scores(s) for s in dim_scores]
    trends = []
    for phase in PHASES:
        p_values = [s[phase.slug] for s in ph_scores]
        phase_series = Series(
            slug=phase.slug,
            name=str(phase.name),
            direction=phase.direction,
            scores=p_values,
            chart=line_chart(dates, p_values, phase.direction),
        )
        dimension_series = []
        for d in phase.dimensions:
            values = [s[d.slug] for s in dim_scores]
            dimension_series.append(
                Series(
                    slug=d.slug,
                    name=str(d.name),
                    direction=d.direction,
                    scores=values,
                    chart=line_chart(dates, values, d.direction),
                    dimension=d,
                )
            )
        rows = [(dates[i], [p_values[i]] + [s.scores[i] for s in dimension_series]) for i in range(len(checkins))]
        trends.append(PhaseTrend(phase=phase, phase_series=phase_series, dimension_series=dimension_series, rows=rows))
    return checkins, trends
