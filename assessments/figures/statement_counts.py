"""Statement-level figures at publication: one grouped query over the statements the counting check-ins passed on.

Who counts is decided once, for the dimensions and the statements alike (publication.counting_entries): each
person's latest check-in in the period, only members whose membership began before it, never a reader. The
suppression itself is core/statements.py and core/disclosure.py; this module only counts, names each statement
from the question set, and says which statements each question set asked.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Count

from assessments.core.framework import DIMENSIONS_BY_SLUG, StatementKind
from assessments.core.scoring import keyed
from assessments.models.figures import StatementEntry
from assessments.models.questions import Question

# team id -> question set id -> statement code -> answer -> people
Counts = dict[int, dict[int | None, dict[str, dict[int, int]]]]


def statement_counts(entries) -> dict[date, Counts]:
    """Per period start: how many of the people who count gave each answer to each statement, per team and per
    question set (the auditor compares people only with others who were asked the same statements).

    `entries` are the counting entries (publication.counting_entries), so who counts is decided in one place.
    """
    rows = (
        StatementEntry.objects.filter(entry__in=entries.values("pk"))
        .values_list("entry__period_start", "entry__team_id", "entry__question_set_id", "code", "value")
        .annotate(people=Count("id"))
        .order_by()
    )
    by_start: dict[date, Counts] = {}
    for start, team_id, question_set_id, code, value, people in rows:
        by_code = by_start.setdefault(start, {}).setdefault(team_id, {}).setdefault(question_set_id, {})
        by_code.setdefault(code, {})[value] = people
    return by_start


def across_question_sets(counts: Counts) -> dict[int, dict[str, dict[int, int]]]:
    """The same counts added up over question sets: what the figures show."""
    added: dict[int, dict[str, dict[int, int]]] = {}
    for team_id, by_set in counts.items():
        for by_code in by_set.values():
            for code, by_value in by_code.items():
                into = added.setdefault(team_id, {}).setdefault(code, {})
                for value, people in by_value.items():
                    into[value] = into.get(value, 0) + people
    return added


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


@dataclass(frozen=True)
class Shape:
    """What one question set asked: each dimension's scored statements, and the statements shown on their own."""

    scored: dict[str, tuple[str, ...]]
    apart: frozenset[str]
    reverse: frozenset[str] = frozenset()  # the reverse-keyed statements, turned round before scoring

    @property
    def team_scored(self) -> tuple[str, ...]:
        """The scored statements leads may see as team figures: the systemic dimensions'."""
        return tuple(c for d, codes in self.scored.items() if DIMENSIONS_BY_SLUG[d].is_systemic for c in codes)


def question_shapes(question_set_ids: Iterable[int | None]) -> dict[int | None, Shape]:
    """Which statements each of these question sets asked (one query)."""
    scored: dict[int, dict[str, list[str]]] = {}
    apart: dict[int, set[str]] = {}
    reverse: dict[int, set[str]] = {}
    ids = {i for i in question_set_ids if i is not None}
    for set_id, code, dimension, kind, reverse_keyed in (
        Question.objects.filter(question_set_id__in=ids)
        .values_list("question_set_id", "code", "dimension", "kind", "reverse_keyed")
        .order_by("question_set_id", "code")
    ):
        if reverse_keyed:
            reverse.setdefault(set_id, set()).add(code)
        if kind == StatementKind.SCORED:
            scored.setdefault(set_id, {}).setdefault(dimension, []).append(code)
        elif kind in (StatementKind.FREQUENCY, StatementKind.INTENTION):
            apart.setdefault(set_id, set()).add(code)
    return {
        i: Shape(
            scored={d: tuple(codes) for d, codes in scored.get(i, {}).items()},
            apart=frozenset(apart.get(i, set())),
            reverse=frozenset(reverse.get(i, set())),
        )
        for i in ids
    }


def answer_vectors(entries, shapes: dict[int | None, Shape]) -> dict[date, dict]:
    """Per period start, team, question set and systemic dimension: how many people gave each whole set of answers
    to the dimension's statements (keyed, in the question set's order, None for a blank). Read only where the
    auditor needs it (a team whose scores are close together), for the teams of `entries`: one query. Someone who
    left all of a dimension's statements blank passed none of them on, so is not here: the caller counts them."""
    given: dict[tuple, dict[str, int]] = {}
    for entry_id, start, team_id, set_id, code, value in (
        StatementEntry.objects.filter(entry__in=entries.values("pk"))
        .values_list("entry_id", "entry__period_start", "entry__team_id", "entry__question_set_id", "code", "value")
        .order_by()
    ):
        given.setdefault((entry_id, start, team_id, set_id), {})[code] = value
    found: dict[date, dict] = {}
    for (_entry, start, team_id, set_id), answers in given.items():
        shape = shapes.get(set_id)
        if shape is None:
            continue
        by_dimension = found.setdefault(start, {}).setdefault(team_id, {}).setdefault(set_id, {})
        for dimension, codes in shape.scored.items():
            if not DIMENSIONS_BY_SLUG[dimension].is_systemic:
                continue  # an individual dimension: its answers never leave the person
            vector = tuple(
                None if (v := answers.get(code)) is None else keyed(v, reverse=code in shape.reverse) for code in codes
            )
            by_dimension.setdefault(dimension, Counter())[vector] += 1
    return found
