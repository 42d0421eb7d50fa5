"""What got in the way of the moves people chose, at publication: the obstacles the counting check-ins passed on
(contributions.py keeps them, MoveObstacleEntry), as how many people named each set of obstacles.

Who counts is decided once, as for the dimensions and the statements (publication.counting_entries). The figure
(core/obstacles.py) needs how many people named each obstacle; the auditor (core/disclosure.py) also needs how many
named the same set, so that no one's set is certain. One query; the rows are the obstacles named, which only the
people who looked back at a move and said what got in the way have.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from assessments.core.obstacles import OBSTACLES, PEOPLE
from assessments.models.figures import MoveObstacleEntry

Sets = dict[int, Counter]  # team id -> the set of obstacles a person named -> people


def obstacle_sets(entries) -> dict[date, Sets]:
    """Per period start and team: how many of the people who count named each set of obstacles (people who said
    nothing are not here). `entries` are the counting entries (publication.counting_entries)."""
    named: dict[tuple[date, int, int], set[str]] = {}
    for start, team_id, entry_id, obstacle in (
        MoveObstacleEntry.objects.filter(entry__in=entries.values("pk"))
        .values_list("entry__period_start", "entry__team_id", "entry_id", "obstacle")
        .order_by()
    ):
        named.setdefault((start, team_id, entry_id), set()).add(obstacle)
    by_start: dict[date, Sets] = {}
    for (start, team_id, _entry), keys in named.items():
        by_start.setdefault(start, {}).setdefault(team_id, Counter())[frozenset(keys)] += 1
    return by_start


def obstacle_counts(sets: Counter) -> dict[str, int]:
    """How many people said what got in the way (PEOPLE), and how many of them named each obstacle."""
    counts = {PEOPLE: sum(sets.values())}
    for o in OBSTACLES:
        counts[o.key] = sum(n for keys, n in sets.items() if o.key in keys)
    return counts
