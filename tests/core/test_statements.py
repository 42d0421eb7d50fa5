"""Statement-level figures: shown only from SHARE_MIN_GROUP_SIZE answers, complementary-suppressed like shares."""

import pytest

from assessments.core.anonymity import SHARES_PROTECT_ANOTHER, SHARES_TOO_FEW
from assessments.core.statements import statement_cell, statement_figures


@pytest.fixture(autouse=True)
def _thresholds(settings):
    settings.MIN_GROUP_SIZE = 5
    settings.SHARE_MIN_GROUP_SIZE = 10


def test_a_cell_gives_its_own_n_and_the_shares_of_each_answer_and_of_each_end():
    cell = statement_cell({1: 1, 2: 1, 3: 2, 4: 4, 5: 2})
    assert cell == {"hidden": None, "n": 10, "shares": [10, 10, 20, 40, 20], "top": 60, "bottom": 20}


def test_a_statement_answered_by_fewer_than_the_share_threshold_is_hidden_and_so_is_its_complement():
    counts = {
        "north": {"sp_volume": {4: 8, 5: 4}},  # 12 answered
        "south": {"sp_volume": {2: 4}},  # 4 answered: too few
    }
    figures = statement_figures(counts, forced={}, total_forced=None)
    assert figures.teams["south"]["sp_volume"] == {"hidden": SHARES_TOO_FEW}
    # Shown beside the service's 16, north's 12 would give south's 4 by subtraction: hidden too.
    assert figures.teams["north"]["sp_volume"] == {"hidden": SHARES_PROTECT_ANOTHER}
    assert figures.service["sp_volume"]["n"] == 16 and figures.service["sp_volume"]["top"] == 75


def test_each_statement_has_its_own_n_and_a_team_hidden_by_its_head_count_hides_every_statement():
    counts = {
        "north": {"sp_volume": {4: 12}, "sp_fit": {4: 9}},
        "south": {"sp_volume": {4: 11}, "sp_fit": {4: 11}},
        "east": {"sp_volume": {4: 3}},
    }
    figures = statement_figures(counts, forced={"east": "too_few"}, total_forced=None)
    assert figures.teams["north"]["sp_volume"]["n"] == 12
    assert figures.teams["north"]["sp_fit"] == {"hidden": SHARES_TOO_FEW}  # 9 answered this one
    assert figures.teams["east"]["sp_volume"] == {"hidden": "too_few"}
    assert figures.teams["east"]["sp_fit"] == {"hidden": "too_few"}
    shown = [t for t in figures.teams if figures.teams[t]["sp_volume"].get("hidden") is None]
    hidden_people = sum(sum(counts[t].get("sp_volume", {}).values()) for t in counts if t not in shown)
    assert hidden_people == 0 or hidden_people >= 10  # never a single small group left to subtract


def test_the_service_is_hidden_with_its_head_count():
    counts = {"north": {"sp_volume": {4: 12}}}
    figures = statement_figures(counts, forced={}, total_forced="too_few")
    assert figures.service["sp_volume"] == {"hidden": "too_few"}
