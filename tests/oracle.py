"""An oracle for the tests: is there a second world, consistent with everything a lead can read, in which one
person's score, band or answer is different? If there is none, that figure of theirs is determined: a leak.

It is written from the rules of what is published (docs and ../shared/MODEL.md), never from the app's suppression
code, so that it can judge that code. Given the truth of one period in one service (each participant's team, their
question set's statements and their answers, and what got in the way of their moves) and the figures published for
it (`PublishedPeriod.figures`), it asks CP-SAT for another assignment of answers to the people the reader does not
know that reproduces every shown figure exactly as the app rounds it, and in which the person's figure differs:

- score:  their score in a dimension is more than one answer step (25 / the statements they answered in it) from
          the truth, or they have no score where they had one (or one where they had none);
- band:   their band (low < 40, middle, high >= 60, or no score) is another;
- answer: their answer to a statement leads see (a systemic one, a frequency, the intention to leave) is another,
          a blank included;
- obstacle: that they named an obstacle as what got in the way of a move (for each obstacle they named; that they
          did not name one that nobody named is not protected, and the privacy model says so).

The reader is stronger than a real one: they know who took part, in which team, on which question set (so a person
alone on an older set is told apart), and the answers of the people in `known` (their colleague(s); a reader's own
check-ins never count in figures they read). With `skips_known` they also know who left which statement blank.
Everything else about the others (values, blanks, whether they said what got in the way) is free.

What each figure pins, and how its rounding is reproduced:
- a share is `round(100 * count / n)`: Python's round, half to even; an exact half is exactly representable, so the
  allowed counts are exactly those of `share_counts` (linear in count and n, so n may itself be unknown);
- a mean of scores (no `basis`) is `round(sum / n, 1)` over the people with a score, each score rounded to 0.1 first
  (`person_score`, the rule evaluated as the app writes it) and the band read from that rounded score;
- a mean with `"basis": "answers"` is 25 * (mean answer - 1) over every answer (keyed) to the dimension's statements
  of the people who count in the cell;
- both means come from sums of floats, so a mean exactly on a .x5 boundary can fall either way in the app: there
  both neighbours are allowed (a world more, never less; the only place the oracle is not exact, and on the side of
  finding no leak rather than a false one);
- a statement's n is exact, and a statement missing from a shown team means nobody in it answered it;
- what got in the way: the number of people who said and how many named each obstacle are exact;
- a hidden figure's reason is read too: "too few" bounds the count from above, "protects another" from below;
- head counts and members depend on nobody's answers here (who took part is fixed);
- the service cell is the sum of every team of the service, shown or hidden.

Facets: each figure depends on the answers to one dimension's scored statements (its mean and shares, and the
shares of its published statements), on one standalone statement (a frequency, the intention to leave), or on what
got in the way, never on two of them; and the people and their teams are fixed. So the worlds consistent with the
figures are exactly the products of the worlds consistent with each facet's figures, and a person's figure in one
facet can differ in a whole consistent world if and only if it can in a world of that facet alone. Solving one facet
at a time is therefore exact, not an approximation, and each facet's model is small.

The search, per facet: the truth is the first consistent world, and swapping two interchangeable people (same team,
same question set, both unknown to the reader, and with `skips_known` the same blanks) gives another, so a figure of
a person is already undetermined if anyone interchangeable with them is in a state that differs. What that leaves
is asked of CP-SAT, all at once ("a world in which at least one of these differs"), until a world explains them all
or none is left: what remains is determined. Every constraint is something the reader sees (or the stronger reader
above knows), so a leak the oracle reports is real for that reader; the only place it allows more than the app would
show is a mean at an exact tie. If the truth itself does not reproduce the figures, it raises OracleError rather
than give verdicts about another world; if CP-SAT gives up, likewise.

Not modelled: the team's voice on actions, and the response rate (who took part is fixed).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

from ortools.sat.python import cp_model

from assessments.core.framework import DIMENSIONS
from assessments.core.periods import latest_shown_period
from tests.conftest import people_in, shown_moment, submit_checkin

SERVICE = "service"  # the service's cell in the figures; teams are keyed by their id as a string
SCALE = (1, 2, 3, 4, 5)
BLANK = 0
SCORED = "scored"
STANDALONE_KINDS = ("frequency", "intention")  # leads see these as figures of their own
OBSTACLES = "obstacles"
OBSTACLE_KEYS = ("no_time", "diary_full", "not_allowed", "forgot", "other")
LOW_BELOW, HIGH_FROM = 400, 600  # band edges, in tenths of a point
# Why a figure is hidden, as the figures say it.
TOO_FEW, PROTECTS_ANOTHER = "too_few", "protects_another"
SHARES_TOO_FEW, SHARES_PROTECT_ANOTHER = "shares_too_few", "shares_protect_another"


# --- the truth ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Statement:
    code: str
    dimension: str
    kind: str = SCORED  # scored, frequency, wellbeing or intention
    reverse: bool = False
    published: bool = False  # whether leads see it as a team figure (a systemic one, a frequency, intention)


@dataclass(frozen=True)
class Person:
    """One participant of the period: who they are, their team (its id as a string), the statements of their question
    set, their answers (code -> 1..5; a code missing or None is a blank) and what got in the way of their moves
    (the obstacle keys they named; None when they said nothing)."""

    key: Hashable
    team: str
    statements: tuple[Statement, ...]
    answers: Mapping[str, int | None] = field(default_factory=dict)
    obstacles: frozenset[str] | None = None

    def answer(self, code: str) -> int:
        return self.answers.get(code) or BLANK


@dataclass(frozen=True, order=True)
class Leak:
    """A figure of one person's that no consistent world changes. `what` is "score", "band", "answer:<code>" or
    "obstacle:<key>"; `facet` a dimension's slug, a standalone statement's code, or "obstacles"."""

    person: Hashable
    facet: str
    what: str


# --- the rules of rounding, in Python, for the tests of them --------------------------------------------------


def keyed(value: int, reverse: bool) -> int:
    return 6 - value if reverse and value else value


def share_counts(share: int, n: int) -> set[int]:
    """The counts out of n that show as `share` per cent: round(100 * count / n) == share, half to even."""
    return {c for c in range(n + 1) if _share_holds(share, c, n)}


def _share_holds(share: int, count: int, n: int) -> bool:
    low, high = n * (2 * share - 1), n * (2 * share + 1)  # 200 * count must lie between these
    if share % 2:
        return low < 200 * count < high
    return low <= 200 * count <= high


def person_score(answered: int, keyed_sum: int, statements: int) -> int | None:
    """A dimension's score in tenths of a point as the app stores it: the mean answer mapped onto 0-100 and rounded
    to 0.1, and only when at least half of the dimension's statements were answered."""
    if answered == 0 or 2 * answered < statements:
        return None
    return round(round((keyed_sum / answered - 1) / 4 * 100, 1) * 10)


