"""The check-in's steps, defined once: one page per phase of the model, in the model's order, then review.

A page asks its phase's dimensions in turn, individual before systemic, each under a sub-heading of its own, so the
person walks the model's three phases in order. The phase's introduction opens its page, and its private reflection
closes it. (The phases were once split into seven pages of at most two phone screens each; measured as a whole on a
phone, three pages took fewer taps and fewer screens in all: docs/adr/0010.)
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
    dimensions: tuple[Dimension, ...] = ()  # the dimensions whose statements this page asks; none for the review

    @property
    def number(self) -> int:
        return self.index + 1

    @property
    def asks_questions(self) -> bool:
        return bool(self.dimensions)

    @property
    def closes_phase(self) -> bool:
        """A page of questions carries its phase's private reflection, at its end."""
        return self.asks_questions

    @property
    def asks_values(self) -> bool:
        """The page that asks for the values that matter to the person: phase 2's."""
        return self.phase is not None and self.phase.slug == "values"


QUESTION_STEPS: tuple[Step, ...] = tuple(
    Step(index=i, slug=p.slug, title=p.page_title, phase=p, dimensions=p.dimensions) for i, p in enumerate(PHASES)
)
REVIEW_STEP = Step(index=len(QUESTION_STEPS), slug=REVIEW, title=_("Check your answers"), phase=None)
STEPS: tuple[Step, ...] = (*QUESTION_STEPS, REVIEW_STEP)
STEPS_BY_SLUG: dict[str, Step] = {s.slug: s for s in STEPS}
QUESTION_STEP_COUNT = len(QUESTION_STEPS)
STEP_OF_DIMENSION: dict[str, Step] = {d.slug: s for s in QUESTION_STEPS for d in s.dimensions}
# Where a link to one dimension's page (/checkins/<pk>/work-boundaries/, from when each had a page) now leads.
DIMENSION_PAGE_STEP: dict[str, Step] = {d.slug.replace("_", "-"): STEP_OF_DIMENSION[d.slug] for d in DIMENSIONS}


def get_step(slug: str) -> Step | None:
    return STEPS_BY_SLUG.get(slug)


def next_step(step: Step) -> Step | None:
    return STEPS[step.index + 1] if step.index + 1 < len(STEPS) else None


def previous_step(step: Step) -> Step | None:
    return STEPS[step.index - 1] if step.index > 0 else None


def first_open_step(steps_completed: int) -> Step:
    """The furthest step a person may open, given how many question steps they have saved."""
    return STEPS[min(steps_completed, len(STEPS) - 1)]
