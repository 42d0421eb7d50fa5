"""Statement-level figures at publication: one grouped query over the statements the counting check-ins passed on.

Who counts is decided once, for the dimensions and the statements alike (publication.counting_entries): each
person's latest check-in in the period, only members whose membership began before it, never a reader. The
suppression itself is core/statements.py; this module only counts, and names each statement from the question set.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count

from assessments.models.figures import StatementEntry
from assessments.models.questions import Question

Counts = dict[int, dict[str, dict[int, int]]]  # team id -> statement code -> answer -> people


def statement_counts(entries) -> dict[date, Counts]:
    """Per period start: how many of the people who count gave each answer to each statement, per team.

    `entries` are the counting entries (publication.counting_entries), so who counts is decided in one place.
    """
    rows = (
        StatementEntry.objects.filter(entry__in=entries.values("pk"))
        .values_list("entry__period_start", "entry__team_id", "code", "value")
        .annotate(people=Count("id"))
        .order_by()
    )
    by_start: dict[date, Counts] = {}
    for start, team_id, code, value, people in rows:
        by_start.setdefault(start, {}).setdefault(team_id, {}).setdefault(code, {})[value] = people
    return by_start


def statement_texts(codes: set[str]) -> dict[str, dict]:
    """What each statement says, from the newest question set that has it (one query): stored with the figures,
    so a published period keeps the words its figures were about."""
    found: dict[str, dict] = {}
    for q in Question.objects.filter(code__in=codes).order_by("-question_set__version", "order"):
        found.setdefault(
            q.code,
            {
                "text": q.text,
                "dimension": q.dimension,
                "kind": q.kind,
                "scale": q.scale,
                "reverse": q.reverse_keyed,
                "order": q.order,
            },
        )
    return found
