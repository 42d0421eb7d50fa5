"""Reads for leads: anonymised team and service summaries.

One grouped query per page gives every team of the service in every period of
the trend: distinct people, and per dimension the number who answered, the
sum of scores and the low / high band counts. The anonymity rule
(anonymity.suppress) reads its counts from that same query. Hidden cells never
leave this module with figures in them, so no template or export can show them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from assessments.core.anonymity import Suppression, reason_text, suppress
from assessments.core.framework import DIMENSIONS, Dimension, Direction
from assessments.core.periods import Period, period_of, trend_periods
from assessments.core.scoring import HIGH_FROM, LOW_BELOW, is_concerning
from assessments.leads.contributions import SCORE_FIELDS
from assessments.models.figures import SummaryEntry, TeamAction
from assessments.models.organisation import Service, Team

# Systemic dimensions first: they are what the service can change.
ORDERED_DIMENSIONS: tuple[Dimension, ...] = tuple(sorted(DIMENSIONS, key=lambda d: not d.is_systemic))


@dataclass(frozen=True)
class DimensionFigures:
    dimension: Dimension
    mean: float | None = None
    low: int | None = None  # shares of people, in per cent
    middle: int | None = None
    high: int | None = None
    hidden: str | None = None  # why it is hidden, for the page
    change: float | None = None

    @property
    def is_shown(self) -> bool:
        return self.hidden is None and self.mean is not None

    @property
    def name(self) -> str:
        return str(self.dimension.name)

    @property
    def direction(self) -> str:
        return str(self.dimension.direction)

    @property
    def score(self) -> float | None:
        return self.mean

    @property
    def needs_attention(self) -> bool:
        return self.is_shown and is_concerning(self.mean, self.dimension.direction)


@dataclass
class Cell:
    """The figures of one team (or the whole service) in one period."""

    period: Period
    people: int | None  # None when hidden
    hidden: str | None
    dimensions: dict[str, DimensionFigures] = field(default_factory=dict)

    @property
    def ordered(self) -> list[DimensionFigures]:
        return [self.dimensions[d.slug] for d in ORDERED_DIMENSIONS]

    @property
    def systemic(self) -> list[DimensionFigures]:
        return [f for f in self.ordered if f.dimension.is_systemic]

    @property
    def individual(self) -> list[DimensionFigures]:
        return [f for f in self.ordered if not f.dimension.is_systemic]

    @property
    def hotspots(self) -> list[DimensionFigures]:
        """The highest pressure and the lowest resource among the shown figures."""
        shown = [f for f in self.ordered if f.is_shown]
        pressures = [f for f in shown if f.dimension.direction == Direction.PRESSURE]
        resources = [f for f in shown if f.dimension.direction == Direction.RESOURCE]
        spots = []
        if pressures:
            spots.append(max(pressures, key=lambda f: f.mean))
        if resources:
            spots.append(min(resources, key=lambda f: f.mean))
        return spots


def _aggregates() -> dict:
    aggregates = {"people": Count("id")}
    for slug, column in SCORE_FIELDS.items():
        aggregates[f"n_{slug}"] = Count(column)
        aggregates[f"sum_{slug}"] = Sum(column)
        aggregates[f"low_{slug}"] = Count("id", filter=Q(**{f"{column}__lt": LOW_BELOW}))
        aggregates[f"high_{slug}"] = Count("id", filter=Q(**{f"{column}__gte": HIGH_FROM}))
    return aggregates


def _empty_row() -> dict:
    row = {"people": 0}
    for slug in SCORE_FIELDS:
        row.update({f"n_{slug}": 0, f"sum_{slug}": 0.0, f"low_{slug}": 0, f"high_{slug}": 0})
    return row


def _grouped(service_id: int, periods: list[Period]) -> dict[tuple[int, object], dict]:
    """One grouped query: every team of the service in every period."""
    rows = (
        SummaryEntry.objects.filter(
            service_id=service_id, kind=periods[0].kind, period_start__in=[p.start for p in periods]
        )
        .values("team_id", "period_start")
        .annotate(**_aggregates())
        .order_by()
    )
    return {(row["team_id"], row["period_start"]): row for row in rows}


def _added(rows: Iterable[dict]) -> dict:
    total = _empty_row()
    for row in rows:
        for key in total:
            total[key] += row[key] or 0
    return total


def _share(count: int, n: int) -> int:
    return round(100 * count / n)


def _cell(row: dict, period: Period, hidden: str | None, dim_hidden: dict[str, str | None]) -> Cell:
    reasons = {reason: reason_text(reason) for reason in {hidden, *dim_hidden.values()} if reason is not None}
    if hidden is not None:
        text = reasons[hidden]
        return Cell(period, None, text, {d.slug: DimensionFigures(d, hidden=text) for d in DIMENSIONS})
    figures = {}
    for d in DIMENSIONS:
        n = row[f"n_{d.slug}"]
        if dim_hidden[d.slug] is not None:
            figures[d.slug] = DimensionFigures(d, hidden=reasons[dim_hidden[d.slug]])
            continue
        low, high = row[f"low_{d.slug}"], row[f"high_{d.slug}"]
        figures[d.slug] = DimensionFigures(
            d,
            mean=round(row[f"sum_{d.slug}"] / n, 1),
            low=_share(low, n),
            middle=_share(n - low - high, n),
            high=_share(high, n),
        )
    return Cell(period, row["people"], None, figures)


def _with_changes(cells: list[Cell]) -> None:
    """Change since the previous period, where both periods are shown."""
    for before, cell in zip(cells, cells[1:], strict=False):
        for slug, now in cell.dimensions.items():
            then = before.dimensions[slug]
            if now.is_shown and then.is_shown:
                cell.dimensions[slug] = DimensionFigures(**{**now.__dict__, "change": round(now.mean - then.mean, 1)})


@dataclass
class _PeriodDecision:
    """The raw sums of every team in one period, and which of them may be shown."""

    rows: dict[int, dict]
    head: Suppression
    by_dimension: dict[str, Suppression]


@dataclass
class ServiceFigures:
    """Every team of a service and the service as a whole over the trend periods, already suppressed.

    Suppression is decided for every team (it must be, to protect the others);
    cells are built only when a page asks for them.
    """

    service: Service
    teams: list[Team]
    periods: list[Period]
    decisions: dict[Period, _PeriodDecision]
    _cells: dict[tuple[int | None, Period], Cell] = field(default_factory=dict)

    def trend(self, team_id: int | None) -> list[Cell]:
        return [self.cell(team_id, p) for p in self.periods]

    def cell(self, team_id: int | None, period: Period | None = None) -> Cell:
        period = period or self.periods[-1]
        key = (team_id, period)
        if key not in self._cells:
            self._cells[key] = self._build(team_id, period)
        return self._cells[key]

    def _build(self, team_id: int | None, period: Period) -> Cell:
        decision = self.decisions[period]
        if team_id is None:
            row = _added(decision.rows.values())
            hidden = decision.head.total_hidden
            dim_hidden = {slug: s.total_hidden for slug, s in decision.by_dimension.items()}
        else:
            row = decision.rows[team_id]
            hidden = decision.head.hidden.get(team_id)
            dim_hidden = {slug: s.hidden.get(team_id) for slug, s in decision.by_dimension.items()}
        cell = _cell(row, period, hidden, dim_hidden)
        if period != self.periods[0]:
            _with_changes([self.cell(team_id, period.previous()), cell])
        return cell


def service_figures(service: Service, period: Period) -> ServiceFigures:
    """Two queries: the service's teams, and the grouped figures."""
    periods = trend_periods(period)
    teams = list(Team.objects.filter(service=service).order_by("name"))
    raw = _grouped(service.pk, periods)
    decisions = {}
    for p in periods:
        rows = {t.pk: raw.get((t.pk, p.start)) or _empty_row() for t in teams}
        head = suppress({k: r["people"] for k, r in rows.items()})
        by_dimension = {
            d.slug: suppress(
                {k: r[f"n_{d.slug}"] for k, r in rows.items()}, forced=head.hidden, total_forced=head.total_hidden
            )
            for d in DIMENSIONS
        }
        decisions[p] = _PeriodDecision(rows=rows, head=head, by_dimension=by_dimension)
    return ServiceFigures(service=service, teams=teams, periods=periods, decisions=decisions)


