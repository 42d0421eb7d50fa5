"""The publication auditor (core/disclosure.py) on small groups whose answer a reader could or could not work out.

Each case is a world a lead could meet; tests/leads/test_auditor.py plays the same attacks through the app, and
tests/leads/test_auditor_oracle.py checks random worlds against an independent search for a second world.
"""

from __future__ import annotations

from collections import Counter

from assessments.core.anonymity import WOULD_IDENTIFY
from assessments.core.disclosure import (
    BLANK,
    Group,
    answer_step,
    audit_facet,
    vector_score,
    voice_isolates,
    why_unsafe,
)


def scores(*values: float | None, answered: int = 2) -> Counter:
    """How many hold each (score, statements answered): two answers each unless said (a step of 12.5)."""
    return Counter((v, answered) if v is not None else (None, None) for v in values)


def test_one_answer_step_is_taken_at_its_largest_for_the_statements_asked():
    assert answer_step(4) == 12.5  # a score from two answers of four moves 12.5 a step
    assert answer_step(5) == 100 / 12  # three of five
    assert answer_step(3) == 12.5


def test_a_statement_everyone_answered_alike_is_withheld_and_so_is_one_with_a_lone_exception():
    alike = Group(people=12, answers={"sp_volume": Counter({4: 12})})
    one_apart = Group(people=12, answers={"sp_volume": Counter({4: 11, 2: 1})})
    two_apart = Group(people=12, answers={"sp_volume": Counter({4: 10, 2: 2})})
    assert why_unsafe(alike) == "answer:sp_volume"
    # A reader who knows the one who answered 2 knows everyone else answered 4.
    assert why_unsafe(one_apart) == "answer:sp_volume"
    assert why_unsafe(two_apart) is None


def test_a_statement_everyone_agreed_with_is_withheld_though_their_answers_differ():
    """ "100% agreed" tells each person's side of the scale even where it does not tell agree from strongly agree."""
    agreed = Group(people=12, answers={"sp_volume": Counter({4: 6, 5: 6})})
    assert why_unsafe(agreed) == "answer:sp_volume"
    assert why_unsafe(Group(people=12, answers={"sp_volume": Counter({4: 5, 5: 5, 3: 2})})) is None


def test_a_blank_is_an_answer_a_reader_could_learn():
    """Eleven left a statement blank and one answered: the one who answered stands out."""
    assert why_unsafe(Group(people=12, answers={"sp_say": Counter({BLANK: 11, 3: 1})})) == "answer:sp_say"


def test_a_lone_person_asked_other_statements_is_never_shown():
    """One person still on the older question set has nobody to be exchanged with."""
    assert why_unsafe(Group(people=1, scores=scores(50.0), step=12.5, transfers=True)) == "score"


def test_scores_close_together_can_still_be_shown_where_only_the_mean_is_seen():
    """Five scores within a step of each other: a reader who sees only the mean cannot tell anyone's, since any one
    of them could be a whole answer higher with another a whole answer lower."""
    close = Group(people=5, scores=scores(50.0, 50.0, 55.0, 55.0, 60.0), step=12.5, transfers=True)
    assert why_unsafe(close) is None
    # The same scores beside the statements' counts: no transfer keeps those, and no exchange is known.
    assert why_unsafe(Group(people=5, scores=close.scores, step=12.5, transfers=False)) == "score"


def test_where_the_mean_is_over_every_answer_only_people_who_answered_as_many_can_trade_whole_answers():
    """A systemic dimension's mean is the sum of every answer over how many there were. Moving a whole answer on
    each statement from someone who answered four to someone who answered two changes that sum: it is no witness.
    Five people at 50, one who answered two statements: nobody has a partner answering as many but themselves."""
    mixed = Counter({(50.0, 4): 4, (50.0, 2): 1})
    assert why_unsafe(Group(people=5, scores=mixed, step=12.5, transfers=True)) is None
    assert why_unsafe(Group(people=5, scores=mixed, step=12.5, transfers=True, pooled=True)) == "score"
    same = Counter({(50.0, 4): 5})
    assert why_unsafe(Group(people=5, scores=same, step=12.5, transfers=True, pooled=True)) is None


def test_a_high_mean_that_pins_everyones_band_is_withheld():
    """Scores 75, 100, 75, 100, 100 (mean 90): a reader who knows one of the 75s knows everyone else is at 75 or
    more, so every band is certain. With 50 and 100 in turn (mean 75) nobody's is."""
    pinned = Group(people=5, scores=scores(75.0, 100.0, 75.0, 100.0, 100.0), step=12.5, transfers=True)
    assert why_unsafe(pinned) == "band"
    spread = Group(people=5, scores=scores(50.0, 100.0, 50.0, 100.0, 75.0), step=12.5, transfers=True)
    assert why_unsafe(spread) is None


