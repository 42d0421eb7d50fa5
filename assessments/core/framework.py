"""The three-phase resilience model (Vivolo, Owen & Fisher 2024), defined once.

Everything else in the app (question set, check-in steps, scoring, summaries)
reads the phases and dimensions from here. Slugs are stored in the database,
so never rename one; add a new one instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Level(StrEnum):
    INDIVIDUAL = "individual"
    SYSTEMIC = "systemic"


class Direction(StrEnum):
    # In phase 1 a high score means more pressure; in phases 2 and 3 a high
    # score means more of a protective resource. They are never added together.
    PRESSURE = "pressure"
    RESOURCE = "resource"

    @property
    def label(self) -> StrOrPromise:
        """What a higher score means, said once for every page that shows one."""
        return DIRECTION_LABELS[self]


LEVEL_LABELS = {
    Level.INDIVIDUAL: _("Individual"),
    Level.SYSTEMIC: _("Systemic (the service and team)"),
}

DIRECTION_LABELS = {
    Direction.PRESSURE: _("Higher means more pressure"),
    Direction.RESOURCE: _("Higher means more support and strength"),
}


@dataclass(frozen=True)
class Dimension:
    slug: str
    phase_slug: str
    name: StrOrPromise
    level: Level
    direction: Direction
    covers: StrOrPromise
    # The words under this dimension's sub-heading on its phase's check-in page, where it needs any.
    page_intro: StrOrPromise = ""
    # The sub-heading of this dimension on its phase's check-in page, in the person's words, not the model's.
    page_title: StrOrPromise = ""

    @property
    def phase(self) -> Phase:
        return PHASES_BY_SLUG[self.phase_slug]

    @property
    def is_systemic(self) -> bool:
        return self.level == Level.SYSTEMIC


@dataclass(frozen=True)
class Phase:
    number: int
    slug: str
    name: StrOrPromise
    short_name: StrOrPromise
    direction: Direction
    intro: StrOrPromise
    reflection_prompt: StrOrPromise
    # The heading of this phase's check-in page: what it asks about, in the person's words, not the model's.
    page_title: StrOrPromise = ""

    @property
    def dimensions(self) -> tuple[Dimension, ...]:
        return tuple(d for d in DIMENSIONS if d.phase_slug == self.slug)


PHASES: tuple[Phase, ...] = (
    Phase(
        number=1,
        slug="challenges",
        page_title=_("What has been hard at work"),
        name=_("Work-related challenges"),
        short_name=_("Challenges"),
        direction=Direction.PRESSURE,
        intro=_("Think about the last 4 weeks at work. There are no right answers."),
        reflection_prompt=_(
            "Is there a moment from the last 4 weeks that has stayed with you? "
            "You could write what happened and how it felt."
        ),
    ),
    Phase(
        number=2,
        slug="values",
        page_title=_("What keeps you going"),
        name=_("Connecting with your values"),
        short_name=_("Values"),
        direction=Direction.RESOURCE,
        intro=_("The same 4 weeks: why you do this work, and how what matters to you helps on hard days."),
        reflection_prompt=_(
            "When did the work last feel worthwhile? What did you do that made a difference, however small?"
        ),
    ),
    Phase(
        number=3,
        slug="coping",
        page_title=_("How you cope, and who helps"),
        name=_("Proactive coping"),
        short_name=_("Coping"),
        direction=Direction.RESOURCE,
        intro=_("The same 4 weeks: how you look after yourself, keep work in its place and get support."),
        reflection_prompt=_("What has helped you cope recently? Is there something you would like to do more of?"),
    ),
)

DIMENSIONS: tuple[Dimension, ...] = (
    Dimension(
        slug="individual_challenges",
        page_title=_("How the work has been for you"),
        phase_slug="challenges",
        name=_("Individual challenges"),
        level=Level.INDIVIDUAL,
        direction=Direction.PRESSURE,
        covers=_(
            "Gaps in life or work experience, confidence with risk and difficult "
            "conversations, organising your time and workload."
        ),
    ),
    Dimension(
        slug="systemic_pressures",
        page_title=_("What the service asks of you"),
        phase_slug="challenges",
        name=_("Pressures and demands of the service"),
        level=Level.SYSTEMIC,
        direction=Direction.PRESSURE,
        covers=_(
            "Clinical volume and time pressure, paperwork around risk and "
            "referrals, referrals that do not fit the service, no space to reflect."
        ),
        page_intro=_("These are about the demands of your service, not about you."),
    ),
    Dimension(
        slug="individual_values",
        page_title=_("Why you do this work"),
        phase_slug="values",
        name=_("Your connection with your values"),
        level=Level.INDIVIDUAL,
        direction=Direction.RESOURCE,
        covers=_(
            "Feeling the work makes a difference, remembering why you do it, and "
            "seeing hard times as meaningful and manageable."
        ),
    ),
    Dimension(
        slug="systemic_values",
        page_title=_("Your team's culture"),
        phase_slug="values",
        name=_("A values-based team culture"),
        level=Level.SYSTEMIC,
        direction=Direction.RESOURCE,
        covers=_(
            "A culture your manager and team foster, being able to show "
            "vulnerability safely, and seeing a future in the role."
        ),
    ),
    Dimension(
        slug="individual_coping",
        page_title=_("Looking after yourself"),
        phase_slug="coping",
        name=_("Looking after yourself"),
        level=Level.INDIVIDUAL,
        direction=Direction.RESOURCE,
        covers=_(
            "Self-care, breaks, leave to look forward to, hobbies, routine, and "
            "using the techniques you teach on yourself."
        ),
    ),
    Dimension(
        slug="work_boundaries",
        page_title=_("Keeping work in its place"),
        phase_slug="coping",
        name=_("Work boundaries"),
        level=Level.INDIVIDUAL,
        direction=Direction.RESOURCE,
        covers=_(
            "Keeping work and home apart, structured sessions, managing your time, and not routinely working over."
        ),
    ),
    Dimension(
        slug="systemic_support",
        page_title=_("Supervision and support"),
        phase_slug="coping",
        name=_("Supervision and peer support"),
        level=Level.SYSTEMIC,
        direction=Direction.RESOURCE,
        covers=_("Clinical and case-management supervision, a supervisor who has your back, and support from peers."),
    ),
)

PHASES_BY_SLUG: dict[str, Phase] = {p.slug: p for p in PHASES}
DIMENSIONS_BY_SLUG: dict[str, Dimension] = {d.slug: d for d in DIMENSIONS}
SYSTEMIC_DIMENSIONS: tuple[Dimension, ...] = tuple(d for d in DIMENSIONS if d.is_systemic)

DIMENSION_CHOICES = [(d.slug, d.name) for d in DIMENSIONS]
PHASE_CHOICES = [(p.slug, p.name) for p in PHASES]

# Every statement is answered on five points, 1 to 5; what the points say depends on the statement's scale.
SCALE_MIN = 1
SCALE_MAX = 5
# A statement that may not apply to everyone (planned supervision, when none was planned) offers one more answer in
# its own words, stored as 0: it is no point on the scale, so it is read as not answered wherever answers are
# counted or scored. Only statements that are not scored offer it (the loader and the admin refuse it on a scored
# one), so that every person's dimension score stands on the statements everyone was asked.
DOES_NOT_APPLY = 0


class AnswerScale(StrEnum):
    """The words of a statement's five answers. Stored on each statement: never rename one."""

    AGREEMENT = "agreement"
    HOW_OFTEN = "how_often"
    TIMES = "times"
    HOW_MUCH = "how_much"

    @property
    def choices(self) -> list[tuple[int, StrOrPromise]]:
        return SCALE_LABELS[self]

    @property
    def heading(self) -> StrOrPromise:
        """What the answers measure, said as a sub-heading where a page moves on to statements on this scale."""
        return SCALE_HEADINGS[self]


