"""When the support panel shows, how much of it, and when the "raise it" card shows instead: support from how the
person is and their own resources, graded; the service's part only ever to raise."""

import itertools
import json
from pathlib import Path

import pytest

from assessments.core.framework import DIMENSIONS, DOES_NOT_APPLY, SCALE_MAX, SCALE_MIN, Direction, StatementKind
from assessments.core.signposting import (
    LOW_MOOD,
    LOW_MOOD_PEOPLE_FROM,
    LOW_MOOD_TALK_NOW_FROM,
    LOW_MOOD_URGENT_FROM,
    RAISE_IT_PRESSURE_FROM,
    RAISE_IT_RESOURCE_BELOW,
    SUPERVISION_HAPPENED,
    SUPERVISION_MISSED_BELOW,
    SUPPORT_RESOURCES_BELOW,
    WORKED_OVER,
    WORN_OUT,
    WORN_OUT_PEOPLE_FROM,
    SupportLevel,
    shows_raise_it,
    support_for,
)

ANSWERS = range(SCALE_MIN, SCALE_MAX + 1)
SYSTEMIC = [d for d in DIMENSIONS if d.is_systemic]
INDIVIDUAL_RESOURCES = [d.slug for d in DIMENSIONS if not d.is_systemic and d.direction == Direction.RESOURCE]
DATA = Path(__file__).resolve().parents[2] / "assessments" / "data"


def worst_systemic() -> dict[str, float]:
    """Every systemic score at the far end that needs attention: the most pressure, the least culture and support."""
    return {d.slug: 100.0 if d.direction == Direction.PRESSURE else 0.0 for d in SYSTEMIC}


def test_the_worst_systemic_scores_alone_never_show_the_support_panel_only_the_raise_it_card():
    """Pattern A of the domain review: "Never" feeling low, poor culture and supervision. They were shown 999."""
    for never_low in ({}, {LOW_MOOD: 1, WORN_OUT: 1}, {LOW_MOOD: 1, WORN_OUT: WORN_OUT_PEOPLE_FROM - 1}):
        support = support_for(worst_systemic(), never_low)
        assert support.level == SupportLevel.NONE and not support.shows, never_low
    assert shows_raise_it(worst_systemic())


@pytest.mark.parametrize("bands", list(itertools.product([0.0, 50.0, 100.0], repeat=len(SYSTEMIC))), ids=str)
def test_no_systemic_score_moves_the_panel_up_or_down_at_any_how_you_are_answer(bands):
    systemic = {d.slug: score for d, score in zip(SYSTEMIC, bands, strict=True)}
    for low, worn in itertools.product(ANSWERS, ANSWERS):
        answers = {LOW_MOOD: low, WORN_OUT: worn}
        assert support_for(systemic, answers) == support_for({}, answers), (systemic, answers)


@pytest.mark.parametrize("answer", ANSWERS)
def test_feeling_low_is_graded_sometimes_people_often_someone_to_talk_to_most_of_the_time_the_urgent_card(answer):
    expected = {1: SupportLevel.NONE, 2: SupportLevel.NONE, 3: SupportLevel.PEOPLE, 4: SupportLevel.TALK_NOW}
    support = support_for({d.slug: 50.0 for d in DIMENSIONS}, {LOW_MOOD: answer, WORN_OUT: 1})
    assert support.level == expected.get(answer, SupportLevel.URGENT)
    assert (LOW_MOOD_PEOPLE_FROM, LOW_MOOD_TALK_NOW_FROM, LOW_MOOD_URGENT_FROM) == (3, 4, 5)
    assert support.said == ((LOW_MOOD,) if answer >= LOW_MOOD_PEOPLE_FROM else ())


@pytest.mark.parametrize("answer", ANSWERS)
def test_being_worn_out_shows_people_who_can_help_from_often_and_never_crisis_lines(answer):
    support = support_for({}, {LOW_MOOD: 1, WORN_OUT: answer})
    assert support.level == (SupportLevel.PEOPLE if answer >= WORN_OUT_PEOPLE_FROM else SupportLevel.NONE)
    assert WORN_OUT_PEOPLE_FROM == 4  # "Often": "Sometimes" worn out is most of this workforce, most months


