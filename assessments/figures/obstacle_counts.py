"""What got in the way of the moves people chose, at publication: one grouped query over the obstacles the counting
check-ins passed on (contributions.py keeps them, MoveObstacleEntry).

Who counts is decided once, as for the dimensions and the statements (publication.counting_entries). The suppression
itself is core/obstacles.py; this module only counts.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q

from assessments.core.obstacles import OBSTACLES, PEOPLE
from assessments.models.figures import MoveObstacleEntry

Counts = dict[int, dict[str, int]]  # team id -> PEOPLE or an obstacle key -> people


def obstacle_counts(entries) -> dict[date, Counts]:
    """Per period start and team: how many of the people who count said what got in the way of any of their moves,
    and how many of them named each obstacle. `entries` are the counting entries (publication.counting_entries)."""
    rows = (
        MoveObstacleEntry.objects.filter(entry__in=entries.values("pk"))
        .values("entry__period_start", "entry__team_id")
        .annotate(
            **{PEOPLE: Count("entry_id", distinct=True)},
            **{o.key: Count("id", filter=Q(obstacle=o.key)) for o in OBSTACLES},
        )
        .order_by()
    )
    by_start: dict[date, Counts] = {}
    for row in rows:
        counts = {key: row[key] for key in (PEOPLE, *(o.key for o in OBSTACLES))}
        by_start.setdefault(row["entry__period_start"], {})[row["entry__team_id"]] = counts
    return by_start