def score_mean_sums(mean: float, n: int) -> range:
    """The sums of n scores (in tenths) whose mean shows as `mean` (round(sum / n, 1)), both neighbours at a tie."""
    tenths = round(mean * 10)
    return range(-((-n * (2 * tenths - 1)) // 2), n * (2 * tenths + 1) // 2 + 1)


def answer_mean_sums(mean: float, answers: int) -> range:
    """The sums of `answers` keyed answers whose mean shows as `mean` (25 * (mean answer - 1) rounded to 0.1), both
    neighbours at a tie."""
    tenths = round(mean * 10)
    low = answers + Fraction(answers * (10 * tenths - 5), 2500)
    high = answers + Fraction(answers * (10 * tenths + 5), 2500)
    return range(-((-low.numerator) // low.denominator), high.numerator // high.denominator + 1)


def band(tenths: int | None) -> str | None:
    if tenths is None:
        return None
    return "low" if tenths < LOW_BELOW else "high" if tenths >= HIGH_FROM else "middle"


# --- the oracle --------------------------------------------------------------------------------------------------


class OracleError(Exception):
    """The truth and the figures do not fit together: the oracle models something the app does not (or was given
    the figures of another world), so its verdicts would mean nothing."""


class Oracle:
    def __init__(
        self,
        truth: Sequence[Person],
        figures: Mapping,
        known: Hashable | Iterable[Hashable] | None = None,
        *,
        skips_known: bool = False,
        time_limit: float = 60.0,
    ):
        self.people = list(truth)
        self.figures = figures
        self.cells: Mapping[str, Mapping] = figures.get("cells", {})
        self.minimum = figures.get("min_group_size", 0)
        self.share_minimum = figures.get("share_min_group_size", 0)
        if known is None:
            self.known = frozenset()
        elif isinstance(known, str | int) or not isinstance(known, Iterable):
            self.known = frozenset([known])
        else:
            self.known = frozenset(known)
        self.skips_known = skips_known
        self.time_limit = time_limit
        for key, cell in self.cells.items():
            if cell.get("hidden") is None and cell.get("people") != len(self.in_cell(key)):
                raise OracleError(
                    f"cell {key} shows {cell.get('people')} people, the truth has {len(self.in_cell(key))}"
                )

    def in_cell(self, key: str) -> list[Person]:
        return self.people if key == SERVICE else [p for p in self.people if p.team == key]

    def facets(self) -> list[str]:
        dims = {s.dimension for p in self.people for s in p.statements if s.kind == SCORED}
        standalone = {s.code for p in self.people for s in p.statements if s.kind in STANDALONE_KINDS}
        return [*sorted(dims), *sorted(standalone), OBSTACLES]

    def leaks(self) -> list[Leak]:
        """Every (person, facet, what) of the people the reader does not know that no consistent world changes."""
        found: list[Leak] = []
        for facet in self.facets():
            found += self.facet_leaks(facet)
        return sorted(found, key=lambda leak: (str(leak.person), leak.facet, leak.what))

    def facet_leaks(self, facet: str) -> list[Leak]:
        """One facet. Each solve looks for a world in which at least one figure still unexplained differs; a figure of
        a person is explained by a world if it differs there for them or for anyone interchangeable with them (same
        team, same question set, unknown to the reader, and with `skips_known` the same blanks): swapping the two is
        another world with the same figures. The truth is the first such world. When none is left, what remains is
        determined."""
        built = _Facet(self, facet)
        built.check_truth_fits()
        remaining = {t for t in built.targets if not built.explains(None, t)}
        while remaining:
            world = built.solve([built.targets[t] for t in remaining if built.targets[t] is not None])
            if world is None:
                break
            remaining = {t for t in remaining if not built.explains(world, t)}
        return [Leak(person, facet, what) for person, what in sorted(remaining, key=str)]

    def witness(self, person: Hashable, facet: str, what: str) -> dict[Hashable, object] | None:
        """A world consistent with the figures in which `what` of `person` differs, or None when there is none: per
        unknown person their answers in the facet (code -> value, None for a blank), or for "obstacles" the set of
        obstacles they named (None when they said nothing)."""
        built = _Facet(self, facet)
        literal = built.targets[(person, what)]
        world = None if literal is None else built.solve([literal])
        return None if world is None else built.read(world, (person, what))


# Per person, a facet is a state: for a dimension (answered, keyed sum), or their answers (code -> value) where the
# dimension's statements are shown one by one; a standalone statement's value; the set of obstacles named (or None).
# Each figure of a cell is a sum over its people of one "feature" of their state.


class _Facet:
    """The CP-SAT model of one facet.

    Where nothing but a person's state enters any figure (a dimension whose statements leads do not see, a standalone
    statement, what got in the way), interchangeable people are counted, not told apart: one integer per class and
    state, how many of the class are in it. That is exact, and leaves the search no relabellings to wade through.
    Where each answer enters a statement figure (a systemic dimension), each unknown person has a literal per
    statement and answer; then a figure of a person differs in some world if and only if some world gives the first
    of their class a state that differs from theirs (relabel), so the literals asked for are put on that first one.
    """

    def __init__(self, oracle: Oracle, facet: str):
        self.oracle = oracle
        self.facet = facet
        self.model = cp_model.CpModel()
        self.truth_literals: list = []
        self.targets: dict[tuple[Hashable, str], object] = {}
        self.units: list[tuple[str, Callable[[object], object]]] = []  # (team, feature -> expression)
        self.items: dict[Hashable, list[Statement]] = {}
        for p in oracle.people:
            if facet == OBSTACLES:
                self.items[p.key] = []
            else:
                mine = [s for s in p.statements if (s.dimension == facet and s.kind == SCORED) or s.code == facet]
                if mine:
                    self.items[p.key] = mine
        self.codes = sorted({s.code for mine in self.items.values() for s in mine if s.published})
        self.one_by_one = facet != OBSTACLES and any(
            s.kind == SCORED for mine in self.items.values() for s in mine if s.published
        )
        classes: dict[tuple, list[Person]] = {}
        for p in oracle.people:
            if p.key not in self.items:
                continue
            if p.key in oracle.known:
                state = self.truth_state(p)
                self.units.append((p.team, lambda f, p=p, state=state: self.feature(p, state, f)))
                continue
            codes = tuple(s.code for s in self.items[p.key])
            blanks = tuple(p.answer(c) == BLANK for c in codes) if oracle.skips_known else ()
            classes.setdefault((p.team, codes, blanks), []).append(p)
        self.class_of: dict[Hashable, list[Person]] = {}
        self.counts: dict[Hashable, dict[object, object]] = {}  # first of a class -> state -> how many
        self.answers: dict[Hashable, dict[str, dict[int, object]]] = {}  # person -> code -> value -> literal
        self.rows: dict[Hashable, dict[tuple[int, int], object]] = {}  # person -> (answered, sum) -> literal
        for members in classes.values():
            for p in members:
                self.class_of[p.key] = members
            if self.one_by_one:
                for p in members:
                    self._person(p)
            else:
                self._counted(members)
            for p in members:
                for what in self.whats(p):
                    self.targets[(p.key, what)] = self._target(p, what)
        self._figures()

    # -- states, features and what differs, in Python --

    def scored(self, person: Person) -> list[Statement]:
        return [s for s in self.items[person.key] if s.kind == SCORED]

    def truth_state(self, person: Person) -> object:
        if self.facet == OBSTACLES:
            return person.obstacles
        if self.one_by_one:
            return {s.code: person.answer(s.code) for s in self.items[person.key]}
        if any(s.kind == SCORED for s in self.items[person.key]):
            return self.row(person, {s.code: person.answer(s.code) for s in self.items[person.key]})
        return person.answer(self.facet)

    def row(self, person: Person, answers: Mapping[str, int]) -> tuple[int, int]:
        """(answered, keyed sum) of a person's answers to the dimension's scored statements."""
        mine = self.scored(person)
        return sum(1 for s in mine if answers[s.code]), sum(keyed(answers[s.code], s.reverse) for s in mine)

    def score(self, person: Person, row: tuple[int, int]) -> int | None:
        return person_score(*row, len(self.scored(person)))

    def states(self, person: Person) -> list[object]:
        """Every state the person could be in (for the counted facets)."""
        if self.facet == OBSTACLES:
            subsets = [frozenset(k for i, k in enumerate(OBSTACLE_KEYS) if bits >> i & 1) for bits in range(1, 32)]
            return [None, *subsets]
        if any(s.kind == SCORED for s in self.items[person.key]):
            size = len(self.scored(person))
            rows = [(k, total) for k in range(size + 1) for total in range(k, 5 * k + 1)]
            if self.oracle.skips_known:
                answered = self.row(person, {s.code: person.answer(s.code) for s in self.items[person.key]})[0]
                rows = [r for r in rows if r[0] == answered]
            return rows
        if self.oracle.skips_known:
            return [BLANK] if person.answer(self.facet) == BLANK else list(SCALE)
        return [BLANK, *SCALE]

    def feature(self, person: Person, state: object, feature: object) -> int:
        """What a person in `state` adds to one feature of a cell."""
        if self.facet == OBSTACLES:
            if feature == "said":
                return int(state is not None)
            return int(feature[0] == "named" and state is not None and feature[1] in state)
        if isinstance(feature, tuple):  # ("answer", code, value)
            _, code, value = feature
            answer = state.get(code, BLANK) if isinstance(state, dict) else (state if code == self.facet else BLANK)
            return int(code in {s.code for s in self.items[person.key]} and answer == value)
        row = self.row(person, state) if isinstance(state, dict) else state
        if not isinstance(row, tuple):
            return 0
        score = self.score(person, row)
        return {
            "answered": row[0],
            "sum": row[1],
            "has": int(score is not None),
            "score": score or 0,
            "low": int(band(score) == "low"),
            "high": int(band(score) == "high"),
        }[feature]

    def whats(self, person: Person) -> list[str]:
        if self.facet == OBSTACLES:
            # The obstacles the person named: that someone did not name one nobody named is not theirs to hide.
            return [f"obstacle:{k}" for k in OBSTACLE_KEYS if k in (person.obstacles or ())]
        whats = ["score", "band"] if self.scored(person) else []
        return whats + [f"answer:{s.code}" for s in self.items[person.key] if s.published]

    def differs(self, person: Person, what: str, state: object) -> bool:
        """Whether `what` of `person` would differ from their truth if they were in `state`."""
        truth = self.truth_state(person)
        if what.startswith("obstacle:"):
            key = what.split(":", 1)[1]
            return (key in (state or ())) != (key in (truth or ()))
        if what.startswith("answer:"):
            code = what.split(":", 1)[1]
            return (state[code] if isinstance(state, dict) else state) != person.answer(code)
        row = self.row(person, state) if isinstance(state, dict) else state
        row0 = self.row(person, truth) if isinstance(truth, dict) else truth
        score, score0 = self.score(person, row), self.score(person, row0)
        if what == "band":
            return band(score) != band(score0)
        if score is None or score0 is None:
            return (score is None) != (score0 is None)
        # |sum / answered - sum0 / answered0| > 1 / answered0: more than one answer step
        return abs(row[1] * row0[0] - row0[1] * row[0]) > row[0]

    # -- the unknown people in the model --

    def _counted(self, members: list[Person]) -> None:
        """A class counted: how many of its members are in each state."""
        first = members[0]
        states = self.states(first)
        counts = {s: self.model.new_int_var(0, len(members), f"{first.key}+ in {s}") for s in states}
        self.model.add(sum(counts.values()) == len(members))
        self.counts[first.key] = counts
        truth = Counter(self.truth_state(p) for p in members)
        is_truth = self.model.new_bool_var(f"{first.key}+ as in truth")
        for s, count in counts.items():
            self.model.add(count == truth.get(s, 0)).only_enforce_if(is_truth)
        self.truth_literals.append(is_truth)
        self.units.append(
            (
                first.team,
                lambda f: sum(c * self.feature(first, s, f) for s, c in counts.items() if self.feature(first, s, f)),
            )
        )

    def _person(self, person: Person) -> None:
        """An unknown person told apart: a literal per statement and answer, and one per (answered, keyed sum)."""
        m = self.model
        answers = {}
        for s in self.items[person.key]:
            lits = {v: m.new_bool_var(f"{person.key}:{s.code}={v}") for v in (BLANK, *SCALE)}
            m.add_exactly_one(lits.values())
            if self.oracle.skips_known:
                m.add(lits[BLANK] == int(person.answer(s.code) == BLANK))
            self.truth_literals.append(lits[person.answer(s.code)])
            for v, lit in lits.items():
                m.add_hint(lit, v == person.answer(s.code))
            answers[s.code] = lits
        self.answers[person.key] = answers
        rows = self.states(person)
        picks = {r: m.new_bool_var(f"{person.key}:row {r}") for r in rows}
        m.add_exactly_one(picks.values())
        truth_row = self.row(person, self.truth_state(person))
        for r, z in picks.items():
            m.add_hint(z, r == truth_row)
        mine = self.scored(person)
        m.add(sum(r[0] * z for r, z in picks.items()) == len(mine) - sum(answers[s.code][BLANK] for s in mine))
        m.add(
            sum(r[1] * z for r, z in picks.items())
            == sum(keyed(v, s.reverse) * answers[s.code][v] for s in mine for v in SCALE)
        )
        self.rows[person.key] = picks

        def feature(f, person=person, picks=picks, answers=answers):
            if isinstance(f, tuple):
                _, code, value = f
                return answers[code][value] if code in answers and value != BLANK else 0
            return sum(self.feature(person, r, f) * z for r, z in picks.items() if self.feature(person, r, f))

        self.units.append((person.team, feature))

    def _target(self, person: Person, what: str):
        """A literal that holds in a world in which `what` of `person` differs (or holds for someone interchangeable,
        which is as good), or None when no state would make it differ."""
        m = self.model
        first = self.class_of[person.key][0]
        if not self.one_by_one:
            differing = [c for s, c in self.counts[first.key].items() if self.differs(person, what, s)]
            if not differing:
                return None
            literal = m.new_bool_var(f"{person.key} {what} differs")
            m.add(sum(differing) >= 1).only_enforce_if(literal)
            return literal
        if what.startswith("answer:"):
            return self.answers[first.key][what.split(":", 1)[1]][person.answer(what.split(":", 1)[1])].Not()
        differing = [z for r, z in self.rows[first.key].items() if self.differs(person, what, r)]
        if not differing:
            return None
        literal = m.new_bool_var(f"{person.key} {what} differs")
        m.add_bool_or(differing).only_enforce_if(literal)
        return literal

    # -- reading a world --

    def world_states(self, world: cp_model.CpSolver | None, key: Hashable) -> list[object]:
        """The states the class of `key` is in, in a world found (or, world None, in the truth)."""
        members = self.class_of[key]
        if world is None:
            return [self.truth_state(p) for p in members]
        if not self.one_by_one:
            return [s for s, c in self.counts[members[0].key].items() if world.value(c) > 0]
        return [
            {
                code: next(v for v, lit in lits.items() if world.boolean_value(lit))
                for code, lits in self.answers[p.key].items()
            }
            for p in members
        ]

    def explains(self, world: cp_model.CpSolver | None, target: tuple[Hashable, str]) -> bool:
        key, what = target
        person = self.by_key[key]
        return any(self.differs(person, what, state) for state in self.world_states(world, key))

    @cached_property
    def by_key(self) -> dict[Hashable, Person]:
        return {p.key: p for p in self.oracle.people}

    def read(self, world: cp_model.CpSolver, target: tuple[Hashable, str]) -> dict[Hashable, object]:
        """The world's states of the unknown people, given out so that the person of `target` is the one who differs:
        answers (a dimension's in a realisation of each (answered, sum)), a standalone value, or obstacles."""
        key, what = target
        person = self.by_key[key]
        found: dict[Hashable, object] = {}
        for members in {id(m): m for m in self.class_of.values()}.values():
            if self.one_by_one:
                states = self.world_states(world, members[0].key)
            else:
                counts = self.counts[members[0].key]
                states = [s for s, c in counts.items() for _ in range(world.value(c))]
            if members[0].key == self.class_of[key][0].key:
                chosen = next(i for i, s in enumerate(states) if self.differs(person, what, s))
                states.insert(0, states.pop(chosen))
                members = [person, *(p for p in members if p.key != key)]
            for p, state in zip(members, states, strict=True):
                found[p.key] = self.describe(p, state)
        return found

    def describe(self, person: Person, state: object) -> object:
        if self.facet == OBSTACLES:
            return state
        if isinstance(state, dict):
            return {code: v or None for code, v in state.items()}
        if not isinstance(state, tuple):
            return {self.facet: state or None}
        answered, total = state  # a realisation: as even as it goes, keyed, turned back where reverse-keyed
        answers: dict[str, int | None] = {}
        for i, s in enumerate(self.scored(person)):
            if i >= answered:
                answers[s.code] = None
                continue
            value = total // answered + (1 if i < total % answered else 0)
            answers[s.code] = keyed(value, s.reverse)
        return answers

    # -- what the figures say --

    def _sum(self, key: str, feature: object):
        return sum(f(feature) for team, f in self.units if key == SERVICE or team == key)

    def _figures(self) -> None:
        for key, cell in self.oracle.cells.items():
            if cell.get("hidden") is not None:
                continue
            if self.facet == OBSTACLES:
                self._obstacle_figure(key, cell.get("obstacles"))
                continue
            if any(s.kind == SCORED for mine in self.items.values() for s in mine):
                self._dimension_figure(key, cell.get("dims", {}).get(self.facet))
            if "statements" in cell:
                for code in self.codes:
                    self._statement_figure(key, cell["statements"].get(code), code)

    def _bound(self, count, hidden: str, *, team: bool) -> None:
        """What a hidden figure's reason says of how many people it would have counted."""
        m, minimum, share_minimum = self.model, self.oracle.minimum, self.oracle.share_minimum
        if hidden == TOO_FEW:
            m.add(count <= minimum - 1)
        elif hidden == PROTECTS_ANOTHER:
            m.add(count >= minimum)
        elif hidden == SHARES_TOO_FEW:
            m.add(count <= share_minimum - 1)  # none included: a statement nobody answered is shown as hidden
        elif hidden == SHARES_PROTECT_ANOTHER:
            m.add(count >= share_minimum)

    def _share(self, count, n, share: int) -> None:
        """round(100 * count / n) == share, with n possibly unknown (share_counts, as linear inequalities)."""
        low, high = n * (2 * share - 1), n * (2 * share + 1)
        if share % 2:
            self.model.add(200 * count >= low + 1)
            self.model.add(200 * count <= high - 1)
        else:
            self.model.add(200 * count >= low)
            self.model.add(200 * count <= high)

    def _dimension_figure(self, key: str, figure: Mapping | None) -> None:
        if figure is None:
            return
        m = self.model
        n = self._sum(key, "has")
        if figure.get("hidden") is not None:
            self._bound(n, figure["hidden"], team=False)
            return
        m.add(n >= self.oracle.minimum)
        tenths = round(figure["mean"] * 10)
        if figure.get("basis") == "answers":
            answers, total = self._sum(key, "answered"), self._sum(key, "sum")
            m.add(answers >= 1)
            m.add(2500 * (total - answers) >= answers * (10 * tenths - 5))
            m.add(2500 * (total - answers) <= answers * (10 * tenths + 5))
        else:
            total = self._sum(key, "score")
            m.add(2 * total >= n * (2 * tenths - 1))
            m.add(2 * total <= n * (2 * tenths + 1))
        if figure.get("shares_hidden") is not None:
            self._bound(n, figure["shares_hidden"], team=False)
        elif "low" in figure:
            m.add(n >= self.oracle.share_minimum)
            low, high = self._sum(key, "low"), self._sum(key, "high")
            self._share(low, n, figure["low"])
            self._share(high, n, figure["high"])
            self._share(n - low - high, n, figure["middle"])

    def _statement_figure(self, key: str, figure: Mapping | None, code: str) -> None:
        m = self.model
        counts = {v: self._sum(key, ("answer", code, v)) for v in SCALE}
        n = sum(counts.values())
        if figure is None:
            m.add(n == 0)  # a shown cell leaves out a statement nobody in it answered
            return
        if figure.get("hidden") is not None:
            self._bound(n, figure["hidden"], team=key != SERVICE)
            return
        total = figure["n"]
        m.add(n == total)
        for v, share in zip(SCALE, figure["shares"], strict=True):
            self._in(counts[v], share_counts(share, total))
        self._in(counts[4] + counts[5], share_counts(figure["top"], total))
        self._in(counts[1] + counts[2], share_counts(figure["bottom"], total))

    def _in(self, expr, allowed: set[int]) -> None:
        self.model.add_linear_expression_in_domain(expr, cp_model.Domain.from_values(sorted(allowed)))

    def _obstacle_figure(self, key: str, figure: Mapping | None) -> None:
        if figure is None:
            return
        n = self._sum(key, "said")
        if figure.get("hidden") is not None:
            self._bound(n, figure["hidden"], team=False)
            return
        self.model.add(n == figure["n"])
        for k, count in figure["said"].items():
            self.model.add(self._sum(key, ("named", k)) == count)

    # -- solving --

    def _run(self, assumptions: list) -> cp_model.CpSolver | None:
        self.model.clear_assumptions()
        self.model.add_assumptions(assumptions)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = self.oracle.time_limit
        status = solver.solve(self.model)
        self.model.clear_assumptions()
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return solver
        if status == cp_model.INFEASIBLE:
            return None
        raise OracleError(f"facet {self.facet}: the solver gave up ({solver.status_name(status)})")

    def check_truth_fits(self) -> None:
        """The truth itself must be a consistent world: otherwise the model is wrong, and so would be every verdict."""
        if self._run(self.truth_literals) is None:
            raise OracleError(f"facet {self.facet}: the truth does not reproduce the published figures")

    def solve(self, differing: list) -> cp_model.CpSolver | None:
        """A consistent world in which at least one of `differing` holds, or None."""
        if not differing:
            return None
        wanted = self.model.new_bool_var("")
        self.model.add_bool_or(differing).only_enforce_if(wanted)
        return self._run([wanted])


# --- building the truth and reading the figures from the database, after a test has published -------------------


def truth_from_db(service, period) -> list[Person]:
    """The people who count in `period` for `service`, with their answers read from the check-in that counts.

    Who counts is taken from the app's rule for it (publication.counting_entries: latest check-in per person, members
    before the period began, never a reader); what is shown of them is what the oracle judges, not this."""
    from assessments.core.framework import DIMENSIONS_BY_SLUG
    from assessments.figures.publication import counting_entries
    from assessments.models import Answer, Question

    people = []
    entries = counting_entries(service, period.kind, [period.start]).select_related("checkin").order_by("user_id")
    for entry in entries:
        questions = Question.objects.filter(question_set_id=entry.checkin.question_set_id).order_by("order")
        statements = tuple(
            Statement(
                code=q.code,
                dimension=q.dimension,
                kind=q.kind,
                reverse=q.reverse_keyed,
                published=q.kind in STANDALONE_KINDS
                or (q.kind == SCORED and DIMENSIONS_BY_SLUG[q.dimension].is_systemic),
            )
            for q in questions
        )
        answers = dict(Answer.objects.filter(checkin_id=entry.checkin_id).values_list("question__code", "value"))
        named = frozenset(entry.obstacles.values_list("obstacle", flat=True))
        people.append(
            Person(
                key=entry.user_id,
                team=str(entry.team_id),
                statements=statements,
                answers=answers,
                obstacles=named or None,
            )
        )
    return people


def published(service, period) -> dict:
    """The figures of one ended period as a lead's first read publishes them (and every later read returns)."""
    from assessments.figures.publication import published_periods

    return published_periods(service, [period])[period]


def oracle_for(service, period, known=None, **options) -> Oracle:
    """Publish the period (if nobody has yet), read its truth, and judge it."""
    figures = published(service, period)
    return Oracle(truth_from_db(service, period), figures, known, **options)


# --- building and judging worlds through the app, for the tests ---------------------------------------------------

SYSTEMIC = "systemic_pressures"
STANDALONE = ("leave_because_of_work", "worked_over", "supervision_happened")


def diverse(i: int) -> dict[str, int]:
    """Person i's answers: each dimension at its own level (1 to 5, shifted per dimension, so that over five people
    every level is there) and the standalone statements likewise."""
    values = {d.slug: (i + j) % 5 + 1 for j, d in enumerate(DIMENSIONS)}
    values.update({code: (i + j + 2) % 5 + 1 for j, code in enumerate(STANDALONE)})
    return values


def send(team, count: int, values=diverse, prefix: str | None = None) -> list:
    """`count` new practitioners of `team`, each sending one check-in in the newest period leads can see, person i
    answering `values(i)`."""
    users = people_in(team, count, prefix)
    for i, user in enumerate(users):
        submit_checkin(user, team, values(i), when=shown_moment())
    return users


def judge(service, known=None, **options) -> tuple[Oracle, list[Leak]]:
    period = latest_shown_period()
    oracle = Oracle(truth_from_db(service, period), published(service, period), known, **options)
    return oracle, oracle.leaks()


def of(leaks: list[Leak], what: str, facet: str | None = None) -> set:
    return {leak.person for leak in leaks if leak.what == what and (facet is None or leak.facet == facet)}
