"""What got in the way of moves: one vocabulary for the person and the team, and a team figure shown only from
SHARE_MIN_GROUP_SIZE people, complementary-suppressed like the statements' shares."""

import pytest

from assessments.core.anonymity import SHARES_PROTECT_ANOTHER, SHARES_TOO_FEW
from assessments.core.obstacles import OBSTACLES, PEOPLE, obstacle_cell, obstacle_figures
from assessments.models.private import MoveObstacle


@pytest.fixture(autouse=True)
def _thresholds(settings):
    settings.MIN_GROUP_SIZE = 5
    settings.SHARE_MIN_GROUP_SIZE = 10


def test_the_person_is_offered_the_obstacles_the_team_figure_counts_in_their_own_words():
    assert MoveObstacle.values == [o.key for o in OBSTACLES]
    assert [str(label) for label in MoveObstacle.labels] == [str(o.asked) for o in OBSTACLES]
    assert MoveObstacle.NO_TIME == "no_time" and MoveObstacle.OTHER.label == "Something else"


def test_a_cell_counts_people_so_a_person_naming_two_obstacles_counts_in_both():
    cell = obstacle_cell({PEOPLE: 10, "no_time": 6, "diary_full": 5})
    assert cell["n"] == 10
    assert cell["said"] == {"no_time": 6, "diary_full": 5, "not_allowed": 0, "forgot": 0, "other": 0}
    assert cell["shares"]["no_time"] == 60 and cell["shares"]["diary_full"] == 50  # more than 100% in all


def test_fewer_than_the_share_threshold_is_hidden_and_so_is_its_complement():
    counts = {
        "north": {PEOPLE: 12, "no_time": 12},
        "south": {PEOPLE: 4, "not_allowed": 4},  # too few
        "east": {},  # nobody said what got in the way: zero reveals nothing by subtraction, but is not a figure
    }
    figures = obstacle_figures(counts, forced={}, total_forced=None)
    assert figures.teams["south"] == {"hidden": SHARES_TOO_FEW}
    assert figures.teams["east"] == {"hidden": SHARES_TOO_FEW}
    # Shown beside the service's 16, north's 12 would give south's 4 "not allowed" by subtraction: hidden too.
    assert figures.teams["north"] == {"hidden": SHARES_PROTECT_ANOTHER}
    assert figures.service["n"] == 16 and figures.service["said"]["not_allowed"] == 4


def test_a_team_or_service_hidden_by_its_head_count_hides_its_obstacles():
    counts = {"north": {PEOPLE: 12, "no_time": 3}, "south": {PEOPLE: 11, "forgot": 2}, "east": {PEOPLE: 3}}
    figures = obstacle_figures(counts, forced={"east": "too_few"}, total_forced=None)
    assert figures.teams["east"] == {"hidden": "too_few"}
    # East's 3 hidden alone would be the service minus north and south: so south (the smaller) goes too.
    assert figures.teams["south"] == {"hidden": SHARES_PROTECT_ANOTHER}
    assert figures.teams["north"]["n"] == 12
    assert obstacle_figures(counts, forced={}, total_forced="too_few").service == {"hidden": "too_few"}