@dataclass(frozen=True)
class ActionProgress:
    action: TeamAction
    since: list[DimensionFigures]  # the dimension's figures in each trend period from the action's start
    periods: list[Period]


def action_progress(figures: ServiceFigures, team: Team, actions: Iterable[TeamAction]) -> list[ActionProgress]:
    result = []
    for action in actions:
        start = period_of(action.starts_on, figures.periods[0].kind)
        periods = [p for p in figures.periods if p >= start]
        since = [figures.cell(team.pk, p).dimensions[action.dimension] for p in periods]
        result.append(ActionProgress(action=action, since=since, periods=periods))
    return result


# --- what a page shows, as rows: the page's full table and its CSV are both built from this ---

EXPORT_HEADER = ["scope", "period", "dimension", "people", "mean", "low_share", "middle_share", "high_share", "note"]


def export_rows(figures: ServiceFigures, scopes: list[tuple[str, int | None, list[Period]]]) -> list[list[str]]:
    """One row per (scope, period, dimension). Hidden cells have blank figures and the reason."""
    rows = []
    names = {d.slug: str(d.name) for d in DIMENSIONS}  # translated once, not once per row
    for scope_name, key, periods in scopes:
        for p in periods:
            cell = figures.cell(key, p)
            for f in cell.ordered:
                if f.is_shown:
                    values = [str(cell.people), f"{f.mean:.1f}", str(f.low), str(f.middle), str(f.high), ""]
                else:
                    people = "" if cell.people is None else str(cell.people)
                    values = [people, "", "", "", "", f.hidden or ""]
                rows.append([scope_name, p.key, names[f.dimension.slug], *values])
    return rows
