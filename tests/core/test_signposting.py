"""When the support panel and the "raise it" card show: from how the person is, never from workload alone."""

import itertools

import pytest

from assessments.core.framework import DIMENSIONS, Direction
from assessments.core.signposting import (
    RAISE_IT_PRESSURE_FROM,
    RAISE_IT_RESOURCE_BELOW,
    SUPPORT_FROM_WELLBEING_ANSWER,
    SUPPORT_RESOURCES_BELOW,
    shows_raise_it,
    shows_support,
)


def test_the_heaviest_workload_alone_never_shows_the_support_panel_but_shows_the_raise_it_card():
    pressures = {d.slug: 100.0 for d in DIMENSIONS if d.direction == Direction.PRESSURE}
    assert not shows_support(pressures, wellbeing_answers=[])
    assert not shows_support(pressures, wellbeing_answers=[SUPPORT_FROM_WELLBEING_ANSWER - 1])
    assert shows_raise_it(pressures)


@pytest.mark.parametrize("answer", range(1, 6))
def test_a_wellbeing_answer_shows_the_panel_from_its_threshold_even_in_the_middle_of_every_dimension(answer):
    middle = {d.slug: 50.0 for d in DIMENSIONS}
    assert shows_support(middle, wellbeing_answers=[1, answer]) == (answer >= SUPPORT_FROM_WELLBEING_ANSWER)
    assert not shows_raise_it(middle)


def test_two_very_low_resources_show_the_panel_but_one_does_not():
    resources = [d.slug for d in DIMENSIONS if d.direction == Direction.RESOURCE]
    for a, b in itertools.combinations(resources, 2):
        assert shows_support({a: SUPPORT_RESOURCES_BELOW - 0.1, b: SUPPORT_RESOURCES_BELOW - 0.1}, [])
        assert not shows_support({a: SUPPORT_RESOURCES_BELOW - 0.1, b: SUPPORT_RESOURCES_BELOW}, [])


def test_the_raise_it_card_reads_only_systemic_scores_at_their_thresholds():
    for d in DIMENSIONS:
        edge = RAISE_IT_PRESSURE_FROM if d.direction == Direction.PRESSURE else RAISE_IT_RESOURCE_BELOW - 0.1
        inside = RAISE_IT_PRESSURE_FROM - 0.1 if d.direction == Direction.PRESSURE else RAISE_IT_RESOURCE_BELOW
        assert shows_raise_it({d.slug: edge}) == d.is_systemic, d.slug
        assert not shows_raise_it({d.slug: inside})
