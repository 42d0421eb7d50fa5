"""The check-in's steps, defined once: one page per dimension in the model's order, then review.

A phase's dimensions follow each other, individual before systemic, so the person still walks the model's three
phases in order; a page holds one dimension's statements so that it fits two phone screens. The phase's
introduction opens its first page and its private reflection closes its last one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from assessments.core.framework import DIMENSIONS, PHASES, Dimension, Phase

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

REVIEW = "review"


@dataclass(frozen=True)
class Step:
    index: int  # 0-based position
    slug: str
    title: StrOrPromise
    phase: Phase | None  # None for the review step
    dimension: Dimension | None = None  # the statements this page asks; None for the review step

    @property
    def number(self) -> int:
        return self.index + 1

    @property
    def opens_phase(self) -> bool:
        """The phase's first page, which introduces it."""
        return self.dimension is not None and self.phase is not None and self.phase.dimensions[0] == self.dimension

    @property
    def closes_phase(self) -> bool:
        """The phase's last page, which carries the phase's private reflection."""
        return self.dimension is not None and self.phase is not None and self.phase.dimensions[-1] == self.dimension

    @property
    def asks_values(self) -> bool:
        """The page that asks for the values that matter to the person: the opening of phase 2."""
        return self.opens_phase and self.phase is not None and self.phase.slug == "values"


QUESTION_STEPS: tuple[Step, ...] = tuple(
    Step(index=i, slug=d.slug.replace("_", "-"), title=d.name, phase=d.phase, dimension=d)
    for i, d in enumerate(sorted(DIMENSIONS, key=lambda d: d.phase.number))
)
REVIEW_STEP = Step(index=len(QUESTION_STEPS), slug=REVIEW, title=_("Check and send"), phase=None)
STEPS: tuple[Step, ...] = (*QUESTION_STEPS, REVIEW_STEP)
STEPS_BY_SLUG: dict[str, Step] = {s.slug: s for s in STEPS}
QUESTION_STEP_COUNT = len(QUESTION_STEPS)
STEP_OF_DIMENSION: dict[str, Step] = {s.dimension.slug: s for s in QUESTION_STEPS if s.dimension is not None}
# Each phase's first page: where an older link to a whole phase (/checkins/<pk>/values/) now leads.
PHASE_FIRST_STEP: dict[str, Step] = {p.slug: next(s for s in QUESTION_STEPS if s.phase == p) for p in PHASES}


def get_step(slug: str) -> Step | None:
    return STEPS_BY_SLUG.get(slug)


def next_step(step: Step) -> Step | None:
    return STEPS[step.index + 1] if step.index + 1 < len(STEPS) else None


def previous_step(step: Step) -> Step | None:
    return STEPS[step.index - 1] if step.index > 0 else None


def first_open_step(steps_completed: int) -> Step:
    """The furthest step a person may open, given how many question steps they have saved."""
    return STEPS[min(steps_completed, len(STEPS) - 1)]