def test_a_step_is_each_persons_own_so_scores_from_more_answers_are_told_apart_by_less():
    """Scores 50, 62.5 and 75 from four answers each are two steps of 6.25 apart; from two answers each they are
    one step of 12.5 apart, and nobody could be placed by exchanging all their answers."""
    four = Group(people=6, scores=scores(50.0, 50.0, 62.5, 62.5, 75.0, 75.0, answered=4), step=12.5)
    two = Group(people=6, scores=scores(50.0, 50.0, 62.5, 62.5, 75.0, 75.0, answered=2), step=12.5)
    assert why_unsafe(four) is None
    assert why_unsafe(two) == "score"


def test_a_team_all_in_one_band_is_withheld_where_its_bands_can_be_counted():
    """Everyone high: once band shares are shown (here or through the service), each person's band is known."""
    high = scores(*([62.5] * 6 + [87.5] * 6))
    assert why_unsafe(Group(people=12, scores=high, step=12.5, bands_visible=True, transfers=True)) == "band"
    assert why_unsafe(Group(people=12, scores=high, step=12.5, bands_visible=False, transfers=True)) is None


def test_exchanging_single_answers_places_a_score_that_no_whole_exchange_can():
    """Everyone's score is 50, but their answers differ: exchanging two answers with a colleague moves a score by
    two steps while every statement's counts stay as they are."""
    vectors = Counter({(2, 4, 3, 3): 4, (4, 2, 3, 3): 4, (3, 3, 2, 4): 4})
    alike = Group(people=12, scores=scores(*[50.0] * 12), step=12.5, vectors=vectors)
    assert vector_score((2, 4, 3, 3)) == 50.0
    assert why_unsafe(Group(people=12, scores=alike.scores, step=12.5)) == "score"
    assert why_unsafe(alike) is None


def test_a_hidden_remainder_that_is_all_alike_hides_the_smallest_shown_team_and_then_the_service():
    alike = {"s": Group(people=6, answers={"q": Counter({4: 6})})}
    varied = {"s": Group(people=10, answers={"q": Counter({4: 4, 2: 4, 3: 2})})}
    also_varied = {"s": Group(people=12, answers={"q": Counter({4: 4, 2: 4, 3: 4})})}
    teams = {"east": alike, "north": varied, "south": also_varied}
    people = {"east": 6, "north": 10, "south": 12}
    # East alone would be withheld; then the service minus North and South gives East: North goes too.
    verdict = audit_facet(teams, shown=["east", "north", "south"], total_shown=True, people=people)
    assert verdict.hidden == {"east": WOULD_IDENTIFY, "north": WOULD_IDENTIFY}
    assert verdict.total_hidden is None
    # With only East and a team all alike beside it, nothing in the service can stand: the service goes.
    verdict = audit_facet({"east": alike, "west": alike}, shown=["east", "west"], total_shown=True, people=people)
    assert verdict.total_hidden == WOULD_IDENTIFY


def test_teams_that_show_nothing_of_a_facet_are_still_checked_through_the_service():
    """Two small teams hidden for too few, all alike: the service's figure minus the shown team would be theirs
    together, so the shown team goes too, and the service's figure then stands for all eighteen."""
    small = {"s": Group(people=3, answers={"q": Counter({5: 3})})}
    varied = {"s": Group(people=12, answers={"q": Counter({4: 4, 2: 4, 3: 4})})}
    verdict = audit_facet(
        {"a": small, "b": small, "c": varied}, shown=["c"], total_shown=True, people={"a": 3, "b": 3, "c": 12}
    )
    assert verdict.hidden == {"c": WOULD_IDENTIFY} and verdict.total_hidden is None


def test_the_teams_voice_is_withheld_when_all_who_could_answer_but_one_said_the_same():
    assert voice_isolates(members=10, answered={"yes": 0, "not_yet": 10, "no": 0})
    assert voice_isolates(members=11, answered={"yes": 1, "not_yet": 10, "no": 0})
    assert not voice_isolates(members=11, answered={"yes": 4, "not_yet": 4, "no": 3})
    # Not answering is an answer too: nine of ten silent, one yes.
    assert voice_isolates(members=10, answered={"yes": 1, "not_yet": 0, "no": 0})
