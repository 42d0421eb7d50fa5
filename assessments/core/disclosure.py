"""The publication auditor: what may be shown of one period, decided over every figure a reader will see at once.

Each kind of figure used to be protected by its own rule, and together they leaked: a lone skipped statement beside
a mean gave one person's exact score, one person still on an older question set stood out, a team that all gave
the same answer told a lead every member's answer, and the service's counts minus the shown teams' gave a hidden
remainder. This module decides over all of them together. It is database-free: publication
(`assessments/figures/publication.py`) counts, asks `audit`, and stores only what it allows.

**Facets.** Every figure a lead sees (a mean, band shares, a statement's shares with its n, what got in the way) is
a sum, over the people of one team or of the whole service, of something that depends on one *facet* of each
person's check-in: their answers to one dimension's statements (and so its score and band), their answer to one
statement that is shown on its own (a frequency, the intention to leave), or what got in the way of their moves.

**The witness.** Take two people of the same *block* for a facet (the same team, where that team shows any figure
of the facet; or both in teams that show none of it, when the service does), who were asked the same statements.
Exchange their answers to that facet, and every figure the reader can see stays exactly the same: each team's sums
and counts, the service's, every other facet. So whatever a reader sees, and whatever they know of their own
answers and of one colleague's, the first person could have given the second person's answers. A figure is shown
only when, for every person in every block, such an exchange exists with someone other than the colleague the
reader might know, that changes what the reader wants to learn:

- *score*: at least two others whose score in the dimension is more than one answer step away (or who have none).
  One answer step is taken at its largest for the statements asked (25 / half of them, rounded up), so that the
  rule holds however many of them the person answered;
- *band* (low, middle, high, or no score), *answer* to each statement shown (blank included, and its end of the
  scale, since a figure says what share agreed), *what got in the way*
  (the set named, or nothing said): no value is held by all but one person or more (at most people - 2), so that
  at least two people hold another;
- *an obstacle named*: at least two people did not name it.

Where a team fails, everything of that facet is withheld for it; its people then join the block of the service's
remainder, which must pass in turn, or the next-smallest team showing the facet is withheld too, and if none is
left, the service's figure of it. Head counts and the minimum group sizes (core/anonymity.py) still apply first.

**What the decision reads.** The band, answer and obstacle rules read counts: the same counts the figures are made
of. The score rule reads how far apart the scores are (how many people hold each score), which no figure shows.
A withheld figure therefore says a little: "in this group, some answers were too alike to show". The page says
only that some figures are not shown so that no one's answers can be worked out, never which rule it was.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import combinations
from math import ceil

from assessments.core.anonymity import WOULD_IDENTIFY
from assessments.core.framework import SCALE_MAX, SCALE_MIN
from assessments.core.scoring import band
from assessments.core.statements import BOTTOM_TO, TOP_FROM

# How many people must hold something other than a person's value, so that an exchange with someone exists even
# when the reader knows one colleague's answers.
WITNESSES = 2
_EPSILON = 1e-6
# Scores are kept to one decimal place, so two of them may read up to 0.1 further apart than they are: a difference
# counts as more than a step only beyond this margin.
_ROUNDING = 0.1
NO_SCORE = None
BLANK = None


def answer_step(statements: int) -> float:
    """One answer step on the 0-100 scale, at its largest for a dimension with this many statements: a score
    needs at least half of them answered, and one step is 100 / (4 x answered)."""
    answered = max(1, ceil(statements / 2))
    return 100 / ((SCALE_MAX - SCALE_MIN) * answered)


# A change of a score by a whole answer on every statement answered: more than one answer step for any dimension
# of two or more statements, and reachable by anyone whose score is that far from the end of the scale.
WHOLE_ANSWER = 100 / (SCALE_MAX - SCALE_MIN)


@dataclass
class Group:
    """What the rules read of the people of one block who were asked the same statements of one facet.

    - `scores`: how many people hold each (score, statements answered), on a dimension facet ((None, None): no
      score), with `step` one answer step at its largest for the statements asked, for entries kept before the
      number answered was;
    - `bands_visible`: whether the reader can count the block's bands (its band shares, or the service's, are shown);
    - `transfers`: whether no statement of the dimension is visible for the block, so that a reader knows nothing of
      the answers but through the mean (and the bands): one person's score may then go up by a whole answer on
      every statement where another's goes down by as much; `pooled` where that mean is over every answer (a
      systemic dimension's), so only between people who answered as many statements;
    - `answers`: each visible statement's answers (None: left blank);
    - `vectors`: where given, how many people gave each whole set of answers to the dimension's statements (keyed,
      None for a blank), so that exchanging single answers between two people can be tried;
    - `values`, `marks`: what got in the way (a frozenset of keys, None: nothing said), and how many named each.
    """

    people: int = 0
    scores: Counter = field(default_factory=Counter)
    step: float = 0.0
    bands_visible: bool = False
    transfers: bool = False
    pooled: bool = False
    answers: dict[str, Counter] = field(default_factory=dict)
    vectors: Counter | None = None
    values: Counter = field(default_factory=Counter)
    marks: Counter = field(default_factory=Counter)

    def __add__(self, other: Group) -> Group:
        codes = set(self.answers) | set(other.answers)
        vectors = None if self.vectors is None or other.vectors is None else self.vectors + other.vectors
        return Group(
            people=self.people + other.people,
            scores=self.scores + other.scores,
            step=max(self.step, other.step),
            bands_visible=self.bands_visible or other.bands_visible,
            transfers=self.transfers and other.transfers,
            pooled=self.pooled or other.pooled,
            answers={c: self.answers.get(c, Counter()) + other.answers.get(c, Counter()) for c in codes},
            vectors=vectors,
            values=self.values + other.values,
            marks=self.marks + other.marks,
        )


def no_value_isolates(counts: Mapping[Hashable, int], people: int) -> bool:
    """No value is held by more than people - 2: whoever a person is, two others hold something else."""
    return all(n <= people - WITNESSES for n in counts.values() if n)


def _far(a: float | None, b: float | None, step: float) -> bool:
    """Whether two scores differ by more than one step (no score differs from any score)."""
    if a is NO_SCORE or b is NO_SCORE:
        return a is not b
    return abs(a - b) > step + _ROUNDING + _EPSILON


def _others(counts: Mapping, mine: Hashable, found: Hashable) -> int:
    """How many people other than one holder of `mine` hold `found`."""
    return counts[found] - (1 if found == mine else 0)


def _step(held: tuple, fallback: float) -> float:
    """One answer step for the holder of `held` (score, statements answered): 100 / (4 x answered), or `fallback`
    (the largest it could be) where the number is not known."""
    answered = held[1]
    return WHOLE_ANSWER / answered if answered else fallback


def _swaps(scores: Mapping, held: tuple, fallback: float, *, band_only: bool) -> int:
    """How many others a person holding `held` (score, statements answered) could exchange all their answers with to
    hold a score more than one of their own steps away (or, `band_only`, in another band)."""
    if band_only:
        return sum(_others(scores, held, o) for o in scores if band(o[0]) != band(held[0]))
    step = _step(held, fallback)
    return sum(_others(scores, held, o) for o in scores if _far(o[0], held[0], step))


def _partners(scores: Mapping, held: tuple, pooled: bool) -> list[tuple]:
    """Who can take whole answers from a person: anyone with a score; where the mean is over every answer (a
    systemic dimension's), only people who answered as many statements, so that the answers' sum stays the same."""
    if pooled:
        return [o for o in scores if o[0] is not NO_SCORE and held[1] is not None and o[1] == held[1]]
    return [o for o in scores if o[0] is not NO_SCORE]


def _transfers(scores: Mapping, held: tuple, *, bands_visible: bool, band_only: bool, pooled: bool) -> int:
    """How many witnesses a person holding `score` has among worlds that move whole answers between people: their
    score goes up (or down) by a whole answer on every statement, or by several, while others' go down (or up) by
    as much in all, keeping the block's sum. Where the bands can be counted, one other person takes the change and
    the two bands must come out as they were; otherwise any others take it, each within the scale, and the one who
    could take the most is left out (the reader might know them). Returns at least WITNESSES when a world is found."""
    if bands_visible:
        return _pair_transfers(scores, held, band_only=band_only, pooled=pooled)
    score = held[0]
    for direction in (1, -1):
        for wholes in range(1, SCALE_MAX - SCALE_MIN + 1):
            mine = score + direction * wholes * WHOLE_ANSWER
            if not 0 - _EPSILON <= mine <= 100 + _EPSILON:
                break
            if band_only and band(mine) == band(score):
                continue
            room = []
            for other in _partners(scores, held, pooled):
                left = other[0] if direction > 0 else 100 - other[0]  # how far they can go the other way
                room += [int((left + _EPSILON) // WHOLE_ANSWER)] * _others(scores, held, other)
            if room and sum(room) - max(room) >= wholes:
                return WITNESSES
            break  # a larger move needs more room still
    return 0


def _pair_transfers(scores: Mapping, held: tuple, *, band_only: bool, pooled: bool) -> int:
    """Others who could take a whole answer from (or give one to) a person holding `held`, the two bands coming
    out as they were."""
    score = held[0]
    found = 0
    for direction in (1, -1):
        mine = score + direction * WHOLE_ANSWER
        if not 0 - _EPSILON <= mine <= 100 + _EPSILON or (band_only and band(mine) == band(score)):
            continue
        for other in _partners(scores, held, pooled):
            theirs = other[0] - direction * WHOLE_ANSWER
            if not 0 - _EPSILON <= theirs <= 100 + _EPSILON:
                continue
            if _same_bands((mine, theirs), (score, other[0])):
                found += _others(scores, held, other)
        if found >= WITNESSES:
            return found
    return found


def _same_bands(after: tuple, before: tuple) -> bool:
    return sorted(str(band(s)) for s in after) == sorted(str(band(s)) for s in before)


def vector_score(vector: tuple[int | None, ...]) -> float | None:
    """The score of a set of keyed answers: the mean of those given, on 0-100 (the half-answered rule is the
    door's: a vector here comes from someone who has a score, or is counted as having none)."""
    given = [v for v in vector if v is not None]
    if not given or 2 * len(given) < len(vector):
        return NO_SCORE
    return round((sum(given) / len(given) - SCALE_MIN) / (SCALE_MAX - SCALE_MIN) * 100, 1)


def _exchanges(vectors: Mapping[tuple, int], mine: tuple, *, bands_visible: bool, band_only: bool) -> int:
    """How many others a person with these answers could exchange some answers with (statement for statement, so
    that every statement's counts and the answers' sum stay as they are) so that their score moves by more than one
    of their own steps (or, `band_only`, their band changes), keeping the bands' counts where they can be counted."""
    score = vector_score(mine)
    answered = sum(v is not None for v in mine)
    step = WHOLE_ANSWER / answered if answered else 0.0
    found = 0
    for theirs, n in vectors.items():
        if theirs == mine:
            continue
        pairs = enumerate(zip(mine, theirs, strict=True))
        differ = [i for i, (a, b) in pairs if a is not None and b is not None and a != b]
        for size in range(1, len(differ) + 1):
            if _exchange_works(mine, theirs, differ, size, score, step, bands_visible, band_only):
                found += n
                break
        if found >= WITNESSES:
            return found
    return found


def _exchange_works(
    mine: tuple, theirs: tuple, differ: list[int], size: int, score, step: float, bands_visible: bool, band_only: bool
) -> bool:
    other_score = vector_score(theirs)
    for chosen in combinations(differ, size):
        new_mine = tuple(theirs[i] if i in chosen else v for i, v in enumerate(mine))
        new_theirs = tuple(mine[i] if i in chosen else v for i, v in enumerate(theirs))
        mine_after, theirs_after = vector_score(new_mine), vector_score(new_theirs)
        changed = band(mine_after) != band(score) if band_only else _far(mine_after, score, step)
        if not changed:
            continue
        if bands_visible and not _same_bands((mine_after, theirs_after), (score, other_score)):
            continue
        return True
    return False


def _unplaceable(group: Group, *, band_only: bool) -> bool:
    """Whether some person's score (or band) stays where it is in every world the witnesses reach."""
    if group.vectors is not None:
        scores: Counter = Counter()
        for vector, n in group.vectors.items():
            scores[_held(vector)] += n
        for vector in group.vectors:
            held = _held(vector)
            if held[0] is NO_SCORE and not band_only:
                continue
            if _swaps(scores, held, group.step, band_only=band_only) >= WITNESSES:
                continue
            if _exchanges(group.vectors, vector, bands_visible=group.bands_visible, band_only=band_only) >= WITNESSES:
                continue
            return True
        return False
    for held in group.scores:
        if held[0] is NO_SCORE and not band_only:
            continue
        if _swaps(group.scores, held, group.step, band_only=band_only) >= WITNESSES:
            continue
        if (
            group.transfers
            and held[0] is not NO_SCORE
            and _transfers(
                group.scores, held, bands_visible=group.bands_visible, band_only=band_only, pooled=group.pooled
            )
            >= WITNESSES
        ):
            continue
        return True
    return False


def _held(vector: tuple) -> tuple:
    """A set of answers as the score histogram holds it: (score, statements answered), or (None, None)."""
    score = vector_score(vector)
    return (score, sum(v is not None for v in vector)) if score is not NO_SCORE else (NO_SCORE, NO_SCORE)


def why_unsafe(group: Group) -> str | None:
    """The rule a group fails, for the auditor's report (never stored or shown), or None when it passes."""
    if group.people == 0:
        return None
    if group.scores:
        if _unplaceable(group, band_only=False):
            return "score"
        if group.bands_visible:
            if not no_value_isolates(_bands(group.scores), group.people):
                return "band"
        elif _unplaceable(group, band_only=True):
            return "band"
    for code, counts in group.answers.items():
        if not no_value_isolates(counts, group.people) or not no_value_isolates(_ends(counts), group.people):
            return f"answer:{code}"
    if group.values and not no_value_isolates(group.values, group.people):
        return "what got in the way"
    if any(n > group.people - WITNESSES for n in group.marks.values()):
        return "an obstacle named"
    return None


def _ends(answers: Mapping[int | None, int]) -> Counter:
    """How many gave an answer at the top end (agree, strongly agree) and at the bottom end, as the figures show them
    ("100% agreed" tells everyone's side even where it does not tell their answer)."""
    ends: Counter = Counter()
    for value, n in answers.items():
        if value is not BLANK and value >= TOP_FROM:
            ends["top"] += n
        elif value is not BLANK and value <= BOTTOM_TO:
            ends["bottom"] += n
    return ends


def _bands(scores: Mapping[tuple, int]) -> Counter:
    bands: Counter = Counter()
    for held, n in scores.items():
        bands[band(held[0])] += n
    return bands


# One facet of one team: a Group per shape (the statements its people were asked).
TeamFacet = Mapping[Hashable, Group]


def _merged(facets: Iterable[TeamFacet]) -> dict[Hashable, Group]:
    merged: dict[Hashable, Group] = {}
    for by_shape in facets:
        for shape, group in by_shape.items():
            merged[shape] = merged[shape] + group if shape in merged else group
    return merged


def _block_fails(facets: Iterable[TeamFacet]) -> str | None:
    for group in _merged(facets).values():
        if (rule := why_unsafe(group)) is not None:
            return rule
    return None


@dataclass(frozen=True)
class Verdict:
    """One facet's decision: the teams whose figures of it are withheld, and whether the service's are."""

    hidden: dict[Hashable, str]
    total_hidden: str | None
    # For the report: which rule each withheld team or the service (key None) failed, or "protects another".
    why: dict[Hashable | None, str]


def audit_facet(
    teams: Mapping[Hashable, TeamFacet],
    *,
    shown: Iterable[Hashable],
    total_shown: bool,
    people: Mapping[Hashable, int],
) -> Verdict:
    """Decide one facet for every team of a service (keys of `teams`; a team nobody counted in may be left out).

    `shown` are the teams that would show any figure of the facet, `total_shown` whether the service would, after
    the minimum group sizes; `people` each team's head count, to choose the smallest team to withhold next.
    """
    shown = [t for t in shown]
    hidden: dict[Hashable, str] = {}
    why: dict[Hashable | None, str] = {}
    for team in shown:
        if (rule := _block_fails([teams.get(team, {})])) is not None:
            hidden[team], why[team] = WOULD_IDENTIFY, rule
    if not total_shown:
        return Verdict(hidden=hidden, total_hidden=None, why=why)
    while True:
        remainder = [facet for team, facet in teams.items() if team not in shown or team in hidden]
        rule = _block_fails(remainder)
        if rule is None:
            return Verdict(hidden=hidden, total_hidden=None, why=why)
        left = [t for t in shown if t not in hidden and people.get(t, 0) > 0]
        if not left:
            why[None] = rule
            return Verdict(hidden=hidden, total_hidden=WOULD_IDENTIFY, why=why)
        smallest = min(left, key=lambda t: (people.get(t, 0), str(t)))
        hidden[smallest], why[smallest] = WOULD_IDENTIFY, "protects another"


def voice_isolates(*, members: int, answered: Mapping[str, int]) -> bool:
    """Whether the team's voice on an action would tell someone's answer: of the `members` who could answer, no
    answer (not answering included) may be held by more than members - 2."""
    counts: dict[Hashable, int] = {answer: n for answer, n in answered.items()}
    counts[BLANK] = members - sum(answered.values())
    return not no_value_isolates(counts, members)
