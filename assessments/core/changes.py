"""When a change in a mean means something: the rule every page that headlines a change goes through.

A team's mean moves from one period to the next even when nothing has changed for anyone: different people
check in, and each person answers a little differently from one month to the next. On the five-point answer
scale one step (say from "agree" to "strongly agree") is 25 points on the 0-100 scale, and people's scores on
a dimension typically spread about one step either side of the team's mean. The wobble of a mean of n such
scores is about one step divided by the square root of n (its standard error). So a change is headlined, as up
or down, only when it is larger than that: 25 / sqrt(n), with n the smaller head count of the two periods.
Below it the page says "about the same".

At 5 people that is 11 points, at 8 people 9, at 25 people 5, at 100 people 2.5. It is a rule of thumb, not a
significance test: the published figures deliberately keep no spread of anyone's scores to test with.
"""

from __future__ import annotations

import math

from assessments.core.framework import SCALE_MAX, SCALE_MIN

# One step on the answer scale, on the 0-100 profile scale.
STEP_POINTS = 100 / (SCALE_MAX - SCALE_MIN)


def chance_margin(people: int) -> float:
    """How far a mean of `people` people's scores can move by chance alone, in points (0-100)."""
    if people < 1:
        raise ValueError("A mean needs at least one person.")
    return STEP_POINTS / math.sqrt(people)


def is_real_change(change: float, *, people_before: int, people_now: int) -> bool:
    """Whether a change in a mean between two periods is larger than chance would make it, for these head counts."""
    return abs(change) > chance_margin(min(people_before, people_now))
