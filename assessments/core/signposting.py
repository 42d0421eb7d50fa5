"""When a profile shows the support panel, and when it shows the "raise it" card instead. No database here.

Support is signposted from how the person is, not from how busy the service is: a practitioner who agrees the
caseload is heavy is not sent to crisis lines, and someone who answers in the middle of every dimension but says
they have felt very low still sees where help is. High pressure from how the work is set up gets a card about
raising it with the service, which is where it can be fixed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from assessments.core.framework import DIMENSIONS, Direction

# An answer this high on a how-the-person-is statement ("Often" or "Most of the time") shows the support panel.
SUPPORT_FROM_WELLBEING_ANSWER = 4
# So do this many protective resources (phases 2 and 3) scored below this.
SUPPORT_LOW_RESOURCES = 2
SUPPORT_RESOURCES_BELOW = 30.0
# A systemic score this far towards the end that needs attention shows the "raise it" card: a pressure at or above
# RAISE_IT_PRESSURE_FROM, or a systemic support or culture below RAISE_IT_RESOURCE_BELOW.
RAISE_IT_PRESSURE_FROM = 75.0
RAISE_IT_RESOURCE_BELOW = 25.0


def shows_support(dimension_scores: Mapping[str, float | None], wellbeing_answers: Iterable[int]) -> bool:
    """The support panel: how the person says they are, or several very low resources. Never workload alone."""
    if any(value >= SUPPORT_FROM_WELLBEING_ANSWER for value in wellbeing_answers):
        return True
    very_low = sum(
        1
        for d in DIMENSIONS
        if d.direction == Direction.RESOURCE
        and (s := dimension_scores.get(d.slug)) is not None
        and s < SUPPORT_RESOURCES_BELOW
    )
    return very_low >= SUPPORT_LOW_RESOURCES


def shows_raise_it(dimension_scores: Mapping[str, float | None]) -> bool:
    """The "raise it" card: the system's part is large enough to take to the service."""
    for d in DIMENSIONS:
        s = dimension_scores.get(d.slug)
        if not d.is_systemic or s is None:
            continue
        if d.direction == Direction.PRESSURE and s >= RAISE_IT_PRESSURE_FROM:
            return True
        if d.direction == Direction.RESOURCE and s < RAISE_IT_RESOURCE_BELOW:
            return True
    return False
