"""Plain-language feedback on a profile, following the locus of control.

Systemic pressure is something to raise with the service, never a personal
failing; low individual coping gets one or two concrete, small suggestions.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from assessments.core.framework import DIMENSIONS, Dimension
from assessments.core.scoring import Band, band

# What to say when a dimension sits at the end of the scale that needs attention.
CONCERN_FEEDBACK: dict[str, str] = {
    "individual_challenges": _(
        "Parts of the role feel hard for you right now. That is common, especially earlier on, and it is not a "
        "failing. You could bring one situation you found hard, such as a risk call, to your next supervision."
    ),
    "systemic_pressures": _(
        "You are carrying a lot of pressure from how the work is set up. This comes from the system, not from you, "
        "and no amount of self-care should have to fix it. It is worth raising with your lead or in supervision: "
        "your team's anonymised figures also help the service see it."
    ),
    "individual_values": _(
        "It may be hard to feel the point of the work at the moment. You could jot down one moment this week when "
        "you helped someone, however small, and look back at it on a harder day."
    ),
    "systemic_values": _(
        "You do not feel your team culture supports you as much as it could. That is about the team and the "
        "service, not about you. It may help to talk about it in supervision or with a colleague you trust."
    ),
    "individual_coping": _(
        "Looking after yourself may have slipped. Try one small thing: a proper lunch break away from your desk "
        "twice this week, or booking some leave to look forward to."
    ),
    "work_boundaries": _(
        "Work may be spilling into the rest of your life. One small step: choose a time to finish each day and a "
        "short routine, such as a walk or changing clothes, that marks the end of work."
    ),
    "systemic_support": _(
        "You are not getting the support from supervision and colleagues that you need. That is for the service to "
        "provide. You could ask your supervisor for time to talk about how you are, or ask your lead about peer "
        "support or reflective space."
    ),
}

STRENGTH_FEEDBACK: dict[str, str] = {
    "individual_challenges": _("The demands of the role feel manageable for you at the moment."),
    "systemic_pressures": _("The pressures of the service feel manageable for you at the moment."),
    "individual_values": _("You have a strong sense of why your work matters. That can carry you through hard days."),
    "systemic_values": _("You feel your team's culture supports you. That is worth noticing, and protecting."),
    "individual_coping": _("You are looking after yourself well. Keep doing what works."),
    "work_boundaries": _("You are keeping healthy boundaries between work and the rest of your life."),
    "systemic_support": _("You are getting good support from supervision and colleagues."),
}


@dataclass(frozen=True)
class FeedbackItem:
    dimension: Dimension
    text: str
    needs_attention: bool


def feedback_for(dimension_scores: dict[str, float | None]) -> list[FeedbackItem]:
    """Feedback for each scored dimension that sits at either end of the scale, systemic first."""
    items: list[FeedbackItem] = []
    for dimension in sorted(DIMENSIONS, key=lambda d: not d.is_systemic):
        b = band(dimension_scores.get(dimension.slug))
        if b is None or b == Band.MIDDLE:
            continue
        is_pressure = dimension.direction == "pressure"
        needs_attention = (b == Band.HIGH) if is_pressure else (b == Band.LOW)
        text = CONCERN_FEEDBACK[dimension.slug] if needs_attention else STRENGTH_FEEDBACK[dimension.slug]
        items.append(FeedbackItem(dimension=dimension, text=text, needs_attention=needs_attention))
    return items
