"""The check-in's steps, defined once: one per phase in the model's order, then review."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from assessments.core.framework import PHASES, Phase

REVIEW = "review"


@dataclass(frozen=True)
class Step:
    index: int  # 0-based position
    slug: str
    title: str
    phase: Phase | None  # None for the review step

    @property
    def number(self) -> int:
        return self.index + 1


STEPS: tuple[Step, ...] = tuple(Step(index=i, slug=p.slug, title=p.name, phase=p) for i, p in enumerate(PHASES)) + (
    Step(index=len(PHASES), slug=REVIEW, title=_("Check and send"), phase=None),
)
STEPS_BY_SLUG: dict[str, Step] = {s.slug: s for s in STEPS}
PHASE_STEP_COUNT = len(PHASES)


def get_step(slug: str) -> Step | None:
    return STEPS_BY_SLUG.get(slug)


def next_step(step: Step) -> Step | None:
    return STEPS[step.index + 1] if step.index + 1 < len(STEPS) else None


def previous_step(step: Step) -> Step | None:
    return STEPS[step.index - 1] if step.index > 0 else None


def first_open_step(steps_completed: int) -> Step:
    """The furthest step a person may open, given how many phase steps they have saved."""
    return STEPS[min(steps_completed, len(STEPS) - 1)]
