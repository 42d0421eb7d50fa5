"""How many of the people who count hold each score, per dimension, team and question set: what the publication
auditor (core/disclosure.py) reads to decide whether scores are far enough apart to show their figures.

One query for the seven dimensions (a grouped count each, joined with UNION ALL), so the work is a scan of the
period's entries, whatever their number; scores take few values (multiples of a step, to one decimal place).
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.db.models import CharField, Count, F, Value

from assessments.core.framework import DIMENSIONS
from assessments.models.figures import SCORE_FIELDS

# period start -> team id -> question set id -> dimension slug -> score (None: no score) -> people
ScoreCounts = dict[date, dict[int, dict[int | None, dict[str, Counter]]]]


def score_counts(entries) -> ScoreCounts:
    """`entries` are the counting entries (publication.counting_entries), so who counts is decided in one place."""
    grouped = [
        entries.annotate(dimension=Value(d.slug, output_field=CharField()), score=F(SCORE_FIELDS[d.slug]))
        .values("period_start", "team_id", "question_set_id", "dimension", "score")
        .annotate(people=Count("id"))
        .values_list("period_start", "team_id", "question_set_id", "dimension", "score", "people")
        .order_by()
        for d in DIMENSIONS
    ]
    rows = grouped[0].union(*grouped[1:], all=True)
    found: ScoreCounts = {}
    for start, team_id, question_set_id, dimension, score, people in rows:
        by_dimension = found.setdefault(start, {}).setdefault(team_id, {}).setdefault(question_set_id, {})
        by_dimension.setdefault(dimension, Counter())[score] += people
    return found
