"""A practitioner's own trend across their sent check-ins, ready for the line charts and tables of the trends page.

The chart itself is core/charts.py's line_chart, the same as on the leads' summaries. Pressures and resources
are drawn on their own charts, never added together; so are a phase's individual and systemic dimensions. A
dimension is one line whichever question set each check-in was answered on: the scores are by dimension.

Beside them, the two frequencies the research names (working beyond one's hours, and planned supervision that went
ahead) are said back over time in the person's own words: they are never scores, so they are never drawn as lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, cast

from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from assessments.core.charts import LineChart, line_chart
from assessments.core.framework import PHASES, Dimension, Direction, Phase
from assessments.core.signposting import SUPERVISION_HAPPENED, WORKED_OVER
from assessments.models.checkins import Answer, CheckIn
from assessments.models.questions import Question
from assessments.practitioner.profile import scores_of, submitted_checkins

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The frequencies said back over time, by statement code (the same code in every question set that asks them), with
# the short heading the table gives each.
FREQUENCY_HEADINGS: dict[str, StrOrPromise] = {
    WORKED_OVER: _("Worked beyond your hours"),
    SUPERVISION_HAPPENED: _("Planned case-management supervision that went ahead"),
}
NOT_ANSWERED = _("Not answered")
NOT_ASKED = _("Not asked then")


@dataclass(frozen=True)
class Series:
    slug: str
    name: str
    direction: Direction
    scores: list[float | None]
    chart: LineChart
    dimension: Dimension | None = None


@dataclass(frozen=True)
class PhaseTrend:
    """One phase's dimensions over time, individual and systemic each on its own line: never one blended phase
    score, which would mix what a person can shape with what the service has to change."""

    phase: Phase
    dimension_series: list[Series]
    rows: list[tuple[datetime, list[float | None]]]  # date, [dimension scores, in the phase's order]


def _series(dimension: Dimension, scores: list[float | None], labels: list[str], titles: list[str]) -> Series:
    return Series(
        slug=dimension.slug,
        name=str(dimension.name),
        direction=dimension.direction,
        scores=scores,
        chart=line_chart(scores, dimension.direction, labels=labels, titles=titles),
        dimension=dimension,
    )


def trends_for(user: User) -> tuple[list[CheckIn], list[PhaseTrend]]:
    """Every phase and dimension across the person's sent check-ins, oldest first (two queries)."""
    checkins = list(reversed(submitted_checkins(user)))
    dates = [c.submitted_at for c in checkins]
    local = [timezone.localtime(d) for d in dates]
    # Formatted once here, not once per chart: ten charts share them.
    labels = [date_format(d, "j M y") for d in local]
    titles = [date_format(d, "j F Y") for d in local]
    dim_scores = [scores_of(c) for c in checkins]
    trends = []
    for phase in PHASES:
        dimension_series = [_series(d, [s[d.slug] for s in dim_scores], labels, titles) for d in phase.dimensions]
        rows = [(dates[i], [s.scores[i] for s in dimension_series]) for i in range(len(checkins))]
        trends.append(PhaseTrend(phase=phase, dimension_series=dimension_series, rows=rows))
    return checkins, trends


@dataclass(frozen=True)
class FrequencyTrend:
    """The frequencies at each check-in, oldest first: one row per check-in, one answer in words per heading."""

    headings: list[StrOrPromise]
    rows: list[tuple[datetime, list[str]]]


def frequency_trend(checkins: list[CheckIn]) -> FrequencyTrend | None:
    """How often the person worked over, and how much planned supervision went ahead, at each check-in, in the words
    they chose ("Not asked then" on a question set without the statement). None when no check-in asked either
    (two queries)."""
    codes = list(FREQUENCY_HEADINGS)
    asked = set(
        Question.objects.filter(question_set_id__in={c.question_set_id for c in checkins}, code__in=codes)
        .values_list("question_set_id", "code")
        .order_by()
    )
    if not asked:
        return None
    said = {
        (a.checkin_id, a.question.code): a.question.answer_label(a.value)
        for a in Answer.objects.filter(checkin__in=checkins, question__code__in=codes).select_related("question")
    }
    rows = [
        (
            cast(datetime, c.submitted_at),  # a sent check-in has its time (a database constraint)
            [
                said.get((c.pk, code), str(NOT_ANSWERED)) if (c.question_set_id, code) in asked else str(NOT_ASKED)
                for code in codes
            ],
        )
        for c in checkins
    ]
    return FrequencyTrend(headings=list(FREQUENCY_HEADINGS.values()), rows=rows)
