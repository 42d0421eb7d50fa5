"""How much of the support panel a profile shows, and when it shows the "raise it" card instead. No database here.

Support is signposted from how the person says they are and from their own resources, never from how the service
is: a practitioner with a heavy caseload, a poor team culture or supervision that did not happen is shown the
"raise it" card, which is where that can be fixed, not crisis lines. And the panel is graded: a low mood now and
then is not a crisis, so "Sometimes" shows people who can help, "Often" adds lines to talk to someone now, and only
the most severe answer shows the urgent card (999 and A&E, NHS 111's mental health option).

Every threshold is a named constant below; tests/core/test_signposting.py walks each answer of each statement.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum

from assessments.core.framework import DIMENSIONS, SCALE_MIN, Direction

# The statements about how the person is (question set v2 on), by code. Both use the how-often scale:
# 1 Never, 2 Rarely, 3 Sometimes, 4 Often, 5 Most of the time.
LOW_MOOD = "hp_low"  # How often did you feel so low that it was hard to get through the day?
WORN_OUT = "hp_worn_out"  # How often did you feel worn out by work?

# Frequencies that say something about the service's part (their own figures, never scored).
WORKED_OVER = "worked_over"  # How often did you work beyond your hours? (1 Not at all ... 5 Most days)
SUPERVISION_HAPPENED = "supervision_happened"  # How much of your planned supervision went ahead? (1 None ... 5 All)


class SupportLevel(IntEnum):
    """How much of the support panel shows. Each level shows everything the one below it shows."""

    NONE = 0
    # People who can help: your supervisor, your GP, NHS Practitioner Health, occupational health or the EAP.
    PEOPLE = 1
    # Adds someone to talk to now: Samaritans (116 123), Shout (text SHOUT to 85258), NHS 111's mental health option.
    TALK_NOW = 2
    # Adds the urgent card, in NHS.UK's words: 999 or A&E if your life is at risk; NHS 111 otherwise.
    URGENT = 3


# Feeling so low it was hard to get through the day: "Sometimes" shows people who can help, "Often" adds someone to
# talk to now, and "Most of the time", the most severe answer, adds the urgent card.
LOW_MOOD_PEOPLE_FROM = 3
LOW_MOOD_TALK_NOW_FROM = 4
LOW_MOOD_URGENT_FROM = 5
# Feeling worn out by work is strain from the work, which most PWPs report at times (68.6% burnout in one survey):
# "Often" or "Most of the time" shows people who can help, and being worn out alone never shows crisis lines.
WORN_OUT_PEOPLE_FROM = 4
# Several of a person's own resources very low also show people who can help. Only individual resources count:
# a low team culture or supervision score is the service's, and shows the "raise it" card.
SUPPORT_LOW_RESOURCES = 2
SUPPORT_RESOURCES_BELOW = 30.0

# A systemic score this far towards the end that needs attention shows the "raise it" card: a pressure at or above
# RAISE_IT_PRESSURE_FROM, or a systemic support or culture below RAISE_IT_RESOURCE_BELOW.
RAISE_IT_PRESSURE_FROM = 75.0
RAISE_IT_RESOURCE_BELOW = 25.0
# So does planned supervision that mostly did not go ahead ("None of it" or "Less than half").
SUPERVISION_MISSED_BELOW = 3


@dataclass(frozen=True)
class Support:
    """What the support panel shows, and why: the how-you-are answers and the low resources that led to it."""

    level: SupportLevel
    # The codes of the how-you-are statements whose answer reached a threshold, in the order asked.
    said: tuple[str, ...] = ()
    # The individual resources scored below SUPPORT_RESOURCES_BELOW, when there were enough of them to count.
    low_resources: tuple[str, ...] = ()

    @property
    def shows(self) -> bool:
        return self.level > SupportLevel.NONE


def _level_of(code: str, answer: int) -> SupportLevel:
    """The panel one how-you-are answer calls for. A statement not known here is read as the low-mood one, so that
    a new statement about how the person is can only show more support, never hide it."""
    if code == WORN_OUT:
        return SupportLevel.PEOPLE if answer >= WORN_OUT_PEOPLE_FROM else SupportLevel.NONE
    if answer >= LOW_MOOD_URGENT_FROM:
        return SupportLevel.URGENT
    if answer >= LOW_MOOD_TALK_NOW_FROM:
        return SupportLevel.TALK_NOW
    if answer >= LOW_MOOD_PEOPLE_FROM:
        return SupportLevel.PEOPLE
    return SupportLevel.NONE


def support_for(dimension_scores: Mapping[str, float | None], wellbeing_answers: Mapping[str, int]) -> Support:
    """The support panel: from how the person says they are (by statement code) and their own resources only.

    Systemic scores are never read here; shows_raise_it reads them.
    """
    levels = {code: _level_of(code, answer) for code, answer in wellbeing_answers.items()}
    said = tuple(code for code, level in levels.items() if level > SupportLevel.NONE)
    level = max(levels.values(), default=SupportLevel.NONE)
    very_low = tuple(
        d.slug
        for d in DIMENSIONS
        if not d.is_systemic
        and d.direction == Direction.RESOURCE
        and (s := dimension_scores.get(d.slug)) is not None
        and s < SUPPORT_RESOURCES_BELOW
    )
    low_resources = very_low if len(very_low) >= SUPPORT_LOW_RESOURCES else ()
    if low_resources:
        level = max(level, SupportLevel.PEOPLE)
    return Support(level=SupportLevel(level), said=said, low_resources=low_resources)


def shows_support(dimension_scores: Mapping[str, float | None], wellbeing_answers: Mapping[str, int]) -> bool:
    """Whether any of the support panel shows."""
    return support_for(dimension_scores, wellbeing_answers).shows


def supervision_missed(frequencies: Mapping[str, int]) -> bool:
    """Planned supervision mostly did not go ahead: the service's part, to raise."""
    answer = frequencies.get(SUPERVISION_HAPPENED)
    # "No supervision was planned" (DOES_NOT_APPLY, below the scale) is not supervision that was missed.
    return answer is not None and SCALE_MIN <= answer < SUPERVISION_MISSED_BELOW


def shows_raise_it(dimension_scores: Mapping[str, float | None], frequencies: Mapping[str, int] | None = None) -> bool:
    """The "raise it" card: the system's part is large enough to take to the service."""
    if supervision_missed(frequencies or {}):
        return True
    for d in DIMENSIONS:
        s = dimension_scores.get(d.slug)
        if not d.is_systemic or s is None:
            continue
        if d.direction == Direction.PRESSURE and s >= RAISE_IT_PRESSURE_FROM:
            return True
        if d.direction == Direction.RESOURCE and s < RAISE_IT_RESOURCE_BELOW:
            return True
    return False
