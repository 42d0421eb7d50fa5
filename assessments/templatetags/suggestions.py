"""Where a hotspot's "Suggested actions" link lands: the suggestion that answers its statement (action_library.py)."""

from __future__ import annotations

from django import template

from assessments.leads.action_library import suggestion_anchor as anchor_for

register = template.Library()


@register.simple_tag
def suggestion_anchor(figure) -> str:
    """The anchor for a hotspot (a DimensionFigures): its driving statement's suggestion, else its dimension's list."""
    code = figure.driver.code if figure.driver is not None else ""
    return anchor_for(code, figure.dimension.slug)
