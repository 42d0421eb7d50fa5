"""Reads for leads: anonymised team and service summaries, built from the published figures.

A page reads the published figures of its trend's periods in one query (publication.py computes and stores
them the first time a period is needed). Hidden cells were stored without figures, so no template or
export can show them; nothing a person does after publication moves a figure.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import cast

from assessments.core.anonymity import NOT_PUBLISHED, PAST_RETENTION, VOICES_TOO_FEW, WOULD_IDENTIFY, reason_text
from assessments.core.changes import chance_margin, is_real_change
from assessments.core.framework import DIMENSIONS, DIMENSIONS_BY_SLUG, AnswerScale, Dimension, Direction, StatementKind
from assessments.core.obstacles import OBSTACLES, Obstacle
from assessments.core.periods import Period, period_of, trend_periods
from assessments.core.scoring import Band, band, is_concerning
from assessments.figures.period_figures import SERVICE
from assessments.figures.publication import published_periods
from assessments.models.figures import TeamAction
from assessments.models.organisation import Service, Team

# Systemic dimensions first: they are what the service can change.
ORDERED_DIMENSIONS: tuple[Dimension, ...] = tuple(sorted(DIMENSIONS, key=lambda d: not d.is_systemic))


class MayBeWithheld:
    """A figure that may be hidden: `hidden` says why in a sentence (for the CSV's note), `reason` is the rule's key
    (core/anonymity.py)."""

    reason: str | None

    @property
    def withheld(self) -> bool:
        """Whether the publication auditor withheld it. A page shows it as a dash and says why once, for the whole
        page (leads/partials/withheld_note.html), never which figure's rule it was."""
        return self.reason == WOULD_IDENTIFY


@dataclass(frozen=True)
class StatementFigure(MayBeWithheld):
    """One statement's team figure in one period: the shares of the people who answered it, or why it is hidden."""

    code: str
    text: str
    dimension: Dimension
    kind: str
    scale: str
    reverse: bool
    order: int
    n: int | None = None
    shares: tuple[int, ...] = ()  # per cent at each answer, 1 to 5
    top: int | None = None  # agree or strongly agree (the top two answers of other scales)
    bottom: int | None = None
    hidden: str | None = None
    reason: str | None = None

    @property
    def is_shown(self) -> bool:
        return self.hidden is None and self.n is not None

    @property
    def is_scored(self) -> bool:
        return StatementKind(self.kind).is_scored

    @property
    def agreeing_is_concern(self) -> bool:
        """Whether the top end of this statement is the end that needs attention."""
        if StatementKind(self.kind) == StatementKind.FREQUENCY and self.scale == AnswerScale.HOW_MUCH:
            return False  # "how much planned supervision went ahead": too little is the concern
        if not self.is_scored:
            return True  # working over, thinking of leaving: more is the concern
        return (self.dimension.direction == Direction.PRESSURE) != self.reverse

    @property
    def concern(self) -> int | None:
        return None if not self.is_shown else (self.top if self.agreeing_is_concern else self.bottom)

    @property
    def answers(self) -> list[tuple[str, int]]:
        """Each answer's words with its share, for the page (none when hidden)."""
        if not self.is_shown:
            return []
        choices = AnswerScale(self.scale).choices
        return [(str(label), share) for (_v, label), share in zip(choices, self.shares, strict=True)]


@dataclass(frozen=True)
class ObstacleCount:
    """How many of the people who said what got in the way of their moves named one obstacle, and what share."""

    obstacle: Obstacle
    named_by: int
    share: int

    @property
    def words(self) -> str:
        return str(self.obstacle.counted)


@dataclass(frozen=True)
class GotInTheWay(MayBeWithheld):
    """What got in the way of the moves people chose, in one cell and period; or why it is not shown."""

    people: int | None = None  # who said what got in the way of at least one move
    counts: tuple[ObstacleCount, ...] = ()  # the most named first
    hidden: str | None = None
    reason: str | None = None

    @property
    def is_shown(self) -> bool:
        return self.hidden is None and self.people is not None


def _got_in_the_way(stored: dict | None, share_minimum: int) -> GotInTheWay | None:
    """None for a period published before these figures were kept."""
    if stored is None:
        return None
    if stored["hidden"] is not None:
        return GotInTheWay(hidden=reason_text(stored["hidden"], minimum=share_minimum), reason=stored["hidden"])
    # In the vocabulary's order (a stored mapping's keys may come back in any order), then the most named first.
    said, shares = stored["said"], stored["shares"]
    counts = [ObstacleCount(o, said[o.key], shares[o.key]) for o in OBSTACLES if o.key in said]
    return GotInTheWay(people=stored["n"], counts=tuple(sorted(counts, key=lambda c: -c.named_by)))


@dataclass(frozen=True)
class DimensionFigures(MayBeWithheld):
    dimension: Dimension
    mean: float | None = None
    low: int | None = None  # shares of people, in per cent
    middle: int | None = None
    high: int | None = None
    hidden: str | None = None  # why it is hidden, for the page
    change: float | None = None
    # Whether `change` is larger than chance for the head counts of both periods (core/changes.py).
    change_is_real: bool | None = None
    shares_hidden: str | None = None  # why the shares are left out where the mean is shown
    # On a hotspot, the statement that drives it (Cell.hotspots), so it names caseload, paperwork or referrals
    # rather than "pressure".
    driver: StatementFigure | None = None
    reason: str | None = None  # the key of `hidden`'s reason

    @property
    def shares_shown(self) -> bool:
        return self.is_shown and self.shares_hidden is None

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
    # How many members could have taken part (None when hidden, or published before this was kept).
    members: int | None = None
    obstacles: GotInTheWay | None = None
    # The statement figures as published, with their words and the share threshold they were decided with: made
    # into StatementFigures only when a page shows them (of a trend's twelve periods, only the one it is about).
    stored_statements: dict = field(default_factory=dict)
    statement_texts: dict = field(default_factory=dict)
    share_minimum: int | None = None

    @cached_property
    def statements(self) -> list[StatementFigure]:
        # (Only a hidden cell has no share minimum, and it has no statements either.)
        return _statements(self.stored_statements, self.statement_texts, cast(int, self.share_minimum))

    def statements_of(self, slug: str) -> list[StatementFigure]:
        return [s for s in self.statements if s.dimension.slug == slug and s.is_scored]

    @property
    def statements_by_dimension(self) -> list[tuple[DimensionFigures, list[StatementFigure]]]:
        """The systemic dimensions, each with its statements (those the period has figures for)."""
        return [(f, found) for f in self.systemic if (found := self.statements_of(f.dimension.slug))]

    @property
    def apart(self) -> list[StatementFigure]:
        """The frequencies and the intention to leave: their own figures, never blended into a dimension."""
        return [s for s in self.statements if not s.is_scored]

    @property
    def withholds(self) -> bool:
        """Whether the publication auditor withheld any of this cell's figures: a dimension's, a statement's, or what
        got in the way."""
        return any(f is not None and f.withheld for f in [*self.dimensions.values(), *self.statements, self.obstacles])

    @property
    def chance_margin(self) -> float | None:
        """How far this cell's means could move by chance alone, for the page's explanation."""
        return chance_margin(self.people) if self.people else None

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
        """The highest pressure and the lowest resource among the shown figures, each only when it is at its
        concerning end (a hotspot that is not one sends a lead to fix what works), each with the statement that
        drives it: the shown statement of its dimension with the largest share at its concerning end."""
        shown = [f for f in self.ordered if f.is_shown]
        pressures = [f for f in shown if f.dimension.direction == Direction.PRESSURE]
        resources = [f for f in shown if f.dimension.direction == Direction.RESOURCE]
        spots = []  # (a shown figure has its mean)
        if pressures:
            spots.append(max(pressures, key=lambda f: cast(float, f.mean)))
        if resources:
            spots.append(min(resources, key=lambda f: cast(float, f.mean)))
        return [replace(f, driver=_driver(self.statements_of(f.dimension.slug))) for f in spots if f.needs_attention]

    @property
    def strengths(self) -> list[DimensionFigures]:
        """What is going well, for a team conversation: up to two shown figures at the good end of their scale (low
        pressure, high support or strength), the furthest from the middle first."""
        good_end = {Direction.PRESSURE: Band.LOW, Direction.RESOURCE: Band.HIGH}
        good = [f for f in self.ordered if f.is_shown and band(f.mean) == good_end[f.dimension.direction]]
        return sorted(good, key=lambda f: abs(50 - cast(float, f.mean)), reverse=True)[:2]

    @property
    def shows_any(self) -> bool:
        return any(f.is_shown for f in self.dimensions.values())


@dataclass(frozen=True)
class PublishedTeam:
    """A team as it was when a period was published: figures keep the name they were published under."""

    pk: int
    name: str


def _hidden_figures(reason: str, minimum: int | None = None) -> dict[str, DimensionFigures]:
    """Every dimension of a cell hidden for one reason."""
    text = reason_text(reason, minimum=minimum)
    return {d.slug: DimensionFigures(d, hidden=text, reason=reason) for d in DIMENSIONS}


def _figures(d: Dimension, stored: dict | None, minimum: int, share_minimum: int) -> DimensionFigures:
    if stored is None:
        return DimensionFigures(d, hidden=reason_text(NOT_PUBLISHED), reason=NOT_PUBLISHED)
    if stored["hidden"] is not None:
        return DimensionFigures(d, hidden=reason_text(stored["hidden"], minimum=minimum), reason=stored["hidden"])
    shares_hidden = stored["shares_hidden"]
    return DimensionFigures(
        d,
        mean=stored["mean"],
        low=stored.get("low"),
        middle=stored.get("middle"),
        high=stored.get("high"),
        shares_hidden=None if shares_hidden is None else reason_text(shares_hidden, minimum=share_minimum),
    )


_DIMENSION_ORDER = {d.slug: i for i, d in enumerate(ORDERED_DIMENSIONS)}


def _statements(stored: dict, texts: dict[str, dict], share_minimum: int) -> list[StatementFigure]:
    found = []
    for code, cell in stored.items():
        info = texts.get(code)
        if info is None:
            continue
        if cell["hidden"] is not None:
            figures = {"hidden": reason_text(cell["hidden"], minimum=share_minimum), "reason": cell["hidden"]}
        else:
            figures = {"n": cell["n"], "shares": tuple(cell["shares"]), "top": cell["top"], "bottom": cell["bottom"]}
        found.append(
            StatementFigure(
                code=code,
                text=info["text"],
                dimension=DIMENSIONS_BY_SLUG[info["dimension"]],
                kind=info["kind"],
                scale=info["scale"],
                reverse=info["reverse"],
                order=info["order"],
                **figures,
            )
        )
    return sorted(found, key=lambda s: (_DIMENSION_ORDER[s.dimension.slug], s.order))


def _driver(statements: list[StatementFigure]) -> StatementFigure | None:
    shown = [s for s in statements if s.concern is not None]
    return max(shown, key=lambda s: cast(int, s.concern)) if shown else None


def _cell(
    period: Period, stored: dict | None, minimum: int, share_minimum: int, texts: dict[str, dict] | None = None
) -> Cell:
    """A page's cell from the published figures. A team that had no figures then (it is newer) is hidden."""
    if stored is None or stored["hidden"] is not None:
        reason = NOT_PUBLISHED if stored is None else stored["hidden"]
        return Cell(period, None, reason_text(reason, minimum=minimum), _hidden_figures(reason, minimum))
    return Cell(
        period,
        stored["people"],
        None,
        {d.slug: _figures(d, stored["dims"].get(d.slug), minimum, share_minimum) for d in DIMENSIONS},
        members=stored.get("members"),
        obstacles=_got_in_the_way(stored.get("obstacles"), share_minimum),
        stored_statements=stored.get("statements", {}),
        statement_texts=texts or {},
        share_minimum=share_minimum,
    )


def _with_changes(cells: list[Cell]) -> None:
    """Change since the previous period, where both periods are shown, and whether it is larger than chance."""
    for before, cell in zip(cells, cells[1:], strict=False):
        for slug, now in cell.dimensions.items():
            then = before.dimensions[slug]
            if now.is_shown and then.is_shown:
                # A shown figure has its mean, and the cell it is in its number of people.
                change = round(cast(float, now.mean) - cast(float, then.mean), 1)
                real = is_real_change(change, people_before=cast(int, before.people), people_now=cast(int, cell.people))
                cell.dimensions[slug] = replace(now, change=change, change_is_real=real)


@dataclass
class ServiceFigures:
    """Every team of a service and the service as a whole over the trend periods, as published.

    Cells are built only when a page asks for them, each once.
    """

    service: Service
    teams: list[PublishedTeam]  # as published for the newest period of the trend
    periods: list[Period]
    published: dict[Period, dict]
    _cells: dict[tuple[int | None, Period], Cell] = field(default_factory=dict)
    _with_change: set[tuple[int | None, Period]] = field(default_factory=set)

    def trend(self, team_id: int | None) -> list[Cell]:
        return [self.cell(team_id, p) for p in self.periods]

    def cell(self, team_id: int | None, period: Period | None = None) -> Cell:
        """One cell with each dimension's change since the period before. The change needs only the means of the
        period before, so that cell is not asked for its own change (a team's newest cell builds two, not twelve)."""
        period = period or self.periods[-1]
        cell = self._published_cell(team_id, period)
        if (team_id, period) not in self._with_change:
            self._with_change.add((team_id, period))
            if period != self.periods[0]:
                _with_changes([self._published_cell(team_id, period.previous()), cell])
        return cell

    def _published_cell(self, team_id: int | None, period: Period) -> Cell:
        key = (team_id, period)
        if key not in self._cells:
            self._cells[key] = self._build(team_id, period)
        return self._cells[key]

    def _build(self, team_id: int | None, period: Period) -> Cell:
        published = self.published[period]
        if published.get("expired"):
            cell = Cell(period, None, reason_text(PAST_RETENTION), _hidden_figures(PAST_RETENTION))
        else:
            stored = published["cells"].get(SERVICE if team_id is None else str(team_id))
            cell = _cell(
                period,
                stored,
                published["min_group_size"],
                published["share_min_group_size"],
                published.get("statements", {}),
            )
        return cell

    def teams_to_look_at(self, period: Period | None = None) -> list[tuple[PublishedTeam, list[DimensionFigures]]]:
        """Each team with a figure at its concerning end, with those figures, the team with most of them first: what
        the service summary and a service lead's home page name first."""
        looks = [(t, [f for f in self.cell(t.pk, period).ordered if f.needs_attention]) for t in self.teams]
        return sorted([(t, flagged) for t, flagged in looks if flagged], key=lambda look: (-len(look[1]), look[0].name))

    def voice(self, action_id: int, period: Period | None = None) -> VoiceFigures:
        """The team's voice on one action in one period, as published."""
        return voice_figures(voices_published(self.published[period or self.periods[-1]]), action_id)


@dataclass(frozen=True)
class VoiceFigures(MayBeWithheld):
    """How many of the team said an action made a difference, in one period; or why it is not shown."""

    answered: int | None = None
    yes: int | None = None
    not_yet: int | None = None
    no: int | None = None
    hidden: str | None = None
    reason: str | None = None


def voices_published(published: dict) -> dict:
    """What a period published of the team's voice on actions: all a page needs to say it, kept beside a stored part
    (assessments/leads/parts.py), since which actions a page lists is read afresh on every visit."""
    return {"voices": published.get("voices", {}), "share_min_group_size": published.get("share_min_group_size")}


def _voice_hidden(stored: dict | None) -> str | None:
    """Why the team's voice on an action is hidden (the rule's key), or None if it is shown."""
    return VOICES_TOO_FEW if stored is None else stored["hidden"]


def voice_figures(voices: dict, action_id: int) -> VoiceFigures:
    """The team's voice on one action, from what a period published of the voices (`voices_published`)."""
    stored = voices["voices"].get(str(action_id))
    reason = _voice_hidden(stored)
    if reason is not None:
        return VoiceFigures(hidden=reason_text(reason, minimum=voices["share_min_group_size"]), reason=reason)
    assert stored is not None
    return VoiceFigures(answered=stored["answered"], yes=stored["yes"], not_yet=stored["not_yet"], no=stored["no"])


def voice_withheld(voices: dict, action_id: int) -> bool:
    """Whether the publication auditor withheld the team's voice on one action: `voice_figures(...).withheld`,
    without putting the figures (or why they are hidden) into words."""
    return _voice_hidden(voices["voices"].get(str(action_id))) == WOULD_IDENTIFY


def service_figures(service: Service, period: Period) -> ServiceFigures:
    """One query once the trend's periods are published (see publication.py)."""
    periods = trend_periods(period)
    published = published_periods(service, periods)
    teams = [PublishedTeam(pk, name) for pk, name in published[periods[-1]]["teams"]]
    return ServiceFigures(service=service, teams=teams, periods=periods, published=published)


@dataclass(frozen=True)
class ActionProgress:
    action: TeamAction
    since: list[DimensionFigures]  # the dimension's figures in each trend period from the action's start
    periods: list[Period]
    voices: list[VoiceFigures]  # the team's voice on the action in each of those periods

    @property
    def rows(self) -> list[tuple[Period, DimensionFigures, VoiceFigures]]:
        """Each period since the action started, with the figures and the team's voice then."""
        return list(zip(self.periods, self.since, self.voices, strict=True))

    @property
    def voice(self) -> VoiceFigures | None:
        """The team's voice in the page's period, if the action had started by then."""
        return self.voices[-1] if self.voices else None

    @property
    def withholds(self) -> bool:
        """Whether the publication auditor withheld any figure of its periods: a mean, or the team's voice."""
        return any(f.withheld for f in [*self.since, *self.voices])


def action_progress(
    figures: ServiceFigures, actions: Iterable[TeamAction], team: Team | None = None
) -> list[ActionProgress]:
    """Each action with its dimension's figures since it started: `team`'s when given (a team's page shows how a
    service's action goes for that team), else the action's own team's, or the whole service's."""
    result = []
    for action in actions:
        key = team.pk if team is not None else action.team_id
        start = period_of(action.starts_on, figures.periods[0].kind)
        periods = [p for p in figures.periods if p >= start]
        since = [figures.cell(key, p).dimensions[action.dimension] for p in periods]
        voices = [figures.voice(action.pk, p) for p in periods]
        result.append(ActionProgress(action=action, since=since, periods=periods, voices=voices))
    return result


# --- what a page shows, as rows: the page's full table and its CSV are both built from this ---

EXPORT_HEADER = [
    "scope",
    "period",
    "dimension",
    "people",
    "members",
    "mean",
    "low_share",
    "middle_share",
    "high_share",
    "note",
]


MEAN_COLUMN = EXPORT_HEADER.index("mean")


@dataclass(frozen=True)
class FigureRow:
    """One dimension's figures for one scope and period: a row of the CSV and of the page's table of every figure."""

    values: list[str]  # as the CSV has them: hidden figures blank, with the reason in the note
    figure: DimensionFigures

    @property
    def withheld(self) -> bool:
        return self.figure.withheld

    @property
    def on_page(self) -> Sequence[str | None]:
        """The row as the page's table shows it. A figure the auditor withheld is None (a dash) with no note: the page
        says why once, for all of them. Every other row is the CSV's."""
        if not self.withheld:
            return self.values
        return [*self.values[:MEAN_COLUMN], None, *[""] * (len(self.values) - MEAN_COLUMN - 1)]


def figure_rows(figures: ServiceFigures, scopes: list[tuple[str, int | None, list[Period]]]) -> list[FigureRow]:
    """One row per (scope, period, dimension). Hidden cells have blank figures and the reason."""
    rows = []
    names = {d.slug: str(d.name) for d in DIMENSIONS}  # translated once, not once per row
    for scope_name, key, periods in scopes:
        for p in periods:
            cell = figures.cell(key, p)
            people = "" if cell.people is None else str(cell.people)
            members = "" if cell.members is None else str(cell.members)
            for f in cell.ordered:
                if f.shares_shown:
                    values = [people, members, f"{f.mean:.1f}", str(f.low), str(f.middle), str(f.high), ""]
                elif f.is_shown:
                    values = [people, members, f"{f.mean:.1f}", "", "", "", f.shares_hidden or ""]
                else:
                    values = [people, members, "", "", "", "", f.hidden or ""]
                rows.append(FigureRow([scope_name, p.key, names[f.dimension.slug], *values], f))
    return rows


def export_rows(figures: ServiceFigures, scopes: list[tuple[str, int | None, list[Period]]]) -> list[list[str]]:
    """The CSV's rows: hidden figures blank, each with its reason in the note."""
    return [row.values for row in figure_rows(figures, scopes)]


def summary_withholds(cell: Cell, rows: Iterable[FigureRow], progress: Iterable[ActionProgress]) -> bool:
    """Whether a summary page shows any figure the publication auditor withheld, so that it says why, once. Its table
    of every figure (`rows`) holds every mean the page shows: its own, the one it is compared with, the trend's and
    each team's; beside them are its own cell's statements and what got in the way, and the team's voice on each
    action in the page's period."""
    return (
        cell.withholds
        or any(row.withheld for row in rows)
        or any(p.voice is not None and p.voice.withheld for p in progress)
    )


STATEMENT_HEADER = [
    "scope",
    "period",
    "dimension",
    "code",
    "statement",
    "answered",
    "answer_1",
    "answer_2",
    "answer_3",
    "answer_4",
    "answer_5",
    "note",
]


def statement_export_rows(figures: ServiceFigures, scopes: list[tuple[str, int | None, list[Period]]]) -> list[list]:
    """One row per (scope, period, statement): its own n and the share at each answer (1 to 5), or why hidden."""
    rows = []
    names = {d.slug: str(d.name) for d in DIMENSIONS}
    for scope_name, key, periods in scopes:
        for p in periods:
            for s in figures.cell(key, p).statements:
                start = [scope_name, p.key, names[s.dimension.slug], s.code, s.text]
                if s.is_shown:
                    rows.append([*start, str(s.n), *(str(share) for share in s.shares), ""])
                else:
                    rows.append([*start, "", "", "", "", "", "", s.hidden or ""])
    return rows


OBSTACLE_HEADER = ["scope", "period", "code", "obstacle", "named_by", "people", "share", "note"]


def obstacle_export_rows(figures: ServiceFigures, scopes: list[tuple[str, int | None, list[Period]]]) -> list[list]:
    """One row per (scope, period, obstacle): how many of the people who said what got in the way named it, of how
    many, and the share; or blank figures and why they are hidden."""
    rows = []
    for scope_name, key, periods in scopes:
        for p in periods:
            found = figures.cell(key, p).obstacles
            if found is None:
                continue
            if not found.is_shown:
                rows += [[scope_name, p.key, o.key, str(o.counted), "", "", "", found.hidden] for o in OBSTACLES]
                continue
            for c in found.counts:
                rows.append(
                    [scope_name, p.key, c.obstacle.key, c.words, str(c.named_by), str(found.people), str(c.share), ""]
                )
    return rows
