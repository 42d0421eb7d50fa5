"""The rule for headlining a change in a team's mean: larger than chance for that many people, else "about the same"."""

from __future__ import annotations

import pytest

from assessments.core.changes import STEP_POINTS, chance_margin, is_real_change


def test_one_answer_step_is_a_quarter_of_the_scale():
    assert STEP_POINTS == 25


@pytest.mark.parametrize("people, margin", [(1, 25.0), (4, 12.5), (8, 8.84), (25, 5.0), (100, 2.5)])
def test_the_margin_shrinks_with_the_square_root_of_the_head_count(people, margin):
    assert chance_margin(people) == pytest.approx(margin, abs=0.01)


def test_two_points_at_eight_people_is_about_the_same():
    # The example: a change of 2 at n = 8 was headlined as if it meant something.
    assert not is_real_change(2, people_before=8, people_now=8)
    assert not is_real_change(-2, people_before=8, people_now=8)


def test_a_change_larger_than_the_margin_is_headlined_either_way():
    assert is_real_change(9, people_before=8, people_now=8)
    assert is_real_change(-9, people_before=8, people_now=8)


def test_the_smaller_head_count_of_the_two_periods_decides():
    # 6 points is beyond chance at 25 people, but not when one of the periods had only 8.
    assert is_real_change(6, people_before=25, people_now=25)
    assert not is_real_change(6, people_before=25, people_now=8)
    assert not is_real_change(6, people_before=8, people_now=25)


def test_a_mean_of_nobody_has_no_margin():
    with pytest.raises(ValueError):
        chance_margin(0)
