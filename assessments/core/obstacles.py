"""What got in the way of a move: the choices a person is offered, and the team figure leads may see. No database.

A practitioner looking back at a move that has not happened yet, or that they dropped, may say what got in the way
(models/private.py keeps their answer with the move, theirs alone). Leads see only a team figure: of the people who
said what got in the way of any move in a period, how many named each obstacle, shown only where at least
SHARE_MIN_GROUP_SIZE people said, and complementary-suppressed across the teams of a service exactly like the
statements' shares (core/statements.py), so the service's figure minus the shown teams cannot reveal a hidden team.
A person counts once for an obstacle however many of their moves it held up, so the counts are people, not moves.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from assessments.core.anonymity import SHARES_PROTECT_ANOTHER, SHARES_TOO_FEW, share, share_min_group_size, suppress

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Obstacle:
    key: str
    asked: StrOrPromise  # the person's words, as they review their move
    counted: StrOrPromise  # the team figure's words


OBSTACLES: tuple[Obstacle, ...] = (
    Obstacle("no_time", _("There was no time"), _("No time")),
    Obstacle("diary_full", _("My diary was full"), _("A full diary")),
    Obstacle("not_allowed", _("It was not allowed or not possible at work"), _("Not allowed, or not possible at work")),
    Obstacle("forgot", _("I forgot"), _("Forgot")),
    Obstacle("other", _("Something else"), _("Something else")),
)
OBSTACLES_BY_KEY: dict[str, Obstacle] = {o.key: o for o in OBSTACLES}
# The key, in a team's counts, of how many people said what got in the way of at least one move.
PEOPLE = "people"


def obstacle_cell(counts: Mapping[str, int]) -> dict:
    """One shown figure: how many people said what got in the way, and how many of them (and what share) named each."""
    n = counts[PEOPLE]
    said = {o.key: counts.get(o.key, 0) for o in OBSTACLES}
    return {"hidden": None, "n": n, "said": said, "shares": {key: share(k, n) for key, k in said.items()}}


@dataclass(frozen=True)
class ObstacleFigures:
    """Each team's figure and the service's, each either shown or {"hidden": reason}."""

    teams: dict[Hashable, dict]
    service: dict


def obstacle_figures(
    counts: Mapping[Hashable, Mapping[str, int]], *, forced: Mapping[Hashable, str], total_forced: str | None
) -> ObstacleFigures:
    """Decide one period's figure for every team of a service (keys of `counts`, teams nobody counted in included).

    `counts[team]` holds PEOPLE and, per obstacle key, how many of those people named it. `forced` holds the teams
    already hidden (their head count was), `total_forced` the service when its head count was hidden.
    """
    decided = suppress(
        {team: by_key.get(PEOPLE, 0) for team, by_key in counts.items()},
        forced=forced,
        total_forced=total_forced,
        minimum=share_min_group_size(),
        reasons=(SHARES_TOO_FEW, SHARES_PROTECT_ANOTHER),
    )
    teams = {
        team: {"hidden": decided.hidden[team]} if team in decided.hidden else obstacle_cell(by_key)
        for team, by_key in counts.items()
    }
    total = {key: sum(by_key.get(key, 0) for by_key in counts.values()) for key in (PEOPLE, *OBSTACLES_BY_KEY)}
    service = {"hidden": decided.total_hidden} if decided.total_hidden else obstacle_cell(total)
    return ObstacleFigures(teams=teams, service=service)
