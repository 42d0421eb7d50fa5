"""Answer every page of a draft check-in through the same write the pages use: for the demo, the benchmark and the
tests, so that none of them repeats which page asks what or carries which words."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from assessments.core.steps import QUESTION_STEPS
from assessments.models.checkins import CheckIn
from assessments.models.questions import Question
from assessments.practitioner.checkins import checkin_save_step
from assessments.practitioner.questions import questions_by_step


def answer_every_step(
    checkin: CheckIn,
    answer: Callable[[Question], int | None],
    *,
    reflections: Mapping[str, str] | None = None,
    values: str | None = None,
) -> CheckIn:
    """Save each question page in order: `answer(question)` for each statement (None leaves it blank),
    `reflections` by phase slug on each phase's last page, `values` on the page that asks for them."""
    reflections = reflections or {}
    by_step = questions_by_step(checkin.question_set)
    for step in QUESTION_STEPS:
        checkin = checkin_save_step(
            checkin=checkin,
            step=step,
            answers={q.pk: answer(q) for q in by_step[step.slug]},
            reflection=reflections.get(step.phase.slug, "") if step.closes_phase else None,
            values=values if step.asks_values else None,
        )
    return checkin
