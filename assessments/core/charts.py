"""Server-rendered SVG chart geometry. No JavaScript needed, so charts work everywhere.

A line over time for the trends (a practitioner's own and the leads' summaries alike). Each page shows a table with
the same figures next to a chart. (One check-in's scores are bars drawn in the profile's own template, beside their
numbers in words.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assessments.core.framework import Direction
from assessments.core.scoring import HIGH_FROM, LOW_BELOW

# The line chart is drawn in a box about as wide as a phone, so its labels are about their own size there and
# larger on a bigger screen: a 600-unit box squeezed onto a 390 px screen shrank them below 10 px.
LINE_WIDTH = 360
LINE_FONT_SIZE = 14
LINE_LEFT = 34  # room for the 0 / 50 / 100 labels
LINE_RIGHT = 10  # room for the last point's dot
LINE_TOP = 10
LINE_PLOT_HEIGHT = 120
LINE_BOTTOM = 30  # room for the labels under the axis


@dataclass(frozen=True)
class LinePoint:
    x: float
    y: float
    score: float
    label: str  # when, for the point's tooltip


@dataclass(frozen=True)
class AxisLabel:
    x: float
    text: str
    anchor: str  # SVG text-anchor: start, middle or end


@dataclass(frozen=True)
class LineChart:
    direction: str  # pressure or resource: the colour, and which end of the scale is shaded
    points: list[LinePoint]  # every score present, so a lone one still shows as a dot
    segments: list[str]  # polyline point lists, one per run of two or more scores: a missing score breaks the line
    gridlines: list[tuple[int, float]]  # (value, y)
    band_y: float  # the band at the end of the scale that is worth a look
    band_height: float
    x_labels: list[AxisLabel]

    width = LINE_WIDTH
    height = LINE_TOP + LINE_PLOT_HEIGHT + LINE_BOTTOM
    left = LINE_LEFT
    right = LINE_WIDTH - LINE_RIGHT
    font_size = LINE_FONT_SIZE
    label_x = LINE_LEFT - 6
    baseline_y = LINE_TOP + LINE_PLOT_HEIGHT + 22

    @property
    def plot_width(self) -> int:
        return self.right - self.left


def _line_y(score: float) -> float:
    return round(LINE_TOP + (100 - score) / 100 * LINE_PLOT_HEIGHT, 1)


def line_chart(
    scores: Sequence[float | None], direction: str, *, labels: Sequence[str], titles: Sequence[str] | None = None
) -> LineChart:
    """One 0-100 series over evenly spaced moments (periods or check-ins), oldest first.

    `labels` name the moments under the axis (the first and the last are shown); `titles` name them in each
    point's tooltip, if they should be longer. A missing score (None: not answered, or hidden) leaves a gap.
    """
    titles = labels if titles is None else titles
    n = len(scores)
    plot_width = LINE_WIDTH - LINE_RIGHT - LINE_LEFT
    xs = [round(LINE_LEFT + (plot_width / 2 if n == 1 else plot_width * i / (n - 1)), 1) for i in range(n)]

    runs: list[list[str]] = [[]]
    points = []
    for x, score, title in zip(xs, scores, titles, strict=True):
        if score is None:
            if runs[-1]:
                runs.append([])
            continue
        y = _line_y(score)
        runs[-1].append(f"{x},{y}")
        points.append(LinePoint(x=x, y=y, score=score, label=title))

    # The end of the scale that is worth a look: high pressure, or low support and strength.
    top, bottom = (100, HIGH_FROM) if direction == Direction.PRESSURE else (LOW_BELOW, 0)
    x_labels = []
    if n:
        x_labels.append(AxisLabel(x=xs[0], text=labels[0], anchor="middle" if n == 1 else "start"))
    if n > 1:
        x_labels.append(AxisLabel(x=xs[-1], text=labels[-1], anchor="end"))
    return LineChart(
        direction=str(direction),
        points=points,
        segments=[" ".join(run) for run in runs if len(run) > 1],
        gridlines=[(v, _line_y(v)) for v in (0, 50, 100)],
        band_y=_line_y(top),
        band_height=round(_line_y(bottom) - _line_y(top), 1),
        x_labels=x_labels,
    )
