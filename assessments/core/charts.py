"""Server-rendered SVG chart geometry. No JavaScript needed, so charts work everywhere."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import mark_safe

CHART_WIDTH = 360
BAR_AREA = 260  # width of the 0-100 track, in chart units
LABEL_HEIGHT = 20
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
                label_y=y + 15,
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
    kind: str  # pressure or resource, for the colour

    def svg(self, chart_id: str, title: str) -> str:
        """The chart as inline SVG. Built here rather than in a template: seven of these per page add up."""
        parts = [
            format_html(
                '<svg class="trend-chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title">'
                '<title id="{}-title">{}</title>',
                self.width,
                self.height + 16,
                chart_id,
                chart_id,
                title,
            )
        ]
        for value, y in self.gridlines:
            parts.append(
                format_html(
                    '<line class="trend-grid" x1="{}" x2="{}" y1="{}" y2="{}"></line>'
                    '<text class="trend-axis" x="0" y="{}" dy="4">{}</text>',
                    self.plot_left,
                    self.plot_right,
                    y,
                    y,
                    y,
                    value,
                )
            )
        for points in self.segments:
            parts.append(
                format_html('<polyline class="trend-line trend-{}" points="{}"></polyline>', self.kind, points)
            )
        for point in self.points:
            parts.append(
                format_html(
                    '<circle class="trend-dot trend-{}" cx="{}" cy="{}" r="3.5"><title>{}</title></circle>',
                    self.kind,
                    point.x,
                    point.y,
                    point.label,
                )
            )
        parts.append(
            format_html(
                '<text class="trend-axis" x="{}" y="{}">{}</text>'
                '<text class="trend-axis" x="{}" y="{}" text-anchor="end">{}</text></svg>',
                self.plot_left,
                self.height + 12,
                self.first_label,
                self.plot_right,
                self.height + 12,
                self.last_label,
            )
        )
        return mark_safe("".join(parts))  # noqa: S308 - every part went through format_html


def trend_chart(values: Sequence, periods: Sequence, kind: str) -> TrendChart:
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
        kind=kind,
    )
