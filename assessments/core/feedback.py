"""Plain-language feedback on a profile, following the locus of control.

Systemic pressure is something to raise with the service, never a personal
failing; low individual coping gets one or two concrete, small suggestions,
and where the same check-in shows the system's part, that part comes first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from assessments.core.framework import DIMENSIONS, DIMENSIONS_BY_SLUG, Dimension, Direction
from assessments.core.scoring import Band, band, is_concerning

# What to say when a dimension sits at the end of the scale that needs attention. No wording implies a lapse or
# assumes how long someone has been in the role.
CONCERN_FEEDBACK: dict[str, str] = {
    "individual_challenges": _(
        "Parts of the role feel hard for you right now. That happens to everyone in this work from time to time, "
        "and it is not a failing. You could bring one situation you found hard, such as a risk call, to your next "
        "supervision."
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
        "There may not be much room for looking after yourself at the moment. If it helps, try one small thing: a "
        "proper lunch break away from your desk twice this week, or booking some leave to look forward to."
    ),
    "work_boundaries": _(
        "Work may be spilling into the rest of your life. If it helps, one small step: choose a time to finish each "
        "day and a short routine, such as a walk or changing clothes, that marks the end of work."
    ),
    "systemic_support": _(
        "You are not getting the support from supervision and colleagues that you need. That is for the service to "
        "provide. You could ask your supervisor for time to talk about how you are, or ask your lead about peer "
        "support or reflective space."
    ),
}

# Said first, before any individual suggestion, when the same check-in shows the system's part: high pressure
# from how the work is set up, or low support or culture. Self-care is offered beside raising it, never instead.
SYSTEM_FIRST: dict[str, str] = {
    "systemic_pressures": _(
        "Your answers also show a lot of pressure from how the work is set up. That part is the service's to change, "
        "and it is worth raising with your lead or in supervision."
    ),
    "systemic_support": _(
        "Your answers also show less support from supervision and colleagues than you need. That part is the "
        "service's to provide, and it is worth raising with your lead or supervisor."
    ),
    "systemic_values": _(
        "Your answers also show a team culture that does not support you as much as it could. That part is for the "
        "team and the service, and it is worth raising in supervision or with your lead."
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

# A move this large towards the end that needs attention, since the last check-in, is not met with praise.
LARGE_CHANGE = 15.0


@dataclass(frozen=True)
class FeedbackItem:
    dimension: Dimension
    advice: str
    needs_attention: bool
    # The system's part, said first, when an individual concern sits beside a concerning systemic score.
    system_part: str = ""

    @property
    def text(self) -> str:
        return f"{self.system_part} {self.advice}" if self.system_part else str(self.advice)


def _concerning(slug: str, dimension_scores: Mapping[str, float | None]) -> bool:
    dimension = DIMENSIONS_BY_SLUG[slug]
    return is_concerning(dimension_scores.get(slug), dimension.direction)


def _moved_the_wrong_way(dimension: Dimension, change: float | None) -> bool:
    if change is None:
        return False
    return change >= LARGE_CHANGE if dimension.direction == Direction.PRESSURE else change <= -LARGE_CHANGE


def feedback_for(
    dimension_scores: Mapping[str, float | None], changes: Mapping[str, float | None] | None = None
) -> list[FeedbackItem]:
    """Feedback for each scored dimension at either end of the scale, systemic first, read as a whole profile.

    Where the system is the problem (a concerning systemic score on the same check-in), every individual
    concern first names the system's part and the route to raise it. Praise is left out where the dimension
    has just moved a long way towards the end that needs attention.
    """
    changes = changes or {}
    system_parts = [str(text) for slug, text in SYSTEM_FIRST.items() if _concerning(slug, dimension_scores)]
    items: list[FeedbackItem] = []
    for dimension in sorted(DIMENSIONS, key=lambda d: not d.is_systemic):
        b = band(dimension_scores.get(dimension.slug))
        if b is None or b == Band.MIDDLE:
            continue
        needs_attention = is_concerning(dimension_scores.get(dimension.slug), dimension.direction)
        if not needs_attention:
            if _moved_the_wrong_way(dimension, changes.get(dimension.slug)):
                continue
            items.append(
                FeedbackItem(dimension=dimension, advice=STRENGTH_FEEDBACK[dimension.slug], needs_attention=False)
            )
            continue
        system_part = " ".join(system_parts) if not dimension.is_systemic else ""
        items.append(
            FeedbackItem(
                dimension=dimension,
                advice=CONCERN_FEEDBACK[dimension.slug],
                needs_attention=True,
                system_part=system_part,
            )
        )
    return items
