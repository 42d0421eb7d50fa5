"""The anonymity rule for summaries, written once. Pages and CSV exports both go through `suppress`.

A cell (a team in a period, or the whole service in a period) is shown only
when at least MIN_GROUP_SIZE distinct people contributed. Because a service's
figures and its teams' figures are shown together, hiding small teams is not
enough: the service total minus the shown teams would give the hidden ones.
So the hidden cells that had anyone in them must together hold at least
MIN_GROUP_SIZE people, and never be a single team; otherwise the next-smallest
shown team is hidden too, and if there is none left, the service total is hidden.
Periods are fixed (see periods.py), so no two summaries overlap in time.

Shares of people (low / middle / high) follow the same rule with a larger group,
SHARE_MIN_GROUP_SIZE: at n = 5 each step of a share is one person, so "0 / 100 / 0"
would tell a lead every member's band.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

# Why a cell is hidden.
TOO_FEW = "too_few"
PROTECTS_ANOTHER = "protects_another"
# Why shares are left out where the mean is shown.
SHARES_TOO_FEW = "shares_too_few"
SHARES_PROTECT_ANOTHER = "shares_protect_another"
# Why the team's voice on an action ("has it made a difference?") is not shown: too few answers. Its yes /
# not yet / no counts are shares in disguise, so they need SHARE_MIN_GROUP_SIZE answers, as band shares do.
VOICES_TOO_FEW = "voices_too_few"
# Withheld by the publication auditor (core/disclosure.py): together with the other figures it would let someone's
# answers be worked out. One reason for every rule, so that a page never says which.
WOULD_IDENTIFY = "would_identify"
# A team that had no figures in a period because it did not exist when the period was published.
NOT_PUBLISHED = "not_published"
# A period older than the retention period: its figures were deleted, whole.
PAST_RETENTION = "past_retention"


def min_group_size() -> int:
    return settings.MIN_GROUP_SIZE


def share_min_group_size() -> int:
    return max(settings.SHARE_MIN_GROUP_SIZE, settings.MIN_GROUP_SIZE)


def share(count: int, n: int) -> int:
    """A share of people in whole per cent, as every figure shows it (band shares, statements, obstacles)."""
    return round(100 * count / n)


def reason_text(reason: str, *, minimum: int | None = None) -> str:
    """The sentence a page shows for a hidden cell. `minimum` is the group size in force when it was decided."""
    if reason == TOO_FEW:
        return _("Hidden: fewer than %(n)s people took part, so figures could identify someone.") % {
            "n": minimum or min_group_size()
        }
    if reason == SHARES_TOO_FEW:
        return _("Shares are shown when at least %(n)s people answered, so that they cannot point to anyone.") % {
            "n": minimum or share_min_group_size()
        }
    if reason == VOICES_TOO_FEW:
        return _("Shown once at least %(n)s people have answered in a period, so that no one's answer can be told.") % {
            "n": minimum or share_min_group_size()
        }
    if reason == WOULD_IDENTIFY:
        return _("Not shown so that no one's answers can be worked out.")
    if reason == PAST_RETENTION:
        return _("These figures have been deleted: the period is older than the app keeps data.")
    if reason == NOT_PUBLISHED:
        return _("There are no figures for this team in this period: it was set up after the period ended.")
    if reason == SHARES_PROTECT_ANOTHER:
        return _("Shares are left out so that a smaller group's shares cannot be worked out from the others.")
    return _("Hidden so that the figures of a smaller group cannot be worked out from the others.")


@dataclass(frozen=True)
class Suppression:
    """Which cells of one row (the teams of a service in one period) and whether its total may be shown."""

    hidden: dict[Hashable, str] = field(default_factory=dict)
    total_hidden: str | None = None


def suppress(
    counts: Mapping[Hashable, int],
    *,
    forced: Mapping[Hashable, str] | None = None,
    total_forced: str | None = None,
    minimum: int | None = None,
    reasons: tuple[str, str] = (TOO_FEW, PROTECTS_ANOTHER),
) -> Suppression:
    """Decide which cells may be shown, given each cell's distinct-person count.

    `counts` holds every team of the service (zero for a team nobody counted in).
    `forced` marks cells already hidden for another reason (e.g. the team's head
    count was hidden, so its dimensions are too); `total_forced` likewise.
    `minimum` defaults to MIN_GROUP_SIZE; shares pass SHARE_MIN_GROUP_SIZE and their own `reasons`.
    """
    minimum = minimum or min_group_size()
    too_few, protects_another = reasons
    hidden: dict[Hashable, str] = dict(forced or {})
    for key, n in counts.items():
        if n < minimum:
            hidden.setdefault(key, too_few)
    total_hidden = total_forced or (too_few if sum(counts.values()) < minimum else None)
    if total_hidden is not None:
        return Suppression(hidden=hidden, total_hidden=total_hidden)

    while True:
        # Cells nobody counted in reveal nothing by subtraction.
        exposed = [k for k in hidden if counts.get(k, 0) > 0]
        if not exposed or (len(exposed) > 1 and sum(counts[k] for k in exposed) >= minimum):
            return Suppression(hidden=hidden, total_hidden=None)
        shown = [k for k in counts if k not in hidden and counts[k] > 0]
        if not shown:
            return Suppression(hidden=hidden, total_hidden=protects_another)
        hidden[min(shown, key=lambda k: (counts[k], str(k)))] = protects_another
