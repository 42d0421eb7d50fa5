"""The line chart's SVG (core/charts.py works out where everything goes; this writes it out).

Built in Python rather than in a template: a summary page draws seven of these, and the template's loops over
gridlines, points and labels were about a seventh of the page's time. The markup is what the template wrote,
byte for byte (tests/core/test_charts.py holds that template and compares).
"""

from __future__ import annotations

from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe

from assessments.core.charts import LineChart

register = template.Library()


@register.simple_tag
def line_chart_svg(chart: LineChart, chart_id: str, chart_title: str) -> SafeString:
    """One 0-100 line over time, with its title for screen readers; the page puts a table of the same figures
    next to it. Every text is escaped; coordinates are written as Python writes them (never localised), each
    point's score as `floatformat:0` writes it."""
    direction = escape(chart.direction)
    title_id = f"{escape(chart_id)}-title"
    parts = [
        f'\n<svg class="trend-chart" viewBox="0 0 {chart.width} {chart.height}" font-size="{chart.font_size}" '
        f'role="img" aria-labelledby="{title_id}">\n'
        f'  <title id="{title_id}">{conditional_escape(chart_title)}</title>\n'
        f'  <rect class="trend-band" x="{chart.left}" y="{chart.band_y}" width="{chart.plot_width}" '
        f'height="{chart.band_height}"></rect>\n  '
    ]
    for value, y in chart.gridlines:
        parts.append(
            f'\n    <line class="trend-grid" x1="{chart.left}" x2="{chart.right}" y1="{y}" y2="{y}"></line>\n'
            f'    <text x="{chart.label_x}" y="{y}" dy="5" text-anchor="end">{value}</text>\n  '
        )
    parts.append("\n  ")
    parts += [
        f'<polyline class="trend-line trend-{direction}" points="{escape(run)}"></polyline>' for run in chart.segments
    ]
    parts.append("\n  ")
    for p in chart.points:
        parts.append(
            f'\n    <circle class="trend-point trend-{direction}" cx="{p.x}" cy="{p.y}" r="4.5">'
            f"<title>{escape(p.label)}: {floatformat(p.score, 0)} / 100</title></circle>\n  "
        )
    parts.append("\n  ")
    for label in chart.x_labels:
        parts.append(
            f'\n    <text x="{label.x}" y="{chart.baseline_y}" text-anchor="{escape(label.anchor)}">'
            f"{escape(label.text)}</text>\n  "
        )
    parts.append("\n</svg>\n")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
