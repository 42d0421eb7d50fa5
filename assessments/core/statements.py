"""Statement-level team figures, decided as pure functions: counts in, what may be shown out. No database here.

A dimension's mean says "pressure is high"; the statements say which pressure: caseload, risk paperwork,
referrals that do not fit, or no space to reflect. For each statement leads may see (a systemic statement, a
frequency, the intention to leave), a team's figure is the share of the people who answered it who gave each
answer, shown only where at least SHARE_MIN_GROUP_SIZE answered, and complementary-suppressed across the teams of
a service exactly like the dimensions' shares, so the service's share minus the shown teams cannot reveal a
hidden team. A statement's n is its own: people may leave any statement blank.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass

from assessments.core.anonymity import SHARES_PROTECT_ANOTHER, SHARES_TOO_FEW, share, share_min_group_size, suppress
from assessments.core.framework import SCALE_MAX, SCALE_MIN

VALUES = range(SCALE_MIN, SCALE_MAX + 1)
# "Agree" and "strongly agree" (or, on the other scales, the two answers at the top end).
TOP_FROM = SCALE_MAX - 1
# And the two answers at the bottom end.
BOTTOM_TO = SCALE_MIN + 1


def statement_cell(counts: Mapping[int, int]) -> dict:
    """One shown statement figure: its n, the share at each answer, and the shares at the top and bottom ends."""
    n = sum(counts.get(v, 0) for v in VALUES)
    top = sum(counts.get(v, 0) for v in VALUES if v >= TOP_FROM)
    bottom = sum(counts.get(v, 0) for v in VALUES if v <= BOTTOM_TO)
    return {
        "hidden": None,
        "n": n,
        "shares": [share(counts.get(v, 0), n) for v in VALUES],
        "top": share(top, n),
        "bottom": share(bottom, n),
    }


@dataclass(frozen=True)
class StatementFigures:
    """Per statement code: each team's cell and the service's, each either shown or {"hidden": reason}."""

    teams: dict[Hashable, dict[str, dict]]
    service: dict[str, dict]


def statement_figures(
    counts: Mapping[Hashable, Mapping[str, Mapping[int, int]]],
    *,
    forced: Mapping[Hashable, str],
    total_forced: str | None,
) -> StatementFigures:
    """Decide every statement of one period for every team of a service (keys of `counts`, zero rows included).

    `counts[team][code][value]` is how many of the people who count gave that answer. `forced` holds the teams
    already hidden (their head count was), `total_forced` the service when its head count was hidden.
    """
    codes = sorted({code for by_code in counts.values() for code in by_code})
    teams: dict[Hashable, dict[str, dict]] = {team: {} for team in counts}
    service: dict[str, dict] = {}
    for code in codes:
        answered = {team: sum(by_code.get(code, {}).values()) for team, by_code in counts.items()}
        decided = suppress(
            answered,
            forced=forced,
            total_forced=total_forced,
            minimum=share_min_group_size(),
            reasons=(SHARES_TOO_FEW, SHARES_PROTECT_ANOTHER),
        )
        for team, by_code in counts.items():
            if answered[team] == 0 and team not in forced:
                continue  # nobody in this team was asked it (another version) or everyone left it blank
            reason = decided.hidden.get(team)
            teams[team][code] = {"hidden": reason} if reason else statement_cell(by_code.get(code, {}))
        total: dict[int, int] = {}
        for by_code in counts.values():
            for value, n in by_code.get(code, {}).items():
                total[value] = total.get(value, 0) + n
        service[code] = {"hidden": decided.total_hidden} if decided.total_hidden else statement_cell(total)
    return StatementFigures(teams=teams, service=service)
