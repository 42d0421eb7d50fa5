"""One period's figures for a service and each of its teams, assembled from counts: what publication stores.

No query here: publication.py reads the counts in one snapshot and calls `period_figures`. First the minimum group
sizes (core/anonymity.py: head counts, means, shares, each statement, what got in the way, with complementary
suppression), then the auditor (core/disclosure.py), which decides over every figure together and withholds more
where they would let someone's answers be worked out. Only what survives is stored.

A systemic dimension's mean is taken over the same answers as the statement figures beside it (every answer its
statements were given, turned round where reverse-keyed), so the mean and the statements together say no more than
the statements alone: a person who left one statement blank no longer stands out of the difference.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

from assessments.core.anonymity import (
    SHARES_PROTECT_ANOTHER,
    SHARES_TOO_FEW,
    VOICES_TOO_FEW,
    Suppression,
    min_group_size,
    share,
    share_min_group_size,
    suppress,
)
from assessments.core.disclosure import (
    BLANK,
    WOULD_IDENTIFY,
    Group,
    TeamFacet,
    answer_step,
    audit_facet,
    voice_isolates,
)
from assessments.core.framework import DIMENSIONS, Dimension, StatementKind
from assessments.core.obstacles import OBSTACLES, obstacle_figures
from assessments.core.scoring import keyed, to_profile_scale
from assessments.core.statements import statement_figures
from assessments.figures.obstacle_counts import obstacle_counts
from assessments.figures.statement_counts import Shape, across_question_sets

SERVICE = "service"  # the key of the whole service's cell; teams are keyed by their id as a string
# The answers a voice can be.
VOICE_ANSWERS = ("yes", "not_yet", "no")


@dataclass
class PeriodCounts:
    """Everything publication counted of one period, over the people who count (publication.counting_entries)."""

    rows: dict[int, dict]  # team id -> the grouped sums (people, and n / sum / low / high of each dimension)
    members: dict[int | str, int] = field(default_factory=dict)  # team id or SERVICE -> who could have taken part
    voices: list[dict] = field(default_factory=list)  # per action: its team, answered, yes, not_yet, no
    statements: dict = field(default_factory=dict)  # team -> question set -> code -> answer -> people
    obstacles: dict[int, Counter] = field(default_factory=dict)  # team -> set of obstacles named -> people
    scores: dict = field(default_factory=dict)  # team -> question set -> dimension -> score -> people
    # team -> question set -> systemic dimension -> keyed answers -> people; read only for the teams that need it
    vectors: dict = field(default_factory=dict)


def _cell(
    row: dict,
    hidden: str | None,
    dim_hidden: dict[str, str | None],
    shares_hidden: dict,
    members: int,
    pooled: dict[str, tuple[int, int]],
) -> dict:
    """What may be shown of one team (or the service) in one period. Hidden cells keep no figures at all, not even
    how many members could have taken part."""
    if hidden is not None:
        return {"people": None, "hidden": hidden, "dims": {}}
    dims = {}
    for d in DIMENSIONS:
        n = row[f"n_{d.slug}"]
        if dim_hidden[d.slug] is not None:
            dims[d.slug] = {"hidden": dim_hidden[d.slug]}
            continue
        figure = {"mean": round(row[f"sum_{d.slug}"] / n, 1), "hidden": None, "shares_hidden": shares_hidden[d.slug]}
        keyed_sum, answers = pooled.get(d.slug, (0, 0))
        if d.is_systemic and answers:
            figure.update(mean=round(to_profile_scale(keyed_sum / answers), 1), basis="answers")
        if shares_hidden[d.slug] is None:
            low, high = row[f"low_{d.slug}"], row[f"high_{d.slug}"]
            figure.update(low=share(low, n), middle=share(n - low - high, n), high=share(high, n))
        dims[d.slug] = figure
    return {"people": row["people"], "members": members, "hidden": None, "dims": dims}


def _pooled(by_code: dict[str, dict[int, int]], texts: dict[str, dict]) -> dict[str, tuple[int, int]]:
    """Per systemic dimension: the sum of every answer its statements were given (keyed) and how many there were."""
    pooled: dict[str, tuple[int, int]] = {}
    for code, by_value in by_code.items():
        info = texts.get(code)
        if info is None or info["kind"] != StatementKind.SCORED:
            continue
        total, count = pooled.get(info["dimension"], (0, 0))
        for value, people in by_value.items():
            total += keyed(value, reverse=info["reverse"]) * people
            count += people
        pooled[info["dimension"]] = (total, count)
    return pooled


def _added(rows: Iterable[dict]) -> dict:
    total = empty_row()
    for row in rows:
        for key in total:
            total[key] += row[key] or 0
    return total


def empty_row() -> dict:
    row: dict[str, float] = {"people": 0}
    for d in DIMENSIONS:
        row.update({f"n_{d.slug}": 0, f"sum_{d.slug}": 0.0, f"low_{d.slug}": 0, f"high_{d.slug}": 0})
    return row


def _voices(rows: Iterable[dict], members: dict[int | str, int]) -> dict[str, dict]:
    """What may be shown of each action's voice: counts only where enough people answered, and never where one
    answer (not answering included) is held by all the people who could answer but one."""
    shown: dict[str, dict] = {}
    for row in rows:
        could_answer = members.get(row["team_id"] if row["team_id"] is not None else SERVICE, 0)
        answered = {answer: row[answer] for answer in VOICE_ANSWERS}
        if row["answered"] < share_min_group_size():
            shown[str(row["action_id"])] = {"hidden": VOICES_TOO_FEW}
        elif voice_isolates(members=could_answer, answered=answered):
            shown[str(row["action_id"])] = {"hidden": WOULD_IDENTIFY}
        else:
            shown[str(row["action_id"])] = {"hidden": None, "answered": row["answered"], **answered}
    return shown


# --- the auditor's view of the counts: one Group per team and shape, for each facet ---


def _people_by_set(counts: PeriodCounts, team: int) -> dict[Hashable, int]:
    """How many people who count in the team answered each question set."""
    return {
        set_id: sum(next(iter(by_dimension.values()), Counter()).values())
        for set_id, by_dimension in counts.scores.get(team, {}).items()
    }


def _answers(counts: PeriodCounts, team: int, set_id, code: str, people: int) -> Counter:
    given = Counter(counts.statements.get(team, {}).get(set_id, {}).get(code, {}))
    given[BLANK] = people - sum(given.values())
    return given


def _visible(cells: dict[str, dict], team: int, **where) -> bool:
    """Whether the reader can count something of the team: the team shows it, or the service does (its counts then
    reach the team's only added to others', and counting them as the team's own is the safe side)."""
    return _shows(cells[str(team)], **where) or _shows(cells[SERVICE], **where)


def _shares_visible(cells: dict[str, dict], team: int, dimension: str) -> bool:
    def shown(cell: dict) -> bool:
        figure = cell["dims"].get(dimension, {}) if cell["hidden"] is None else {}
        return figure.get("hidden", "") is None and figure.get("shares_hidden", "") is None

    return shown(cells[str(team)]) or shown(cells[SERVICE])


def _dimension_facet(counts: PeriodCounts, team: int, d: Dimension, shapes: dict, cells: dict) -> TeamFacet:
    facet: dict[Hashable, Group] = {}
    for set_id, people in _people_by_set(counts, team).items():
        asked = shapes[set_id].scored.get(d.slug, ()) if set_id in shapes else ()
        # Only a systemic dimension's statements are figures of their own; an individual one's stay private.
        visible = [c for c in asked if d.is_systemic and _visible(cells, team, codes=[c])]
        vectors = counts.vectors.get(team, {}).get(set_id, {}).get(d.slug) if d.is_systemic else None
        if vectors is not None:
            vectors = Counter(vectors)
            if blank := people - sum(vectors.values()):
                vectors[(None,) * len(asked)] += blank  # left all of them blank, so passed none of them on
        group = Group(
            people=people,
            scores=Counter(counts.scores[team][set_id].get(d.slug, {})),
            step=answer_step(len(asked) or 1),
            bands_visible=_shares_visible(cells, team, d.slug),
            transfers=not visible,
            pooled=d.is_systemic,
            answers={code: _answers(counts, team, set_id, code, people) for code in visible},
            vectors=vectors,
        )
        facet[asked] = facet[asked] + group if asked in facet else group
    return facet


def _statement_facet(counts: PeriodCounts, team: int, code: str, shapes: dict, cells: dict) -> TeamFacet:
    """A statement shown on its own: everyone asked it is one group, whichever question set asked them."""
    if not _visible(cells, team, codes=[code]):
        return {}
    groups = [
        Group(people=people, answers={code: _answers(counts, team, set_id, code, people)})
        for set_id, people in _people_by_set(counts, team).items()
        if set_id in shapes and code in shapes[set_id].apart
    ]
    return {"asked": sum(groups[1:], groups[0])} if groups else {}


def _obstacles_facet(counts: PeriodCounts, team: int, cells: dict) -> TeamFacet:
    people = sum(_people_by_set(counts, team).values())
    if not _visible(cells, team, obstacles=True):
        return {}
    sets = counts.obstacles.get(team, Counter())
    values = Counter(sets)
    values[BLANK] = people - sum(sets.values())
    named = obstacle_counts(sets)
    marks = Counter({o.key: named[o.key] for o in OBSTACLES})
    return {"everyone": Group(people=people, values=values, marks=marks)}


def _shows(cell: dict, dimension: str | None = None, codes: Iterable[str] = (), obstacles: bool = False) -> bool:
    """Whether a cell shows any figure of a facet: a dimension's figure, one of these statements, or obstacles."""
    if cell["hidden"] is not None:
        return False
    if dimension is not None and cell["dims"][dimension]["hidden"] is None:
        return True
    if obstacles and cell.get("obstacles", {}).get("hidden", "") is None:
        return True
    return any(cell.get("statements", {}).get(code, {}).get("hidden", "") is None for code in codes)


def _withhold(cell: dict, dimension: str | None = None, codes: Iterable[str] = (), obstacles: bool = False) -> None:
    if cell["hidden"] is not None:
        return
    if dimension is not None:
        cell["dims"][dimension] = {"hidden": WOULD_IDENTIFY}
    for code in codes:
        if code in cell.get("statements", {}):
            cell["statements"][code] = {"hidden": WOULD_IDENTIFY}
    if obstacles and "obstacles" in cell:
        cell["obstacles"] = {"hidden": WOULD_IDENTIFY}


def _asked(counts: PeriodCounts, teams: list[int], shapes: dict) -> set[str]:
    """The statements leads may see that somebody counting in these teams was asked (by their question set)."""
    asked: set[str] = set()
    for team in teams:
        for set_id in _people_by_set(counts, team):
            if (shape := shapes.get(set_id)) is not None:
                asked |= shape.apart
                asked |= {c for d in DIMENSIONS if d.is_systemic for c in shape.scored.get(d.slug, ())}
    return asked


def _with_unanswered(figures: dict[str, dict], asked: set[str]) -> dict[str, dict]:
    """A statement that people were asked and nobody answered is there, hidden as too few: left out, its absence
    would say that every one of them left it blank."""
    return {**{code: {"hidden": SHARES_TOO_FEW} for code in asked if code not in figures}, **figures}


def _audit(teams: list[int], cells: dict[str, dict], counts: PeriodCounts, shapes: dict, texts: dict) -> dict:
    """Withhold, in the cells, whatever would let someone's answers be worked out. Returns the auditor's report:
    per facet, which teams (or the service, key None) were withheld and the rule each failed. Never stored."""
    people: dict[Hashable, int] = {t: counts.rows[t]["people"] for t in teams}
    facets: list[tuple[str, dict[str, Any], dict]] = []
    for d in DIMENSIONS:
        codes = [c for c, info in texts.items() if info["dimension"] == d.slug and info["kind"] == StatementKind.SCORED]
        where: dict[str, Any] = {"dimension": d.slug, "codes": codes}
        facets.append((d.slug, where, {t: _dimension_facet(counts, t, d, shapes, cells) for t in teams}))
    for code in sorted({code for shape in shapes.values() for code in shape.apart}):
        facets.append((code, {"codes": [code]}, {t: _statement_facet(counts, t, code, shapes, cells) for t in teams}))
    facets.append(("obstacles", {"obstacles": True}, {t: _obstacles_facet(counts, t, cells) for t in teams}))

    report = {}
    for name, where, by_team in facets:
        verdict = audit_facet(
            by_team,
            shown=[t for t in teams if _shows(cells[str(t)], **where)],
            total_shown=_shows(cells[SERVICE], **where),
            people=people,
        )
        for team in verdict.hidden:
            _withhold(cells[str(team)], **where)
        if verdict.total_hidden is not None:
            _withhold(cells[SERVICE], **where)
        if verdict.why:
            report[name] = verdict.why
    return report


def period_figures(
    teams: list[tuple[int, str]], counts: PeriodCounts, texts: dict[str, dict], shapes: dict[int | None, Shape]
) -> tuple[dict, dict]:
    """Suppression decided once for every team and the service, and the figures that survive it, with the
    auditor's report (what it withheld and why: for logs and tests, never stored with the figures)."""
    ids = [pk for pk, _name in teams]
    rows = counts.rows
    people: dict[Hashable, int] = {t: rows[t]["people"] for t in ids}
    head = suppress(people)
    means: dict[str, Suppression] = {}
    shares: dict[str, Suppression] = {}
    for d in DIMENSIONS:
        n: dict[Hashable, int] = {t: rows[t][f"n_{d.slug}"] for t in ids}
        means[d.slug] = suppress(n, forced=head.hidden, total_forced=head.total_hidden)
        shares[d.slug] = suppress(
            n,
            forced=means[d.slug].hidden,
            total_forced=means[d.slug].total_hidden,
            minimum=share_min_group_size(),
            reasons=(SHARES_TOO_FEW, SHARES_PROTECT_ANOTHER),
        )
    said = across_question_sets(counts.statements)
    pooled = {t: _pooled(said.get(t, {}), texts) for t in ids}
    cells = {
        str(t): _cell(
            rows[t],
            head.hidden.get(t),
            {slug: s.hidden.get(t) for slug, s in means.items()},
            {slug: s.hidden.get(t) for slug, s in shares.items()},
            counts.members.get(t, 0),
            pooled[t],
        )
        for t in ids
    }
    whole: dict[str, tuple[int, int]] = {}
    for by_dimension in pooled.values():
        for slug, (total, count) in by_dimension.items():
            whole[slug] = (whole.get(slug, (0, 0))[0] + total, whole.get(slug, (0, 0))[1] + count)
    cells[SERVICE] = _cell(
        _added(rows[t] for t in ids),
        head.total_hidden,
        {slug: s.total_hidden for slug, s in means.items()},
        {slug: s.total_hidden for slug, s in shares.items()},
        counts.members.get(SERVICE, 0),
        whole,
    )
    # Each statement leads may see, with its own n, hidden and complemented like the dimensions' shares.
    decided = statement_figures({t: said.get(t, {}) for t in ids}, forced=head.hidden, total_forced=head.total_hidden)
    for t in ids:
        if cells[str(t)]["hidden"] is None:
            cells[str(t)]["statements"] = _with_unanswered(decided.teams[t], _asked(counts, [t], shapes))
    if cells[SERVICE]["hidden"] is None:
        cells[SERVICE]["statements"] = _with_unanswered(decided.service, _asked(counts, ids, shapes))
    # What got in the way of the moves people chose: one figure per cell, decided like the statements' shares.
    got_in_the_way = obstacle_figures(
        {t: obstacle_counts(counts.obstacles.get(t, Counter())) for t in ids},
        forced=head.hidden,
        total_forced=head.total_hidden,
    )
    for key, figure in [*((str(t), got_in_the_way.teams[t]) for t in ids), (SERVICE, got_in_the_way.service)]:
        if cells[key]["hidden"] is None:
            cells[key]["obstacles"] = figure
    codes = {code for cell in cells.values() for code in cell.get("statements", {})}
    shown_texts = {code: info for code, info in texts.items() if code in codes}
    report = _audit(ids, cells, counts, shapes, shown_texts)
    figures = {
        "min_group_size": min_group_size(),
        "share_min_group_size": share_min_group_size(),
        "teams": [[pk, name] for pk, name in teams],
        "cells": cells,
        "voices": _voices(counts.voices, counts.members),
        "statements": shown_texts,
    }
    return figures, report
