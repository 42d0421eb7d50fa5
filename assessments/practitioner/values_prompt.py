"""The model's core step, prompted: bring the values a person named to this check-in's biggest pressure.

Phase 2's first page offers the values from last time beside the phase 1 statement the person agreed with most
strongly, so the appraisal "in the light of what matters to me" is about this period's challenge. The answer, if
any, goes in their private reflection at the end of phase 2; nothing new is stored.
"""

from __future__ import annotations

from dataclasses import dataclass

from assessments.core.framework import SCALE_MAX
from assessments.core.scoring import keyed
from assessments.models.checkins import CheckIn
from assessments.models.questions import Question

# Only a statement the person agreed with (4 or 5 on the scale, once keyed) counts as a pressure worth naming.
PRESSURE_PROMPT_FROM = SCALE_MAX - 1


@dataclass(frozen=True)
class ValuesPrompt:
    values: str
    pressure: str


def biggest_pressure(answers: list[tuple[Question, int]]) -> Question | None:
    """The phase 1 statement with the strongest agreement (first in order on a tie), if any reached the threshold."""
    best: tuple[int, Question] | None = None
    for question, value in answers:
        if question.phase_slug != "challenges" or not question.is_scored:
            continue
        scored = keyed(value, reverse=question.reverse_keyed)
        if scored >= PRESSURE_PROMPT_FROM and (best is None or scored > best[0]):
            best = (scored, question)
    return best[1] if best else None


def values_prompt(checkin: CheckIn, values: str) -> ValuesPrompt | None:
    """What phase 2's first page offers, when the person has named values and phase 1 shows a pressure (one query)."""
    if not values.strip():
        return None
    answers = [(a.question, a.value) for a in checkin.answers.select_related("question").order_by("question__order")]
    pressure = biggest_pressure(answers)
    if pressure is None:
        return None
    return ValuesPrompt(values=values.strip(), pressure=pressure.text)
