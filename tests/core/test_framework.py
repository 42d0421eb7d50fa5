import json

from assessments.core.framework import DIMENSIONS, PHASES, Direction, Level
from assessments.practitioner.questions import DEFAULT_QUESTION_FILE


def test_the_model_has_three_phases_in_the_papers_order():
    assert [p.slug for p in PHASES] == ["challenges", "values", "coping"]
    assert [p.number for p in PHASES] == [1, 2, 3]


def test_the_model_has_seven_dimensions_spread_over_the_phases():
    assert len(DIMENSIONS) == 7
    assert [len(p.dimensions) for p in PHASES] == [2, 2, 3]


def test_each_dimension_has_the_level_the_paper_gives_it():
    levels = {d.slug: d.level for d in DIMENSIONS}
    assert levels == {
        "individual_challenges": Level.INDIVIDUAL,
        "systemic_pressures": Level.SYSTEMIC,
        "individual_values": Level.INDIVIDUAL,
        "systemic_values": Level.SYSTEMIC,
        "individual_coping": Level.INDIVIDUAL,
        "work_boundaries": Level.INDIVIDUAL,
        "systemic_support": Level.SYSTEMIC,
    }


def test_phase_one_measures_pressure_and_the_others_measure_resources():
    for dimension in DIMENSIONS:
        expected = Direction.PRESSURE if dimension.phase_slug == "challenges" else Direction.RESOURCE
        assert dimension.direction == expected
        assert dimension.phase.direction == expected


def test_the_question_file_has_at_least_three_statements_per_dimension():
    data = json.loads(DEFAULT_QUESTION_FILE.read_text())
    counts = {d.slug: 0 for d in DIMENSIONS}
    for q in data["questions"]:
        counts[q["dimension"]] += 1
    assert all(n >= 3 for n in counts.values()), counts
    assert sum(counts.values()) >= 21
    assert len({q["code"] for q in data["questions"]}) == len(data["questions"])


def test_each_direction_says_what_a_higher_score_means():
    assert str(Direction.PRESSURE.label) == "Higher means more pressure"
    assert str(Direction.RESOURCE.label) == "Higher means more support and strength"
    assert {str(d.direction.label) for d in DIMENSIONS} == {str(d.label) for d in Direction}
