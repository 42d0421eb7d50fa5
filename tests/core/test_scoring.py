"""Scoring is pure: worked examples with numbers you can check by hand."""

import pytest

from assessments.core.framework import Direction
from assessments.core.scoring import (
    Band,
    band,
    changes_since,
    dimension_score,
    is_concerning,
    score_dimensions,
)


def test_all_answers_at_the_middle_score_fifty():
    assert dimension_score([3, 3, 3]).score == 50.0


def test_the_ends_of_the_scale_map_to_zero_and_a_hundred():
    assert dimension_score([1, 1]).score == 0.0
    assert dimension_score([5, 5, 5]).score == 100.0


def test_a_worked_example_mean_of_four_answers():
    # mean of 2, 4, 4, 5 is 3.75 -> (3.75 - 1) / 4 * 100 = 68.75 -> 68.8
    result = dimension_score([2, 4, 4, 5])
    assert result.score == 68.8
    assert result.answered == 4


def test_unanswered_statements_are_left_out_not_counted_as_zero():
    # Only 4 and 5 count: mean 4.5 -> 87.5
    result = dimension_score([4, None, 5, None])
    assert result.score == 87.5
    assert result.answered == 2


def test_a_dimension_with_nothing_answered_has_no_score():
    result = dimension_score([None, None])
    assert result.score is None
    assert result.answered == 0


def test_an_answer_off_the_scale_is_refused():
    with pytest.raises(ValueError):
        dimension_score([3, 6])
    with pytest.raises(ValueError):
        dimension_score([0])


def test_every_dimension_gets_a_result_even_when_missing_from_the_answers():
    results = score_dimensions({"systemic_pressures": [5, 5, 4, 5]})
    assert len(results) == 7
    assert results["systemic_pressures"].score == 93.8
    assert results["work_boundaries"].score is None


def test_bands_split_the_scale_at_forty_and_sixty():
    assert band(39.9) == Band.LOW
    assert band(40.0) == Band.MIDDLE
    assert band(59.9) == Band.MIDDLE
    assert band(60.0) == Band.HIGH
    assert band(None) is None


def test_high_pressure_and_low_resource_are_the_concerning_ends():
    assert is_concerning(80, Direction.PRESSURE)
    assert not is_concerning(80, Direction.RESOURCE)
    assert is_concerning(10, Direction.RESOURCE)
    assert not is_concerning(10, Direction.PRESSURE)


def test_changes_since_the_previous_check_in():
    assert changes_since({"a": 60.0, "b": None, "c": 30.0}, {"a": 50.0, "b": 40.0}) == {"a": 10.0, "b": None, "c": None}


def test_a_dimension_needs_at_least_half_its_statements_answered():
    assert dimension_score([5, None, None, None]).score is None  # one of four
    assert dimension_score([5, None, None, None]).too_few_answers
    assert dimension_score([5, 5, None, None]).score == 100.0  # two of four is half
    assert dimension_score([5], statements=3).score is None  # blanks sent as missing still count against it
    assert dimension_score([5, 4], statements=3).score == 87.5
    assert not dimension_score([None, None]).too_few_answers  # nothing answered is "not answered"


def test_score_dimensions_counts_statements_left_blank_against_the_half_rule():
    results = score_dimensions(
        {"systemic_pressures": [5], "work_boundaries": [1, 2]}, {"systemic_pressures": 4, "work_boundaries": 3}
    )
    assert results["systemic_pressures"].score is None and results["systemic_pressures"].too_few_answers
    assert results["work_boundaries"].score == 12.5


def test_a_reverse_keyed_answer_is_turned_round():
    from assessments.core.scoring import keyed

    assert [keyed(v, reverse=True) for v in (1, 2, 3, 4, 5)] == [5, 4, 3, 2, 1]
    assert [keyed(v, reverse=False) for v in (1, 5)] == [1, 5]