SCALE_LABELS: dict[AnswerScale, list[tuple[int, StrOrPromise]]] = {
    AnswerScale.AGREEMENT: [
        (1, _("Strongly disagree")),
        (2, _("Disagree")),
        (3, _("Neither agree nor disagree")),
        (4, _("Agree")),
        (5, _("Strongly agree")),
    ],
    AnswerScale.HOW_OFTEN: [
        (1, _("Never")),
        (2, _("Rarely")),
        (3, _("Sometimes")),
        (4, _("Often")),
        (5, _("Most of the time")),
    ],
    AnswerScale.TIMES: [
        (1, _("Not at all")),
        (2, _("Once or twice")),
        (3, _("About once a week")),
        (4, _("Several times a week")),
        (5, _("Most days")),
    ],
    AnswerScale.HOW_MUCH: [
        (1, _("None of it")),
        (2, _("Less than half")),
        (3, _("About half")),
        (4, _("Most of it")),
        (5, _("All of it")),
    ],
}
# Words shown under an answer's circle on a phone where its full words would take three lines; the full words stay its
# accessible name (and start with these, so what is seen is what is heard).
SCALE_SHORT_LABELS: list[tuple[StrOrPromise, StrOrPromise]] = [
    (SCALE_LABELS[AnswerScale.AGREEMENT][2][1], _("Neither")),
]


def scale_short_label(label: str) -> StrOrPromise:
    """The shorter words for an answer shown under its circle, or "" to show it whole."""
    return next((short for full, short in SCALE_SHORT_LABELS if str(full) == str(label)), "")


SCALE_HEADINGS: dict[AnswerScale, StrOrPromise] = {
    AnswerScale.AGREEMENT: _("How much you agree"),
    AnswerScale.HOW_OFTEN: _("How often, in the last 4 weeks"),
    AnswerScale.TIMES: _("How many times, in the last 4 weeks"),
    AnswerScale.HOW_MUCH: _("How much of it, in the last 4 weeks"),
}
ANSWER_SCALE_CHOICES = [
    (AnswerScale.AGREEMENT.value, _("Agree or disagree")),
    (AnswerScale.HOW_OFTEN.value, _("How often (never to most of the time)")),
    (AnswerScale.TIMES.value, _("How many times (not at all to most days)")),
    (AnswerScale.HOW_MUCH.value, _("How much (none of it to all of it)")),
]

# The agreement scale, which most statements use.
SCALE_CHOICES = SCALE_LABELS[AnswerScale.AGREEMENT]


class StatementKind(StrEnum):
    """What a statement's answer is for. Stored on each statement: never rename one.

    Only SCORED statements make a dimension's score. The others are never blended into one: a frequency is its own
    figure, how the person is stays with them (it decides whether the support panel shows), and the intention to
    leave reaches leads only as a team figure under the anonymity rules.
    """

    SCORED = "scored"
    FREQUENCY = "frequency"
    WELLBEING = "wellbeing"
    INTENTION = "intention"

    @property
    def is_scored(self) -> bool:
        return self == StatementKind.SCORED


STATEMENT_KIND_CHOICES = [
    (StatementKind.SCORED.value, _("Scored in its dimension")),
    (StatementKind.FREQUENCY.value, _("A frequency, shown as its own figure")),
    (StatementKind.WELLBEING.value, _("How the person is: private, shows the support panel")),
    (StatementKind.INTENTION.value, _("Intention to leave: a team figure only")),
]


def get_dimension(slug: str) -> Dimension:
    return DIMENSIONS_BY_SLUG[slug]
