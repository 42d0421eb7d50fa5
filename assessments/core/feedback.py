"""Plain-language feedback on a profile, following the locus of control, that reads once.

Systemic pressure is something to raise with the service, never a personal failing. Where the same check-in shows
the system's part (a concerning systemic score, or supervision that mostly did not go ahead), one lead-in above
every concern names it and the route to raise it, once; low individual coping then gets one small, concrete
suggestion each, offered alongside raising it, never instead. Nothing is said twice on a page, praise never
contradicts an answer (working over often, supervision that did not happen, a large drop), and the longest
feedback stays within about 250 words (tests/core/test_feedback.py sweeps every pattern of bands).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from assessments.core.framework import DIMENSIONS, DIMENSIONS_BY_SLUG, Dimension, Direction
from assessments.core.scoring import Band, band, is_concerning
from assessments.core.signposting import WORKED_OVER, supervision_missed

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# What to say when an individual dimension sits at the end of the scale that needs attention: one small step each.
# No wording implies a lapse or assumes how long someone has been in the role.
CONCERN_FEEDBACK: dict[str, StrOrPromise] = {
    "individual_challenges": _(
        "Parts of the role feel hard right now. That happens to everyone in this work at times, and it is not a "
        "failing. You could take one hard situation, such as a risk call, to your next supervision."
    ),
    "individual_values": _(
        "It may be hard to feel the point of the work at the moment. You could note one moment this week when you "
        "helped someone, however small, to look back on."
    ),
    "individual_coping": _(
        "There may not be much room to look after yourself at the moment. If it helps, try one small thing: a "
        "proper lunch break away from your desk twice this week, or some leave to look forward to."
    ),
    "work_boundaries": _(
        "Work may be spilling into the rest of your life. If it helps, try a short routine that marks the end of "
        "work, such as a walk or changing clothes."
    ),
}

# The system's part, named in the one lead-in: a concerning systemic score, by dimension.
SYSTEM_PARTS: dict[str, StrOrPromise] = {
    "systemic_pressures": _("high pressure from how the work is set up"),
    "systemic_values": _("a team culture that supports you less than it could"),
    "systemic_support": _("less support from supervision and colleagues than you need"),
}
SUPERVISION_MISSED_PART = _("supervision that mostly did not go ahead")
LIST_END = _("%(first)s and %(last)s")
LEAD_IN = _("Your answers show %(parts)s.")
SERVICE_TO_CHANGE = _("That is for the service to change, not for you to fix alone.")
# The route: the "raise it" card when the page shows it, otherwise said here.
ROUTE_TO_CARD = _("The card “This is worth raising”, above, says how to raise it.")
ROUTE_HERE = _("It is worth raising with your lead or in supervision.")
ALONGSIDE = _("The suggestions below are for alongside raising it, never instead.")

STRENGTH_FEEDBACK: dict[str, StrOrPromise] = {
    # The dimension is confidence and experience, not the demands of the role: it says nothing about workload.
    "individual_challenges": _(
        "You feel sure of yourself with risk, difficult conversations and organising your work."
    ),
    "systemic_pressures": _("The pressures of the service feel manageable for you at the moment."),
    "individual_values": _("You have a strong sense of why your work matters. That can help on hard days."),
    "systemic_values": _("You feel your team's culture supports you. That is worth noticing, and protecting."),
    "individual_coping": _("You are finding ways to look after yourself. Keep doing what works."),
    "work_boundaries": _("You are keeping healthy boundaries between work and the rest of your life."),
    "systemic_support": _("You are getting good support from supervision and colleagues."),
}

# A move this large towards the end that needs attention, since the last check-in, is not met with praise.
LARGE_CHANGE = 15.0
# Working beyond one's hours this often ("Several times a week" or "Most days") is never met with praise for
# boundaries, and is said back with what the research says about it (000: overtime predicted burnout).
WORKED_OVER_OFTEN_FROM = 4
WORKED_OVER_OFTEN = _(
    "Working beyond your hours this often is linked with burnout in this work. If the workload is why, that is "
    "the service's to change, and worth raising."
)


@dataclass(frozen=True)
class FeedbackItem:
    dimension: Dimension
    text: str
    needs_attention: bool


@dataclass(frozen=True)
class Feedback:
    """What the profile's "What this might mean" says: one lead-in naming the system's part, then one item per
    dimension at either end of its scale (individual concerns, then strengths)."""

    lead_in: str
    items: tuple[FeedbackItem, ...]

    def __bool__(self) -> bool:
        return bool(self.lead_in or self.items)

    @property
    def texts(self) -> list[str]:
        return [t for t in (self.lead_in, *(i.text for i in self.items)) if t]


def _concerning(slug: str, dimension_scores: Mapping[str, float | None]) -> bool:
    dimension = DIMENSIONS_BY_SLUG[slug]
    return is_concerning(dimension_scores.get(slug), dimension.direction)


def _moved_the_wrong_way(dimension: Dimension, change: float | None) -> bool:
    if change is None:
        return False
    return change >= LARGE_CHANGE if dimension.direction == Direction.PRESSURE else change <= -LARGE_CHANGE


def worked_over_often(frequencies: Mapping[str, int]) -> bool:
    answer = frequencies.get(WORKED_OVER)
    return answer is not None and answer >= WORKED_OVER_OFTEN_FROM


def _praise_contradicts_an_answer(slug: str, frequencies: Mapping[str, int]) -> bool:
    if slug == "work_boundaries":
        return worked_over_often(frequencies)
    if slug == "systemic_support":
        return supervision_missed(frequencies)
    return False


def _listed(parts: list[str]) -> str:
    if len(parts) == 1:
        return parts[0]
    return str(LIST_END) % {"first": ", ".join(parts[:-1]), "last": parts[-1]}


def system_parts(dimension_scores: Mapping[str, float | None], frequencies: Mapping[str, int]) -> list[str]:
    """The system's part of this profile, in words, in the order of the model."""
    parts = [str(text) for slug, text in SYSTEM_PARTS.items() if _concerning(slug, dimension_scores)]
    if supervision_missed(frequencies):
        parts.append(str(SUPERVISION_MISSED_PART))
    return parts


