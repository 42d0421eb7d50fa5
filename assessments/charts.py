"""Server-rendered SVG chart geometry. No JavaScript needed, so charts work everywhere."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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
