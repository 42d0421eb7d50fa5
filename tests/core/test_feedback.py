"""Feedback reads the whole profile: where the system is the problem, it says so first, and never blames."""

import itertools

import pytest

from assessments.core.feedback import CONCERN_FEEDBACK, STRENGTH_FEEDBACK, feedback_for
from assessments.core.framework import DIMENSIONS, Direction

SYSTEMIC = [d for d in DIMENSIONS if d.is_systemic]
INDIVIDUAL = [d for d in DIMENSIONS if not d.is_systemic]
# A score in each band: low, middle, high.
BANDS = {"low": 20.0, "middle": 50.0, "high": 80.0}


def concerning_band(dimension) -> str:
    return "high" if dimension.direction == Direction.PRESSURE else "low"


@pytest.mark.parametrize("individual", INDIVIDUAL, ids=lambda d: d.slug)
@pytest.mark.parametrize("systemic_bands", list(itertools.product(BANDS, repeat=len(SYSTEMIC))), ids=str)
def test_every_individual_concern_names_a_concerning_systemic_score_first(individual, systemic_bands):
    scores = {d.slug: BANDS[b] for d, b in zip(SYSTEMIC, systemic_bands, strict=True)}
    scores[individual.slug] = BANDS[concerning_band(individual)]
    [item] = [i for i in feedback_for(scores) if i.dimension == individual]
    system_is_the_problem = any(b == concerning_band(d) for d, b in zip(SYSTEMIC, systemic_bands, strict=True))
    if system_is_the_problem:
        assert item.text.index("That part") < item.text.index(str(CONCERN_FEEDBACK[individual.slug])[:30])
        assert "raising" in item.text
    else:
        assert item.text == str(CONCERN_FEEDBACK[individual.slug])


def test_each_concerning_systemic_score_is_named_in_the_individual_feedback():
    scores = {"systemic_pressures": 85.0, "systemic_support": 20.0, "individual_coping": 10.0}
    [coping] = [i for i in feedback_for(scores) if i.dimension.slug == "individual_coping"]
    assert "how the work is set up" in coping.text and "supervision and colleagues" in coping.text


def test_no_feedback_implies_a_lapse_or_assumes_the_person_is_new():
    texts = [str(t) for t in (*CONCERN_FEEDBACK.values(), *STRENGTH_FEEDBACK.values())]
    for text in texts:
        for word in ("slipped", "earlier on", "new to", "failed to", "you need to try harder"):
            assert word not in text.lower(), (word, text)


def test_praise_is_left_out_when_the_same_dimension_has_just_dropped_a_long_way():
    scores = {"individual_values": 70.0, "systemic_pressures": 20.0}
    assert any(i.dimension.slug == "individual_values" for i in feedback_for(scores, {"individual_values": -5.0}))
    dropped = feedback_for(scores, {"individual_values": -25.0})
    assert not any(i.dimension.slug == "individual_values" for i in dropped)
    # A pressure that rose sharply is not called manageable either.
    assert not any(i.dimension.slug == "systemic_pressures" for i in feedback_for(scores, {"systemic_pressures": 18.0}))