def test_the_urgent_card_shows_only_for_the_most_severe_answer_to_feeling_low():
    urgent = [
        (low, worn)
        for low, worn in itertools.product(ANSWERS, ANSWERS)
        if support_for({}, {LOW_MOOD: low, WORN_OUT: worn}).level == SupportLevel.URGENT
    ]
    assert urgent == [(SCALE_MAX, worn) for worn in ANSWERS]


def test_the_higher_answer_decides_the_level_and_both_are_named_as_the_reason():
    support = support_for({}, {WORN_OUT: 5, LOW_MOOD: 4})
    assert support.level == SupportLevel.TALK_NOW and set(support.said) == {WORN_OUT, LOW_MOOD}


def test_a_new_statement_about_how_the_person_is_is_read_as_feeling_low_so_it_can_only_show_more():
    assert support_for({}, {"hp_something_new": 5}).level == SupportLevel.URGENT


def test_two_very_low_individual_resources_show_people_who_can_help_but_one_does_not():
    for a, b in itertools.combinations(INDIVIDUAL_RESOURCES, 2):
        low = SUPPORT_RESOURCES_BELOW - 0.1
        support = support_for({a: low, b: low}, {})
        assert support.level == SupportLevel.PEOPLE and set(support.low_resources) == {a, b}
        assert not support_for({a: low, b: SUPPORT_RESOURCES_BELOW}, {}).shows


def test_very_low_systemic_resources_never_count_towards_the_two():
    systemic_resources = [d.slug for d in SYSTEMIC if d.direction == Direction.RESOURCE]
    scores = dict.fromkeys(systemic_resources, 0.0) | {INDIVIDUAL_RESOURCES[0]: 0.0}
    assert not support_for(scores, {}).shows


def test_the_raise_it_card_reads_only_systemic_scores_at_their_thresholds():
    for d in DIMENSIONS:
        edge = RAISE_IT_PRESSURE_FROM if d.direction == Direction.PRESSURE else RAISE_IT_RESOURCE_BELOW - 0.1
        inside = RAISE_IT_PRESSURE_FROM - 0.1 if d.direction == Direction.PRESSURE else RAISE_IT_RESOURCE_BELOW
        assert shows_raise_it({d.slug: edge}) == d.is_systemic, d.slug
        assert not shows_raise_it({d.slug: inside})


@pytest.mark.parametrize("answer", ANSWERS)
def test_supervision_that_mostly_did_not_go_ahead_shows_the_raise_it_card(answer):
    """ "None of it" or "Less than half" of planned supervision: the service's to put right."""
    assert shows_raise_it({}, {SUPERVISION_HAPPENED: answer}) == (answer < SUPERVISION_MISSED_BELOW)
    assert SUPERVISION_MISSED_BELOW == 3


def test_supervision_that_was_not_planned_is_not_supervision_missed():
    """ "No supervision was planned" (leave, sickness) is stored below the scale: nothing to raise."""
    assert not shows_raise_it({}, {SUPERVISION_HAPPENED: DOES_NOT_APPLY})


def test_every_statement_about_how_the_person_is_in_every_question_set_is_one_the_grading_knows():
    """A renamed statement would be graded as the low-mood one, and a renamed frequency not read at all: this says so
    before anyone sees it."""
    seen = set()
    for path in sorted(DATA.glob("questions_v*.json")):
        for s in json.loads(path.read_text())["questions"]:
            if s.get("kind") == StatementKind.WELLBEING:
                assert s["code"] in {LOW_MOOD, WORN_OUT} and s.get("scale") == "how_often", (path.name, s["code"])
                seen.add(s["code"])
            if s.get("kind") == StatementKind.FREQUENCY:
                assert s["code"] in {WORKED_OVER, SUPERVISION_HAPPENED}, (path.name, s["code"])
                seen.add(s["code"])
    assert seen == {LOW_MOOD, WORN_OUT, WORKED_OVER, SUPERVISION_HAPPENED}
