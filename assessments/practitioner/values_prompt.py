"""The model's core step, prompted: bring the values a person named to this check-in's biggest pressure.

Phase 2's first page offers the values from last time beside the phase 1 statement that showed the most pressure,
so the appraisal "in the light of what matters to me" is about this period's challenge. The answer, if any, goes in
their private reflection at the end of phase 2; nothing new is stored.

The statement is quoted as it was asked, with the person's own answer in words ("you said “Strongly disagree” to
…"), never "you agreed": a reverse-keyed statement shows the most pressure when the person disagreed with it. Where
the pressure is the service's, the prompt asks whether it is something to carry or something to raise; values are
never offered as a way to bear what the service should change.
"""

from __future__ import annotations

from dataclasses import dataclass

from assessments.core.framework import DIMENSIONS_BY_SLUG, SCALE_MAX, SCALE_MIN
from assessments.core.scoring import keyed
from assessments.models.checkins import CheckIn
from assessments.models.questions import Question

# Only a statement that shows pressure (4 or 5 on the scale once keyed: agreeing with a pressure, or disagreeing with
# a reverse-keyed one) counts as a pressure worth naming.
PRESSURE_PROMPT_FROM = SCALE_MAX - 1


@dataclass(frozen=True)
class ValuesPrompt:
    values: str
    # The statement as it was asked, and the person's answer to it in the words they chose.
    statement: str
    answer: str
    # The statement is about how the work is set up (the service's part), not about the person.
    systemic: bool


def biggest_pressure(answers: list[tuple[Question, int]]) -> tuple[Question, int] | None:
    """The phase 1 statement that shows the most pressure once keyed (first in order on a tie), with the answer as
    given, if any reached the threshold."""
    best: tuple[int, Question, int] | None = None
    for question, value in answers:
        if question.phase_slug != "challenges" or not question.is_scored or not SCALE_MIN <= value <= SCALE_MAX:
            continue
        scored = keyed(value, reverse=question.reverse_keyed)
        if scored >= PRESSURE_PROMPT_FROM and (best is None or scored > best[0]):
            best = (scored, question, value)
    return (best[1], best[2]) if best else None


def values_prompt(checkin: CheckIn, values: str) -> ValuesPrompt | None:
    """What phase 2's first page offers, when the person has named values and phase 1 shows a pressure (one query)."""
    if not values.strip():
        return None
    answers = [(a.question, a.value) for a in checkin.answers.select_related("question").order_by("question__order")]
    found = biggest_pressure(answers)
    if found is None:
        return None
    question, value = found
    return ValuesPrompt(
        values=values.strip(),
        statement=question.text,
        answer=question.answer_label(value),
        systemic=DIMENSIONS_BY_SLUG[question.dimension].is_systemic,
    )
