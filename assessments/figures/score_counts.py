"""How many of the people who count hold each score, per dimension, team and question set: what the publication
auditor (core/disclosure.py) reads to decide whether scores are far enough apart to show their figures.

One scan of the period's counting entries, seven scores a row, counted here: at N = 100,000 this is about 0.7 s on
PostgreSQL where seven grouped queries joined with UNION ALL took 1.1 s (each branch evaluates who counts again).
Scores take few values (multiples of a step, to one decimal place), so what is kept is small.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from assessments.core.framework import DIMENSIONS
from assessments.models.figures import ANSWERED_FIELDS, SCORE_FIELDS

# period start -> team id -> question set id -> dimension slug -> (score, statements answered) -> people; a person
# without a score holds (None, None)
ScoreCounts = dict[date, dict[int, dict[int | None, dict[str, Counter]]]]


def score_counts(entries) -> ScoreCounts:
    """`entries` are the counting entries (publication.counting_entries), so who counts is decided in one place."""
    slugs = [d.slug for d in DIMENSIONS]
    found: ScoreCounts = {}
    columns = [*(SCORE_FIELDS[s] for s in slugs), *(ANSWERED_FIELDS[s] for s in slugs)]
    rows = entries.values_list("period_start", "team_id", "question_set_id", *columns).order_by()
    for start, team_id, question_set_id, *values in rows.iterator(chunk_size=10_000):
        by_set = found.setdefault(start, {}).setdefault(team_id, {})
        by_dimension = by_set.get(question_set_id)
        if by_dimension is None:
            by_dimension = by_set[question_set_id] = {slug: Counter() for slug in slugs}
        for i, slug in enumerate(slugs):
            score = values[i]
            by_dimension[slug][(score, values[len(slugs) + i] if score is not None else None)] += 1
    return found