def feedback_for(
    dimension_scores: Mapping[str, float | None],
    changes: Mapping[str, float | None] | None = None,
    frequencies: Mapping[str, int] | None = None,
    *,
    raise_it_card: bool = False,
) -> Feedback:
    """Feedback on the whole profile: the system's part once, first; then each individual concern's small step;
    then strengths, unless an answer or a large drop on the same page says otherwise.

    `frequencies` are the person's frequency answers by statement code; `raise_it_card` says whether the page shows
    the "raise it" card, so the route to raise the system's part is given once, there, and pointed to here.
    """
    changes, frequencies = changes or {}, frequencies or {}
    concerns: list[FeedbackItem] = []
    strengths: list[FeedbackItem] = []
    for dimension in sorted(DIMENSIONS, key=lambda d: not d.is_systemic):
        b = band(dimension_scores.get(dimension.slug))
        if b is None or b == Band.MIDDLE:
            continue
        if is_concerning(dimension_scores.get(dimension.slug), dimension.direction):
            if not dimension.is_systemic:  # the systemic ones are named in the lead-in
                concerns.append(FeedbackItem(dimension, str(CONCERN_FEEDBACK[dimension.slug]), needs_attention=True))
            continue
        if _moved_the_wrong_way(dimension, changes.get(dimension.slug)):
            continue
        if _praise_contradicts_an_answer(dimension.slug, frequencies):
            continue
        strengths.append(FeedbackItem(dimension, str(STRENGTH_FEEDBACK[dimension.slug]), needs_attention=False))

    lead_in = ""
    if parts := system_parts(dimension_scores, frequencies):
        sentences = [
            str(LEAD_IN) % {"parts": _listed(parts)},
            str(SERVICE_TO_CHANGE),
            str(ROUTE_TO_CARD if raise_it_card else ROUTE_HERE),
        ]
        if concerns:
            sentences.append(str(ALONGSIDE))
        lead_in = " ".join(sentences)
    return Feedback(lead_in=lead_in, items=(*concerns, *strengths))


def frequency_notes(frequencies: Mapping[str, int]) -> dict[str, str]:
    """What the profile says under a frequency answer, by statement code, where the answer calls for it."""
    return {WORKED_OVER: str(WORKED_OVER_OFTEN)} if worked_over_often(frequencies) else {}
