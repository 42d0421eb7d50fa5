"""Server-rendered SVG chart geometry. No JavaScript needed, so charts work everywhere."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

CHART_WIDTH = 600
BAR_AREA = 400  # width of the 0-100 track, in chart units
LABEL_HEIGHT = 18
BAR_HEIGHT = 16
ROW_GAP = 14


@dataclass(frozen=True)
class Bar:
    label: str
    score: float | None
    direction: str
    label_y: int
    bar_y: int
    width: float


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    width: int
    height: int
    track_width: int


def bar_chart(rows: Sequence) -> BarChart:
    """Horizontal 0-100 bars, one per row (anything with name, score and direction)."""
    bars = []
    y = 0
    for row in rows:
        score = row.score
        bars.append(
            Bar(
                label=str(row.name),
                score=score,
                direction=str(row.direction),
                label_y=y + 14,
                bar_y=y + LABEL_HEIGHT + 2,
                width=round((score or 0) / 100 * BAR_AREA, 1),
            )
        )
        y += LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP
    return BarChart(bars=bars, width=CHART_WIDTH, height=y, track_width=BAR_AREA)


TREND_WIDTH = 600
TREND_HEIGHT = 120
TREND_LEFT = 36  # room for the 0 / 50 / 100 labels
TREND_TOP = 8


@dataclass(frozen=True)
class TrendPoint:
    x: float
    y: float
    label: str


@dataclass(frozen=True)
class TrendChart:
    width: int
    height: int
    plot_left: int
    plot_right: int
    gridlines: list[tuple[int, float]]  # (value, y)
    segments: list[str]  # polyline point lists; a hidden period breaks the line
    points: list[TrendPoint]
    first_label: str
    last_label: str


def trend_chart(values: Sequence, periods: Sequence) -> TrendChart:
    """A 0-100 line over periods. `values` have `is_shown` and `mean`; hidden periods leave a gap."""
    plot_height = TREND_HEIGHT - 2 * TREND_TOP
    right = TREND_WIDTH - 8
    step = (right - TREND_LEFT) / max(len(periods) - 1, 1)

    def y_of(score: float) -> float:
        return round(TREND_TOP + (100 - score) / 100 * plot_height, 1)

    segments: list[list[str]] = [[]]
    points = []
    for i, (value, period) in enumerate(zip(values, periods, strict=True)):
        if not value.is_shown:
            if segments[-1]:
                segments.append([])
            continue
        x, y = round(TREND_LEFT + i * step, 1), y_of(value.mean)
        segments[-1].append(f"{x},{y}")
        points.append(TrendPoint(x=x, y=y, label=f"{period.short_label}: {value.mean:.0f}"))
    return TrendChart(
        width=TREND_WIDTH,
        height=TREND_HEIGHT,
        plot_left=TREND_LEFT,
        plot_right=right,
        gridlines=[(v, y_of(v)) for v in (0, 50, 100)],
        segments=[" ".join(s) for s in segments if len(s) > 1],
        points=points,
        first_label=periods[0].short_label if periods else "",
        last_label=periods[-1].short_label if periods else "",
    )
