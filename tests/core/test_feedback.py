"""Feedback reads the whole profile, and reads once: the system's part named once, above every concern; no sentence
said twice; nothing that contradicts another sentence, a score or an answer on the same page; short enough for a
phone. Swept over every pattern of bands across the seven dimensions, with the frequency answers that change it."""

import itertools
from collections import Counter

import pytest

from assessments.core.feedback import (
    ALONGSIDE,
    CONCERN_FEEDBACK,
    STRENGTH_FEEDBACK,
    SUPERVISION_MISSED_PART,
    SYSTEM_PARTS,
    WORKED_OVER_OFTEN,
    WORKED_OVER_OFTEN_FROM,
    feedback_for,
    frequency_notes,
)
from assessments.core.framework import DIMENSIONS, Direction
from assessments.core.scoring import is_concerning
from assessments.core.signposting import SUPERVISION_HAPPENED, WORKED_OVER, shows_raise_it
from tests.page_text import sentences, words

SYSTEMIC = [d for d in DIMENSIONS if d.is_systemic]
INDIVIDUAL = [d for d in DIMENSIONS if not d.is_systemic]
# A score in each band: low, middle, high.
BANDS = {"low": 20.0, "middle": 50.0, "high": 80.0}
# Working over: not asked, "About once a week", "Several times a week". Supervision: not asked, "Less than half",
# "About half".
WORKED_OVER_ANSWERS = (None, WORKED_OVER_OFTEN_FROM - 1, WORKED_OVER_OFTEN_FROM)
SUPERVISION_ANSWERS = (None, 2, 3)
# The worst case stays within about 250 words: about one phone screen of text at 390 px.
WORDS_AT_MOST = 250


def concerning_band(dimension) -> str:
    return "high" if dimension.direction == Direction.PRESSURE else "low"


def sweep():
    """Every pattern of bands over the seven dimensions, with each frequency answer that changes the feedback: the
    profile's inputs, and the page's "raise it" card decided as the profile decides it."""
    for bands in itertools.product(BANDS.values(), repeat=len(DIMENSIONS)):
        scores = {d.slug: score for d, score in zip(DIMENSIONS, bands, strict=True)}
        for worked_over, supervision in itertools.product(WORKED_OVER_ANSWERS, SUPERVISION_ANSWERS):
            frequencies = {
                code: value
                for code, value in ((WORKED_OVER, worked_over), (SUPERVISION_HAPPENED, supervision))
                if value is not None
            }
            card = shows_raise_it(scores, frequencies)
            yield scores, frequencies, feedback_for(scores, None, frequencies, raise_it_card=card)


def page_texts(feedback, frequencies) -> list[str]:
    """Everything the feedback puts on the page: the lead-in, each item, and the notes under the frequencies."""
    return [*feedback.texts, *frequency_notes(frequencies).values()]


# Things that cannot both be said on one page: praise beside the concern it contradicts.
CONTRADICTIONS = [
    *((STRENGTH_FEEDBACK[d.slug], CONCERN_FEEDBACK[d.slug]) for d in INDIVIDUAL),
    *((STRENGTH_FEEDBACK[slug], part) for slug, part in SYSTEM_PARTS.items()),
    (STRENGTH_FEEDBACK["systemic_support"], SUPERVISION_MISSED_PART),
    (STRENGTH_FEEDBACK["work_boundaries"], WORKED_OVER_OFTEN),
    # The domain review's pattern A: "The demands of the role feel manageable" under a lot of pressure.
    ("manageable", SYSTEM_PARTS["systemic_pressures"]),
    ("demands of the role", SYSTEM_PARTS["systemic_pressures"]),
]


@pytest.mark.slow
def test_over_every_pattern_no_sentence_is_repeated_nothing_contradicts_and_the_worst_case_is_short():
    longest, patterns = (0, None), 0
    for scores, frequencies, feedback in sweep():
        patterns += 1
        texts = page_texts(feedback, frequencies)
        said = [s for t in texts for s in sentences(t)]
        repeated = [s for s, n in Counter(said).items() if n > 1]
        assert not repeated, (scores, frequencies, repeated)
        page = " ".join(texts)
        for a, b in CONTRADICTIONS:
            assert not (str(a) in page and str(b) in page), (scores, frequencies, a, b)
        if (count := words(page)) > longest[0]:
            longest = (count, (scores, frequencies, page))
    assert patterns == 3 ** len(DIMENSIONS) * len(WORKED_OVER_ANSWERS) * len(SUPERVISION_ANSWERS)
    assert longest[0] <= WORDS_AT_MOST, longest


@pytest.mark.slow
def test_over_every_pattern_praise_never_contradicts_a_score_or_an_answer_on_the_same_page():
    for scores, frequencies, feedback in sweep():
        for item in feedback.items:
            score = scores[item.dimension.slug]
            assert item.needs_attention == is_concerning(score, item.dimension.direction), (scores, item)
        praised = {i.dimension.slug for i in feedback.items if not i.needs_attention}
        if frequencies.get(WORKED_OVER, 0) >= WORKED_OVER_OFTEN_FROM:
            assert "work_boundaries" not in praised, (scores, frequencies)
        if frequencies.get(SUPERVISION_HAPPENED, 5) < 3:
            assert "systemic_support" not in praised, (scores, frequencies)


@pytest.mark.slow
def test_over_every_pattern_the_system_is_named_once_above_every_concern_and_self_care_is_never_instead():
    for scores, frequencies, feedback in sweep():
        system = [str(p) for slug, p in SYSTEM_PARTS.items() if scores[slug] == BANDS[concerning_band_of(slug)]]
        if frequencies.get(SUPERVISION_HAPPENED, 5) < 3:
            system.append(str(SUPERVISION_MISSED_PART))
        page = " ".join(feedback.texts)
        assert page.count("Your answers show") == (1 if system else 0), (scores, frequencies)
        if not system:
            continue
        assert feedback.texts[0] == feedback.lead_in and all(p in feedback.lead_in for p in system)
        concerns = [i for i in feedback.items if i.needs_attention]
        assert (str(ALONGSIDE) in feedback.lead_in) == bool(concerns)
        # The route to raise it is said once: here, or in the "raise it" card the lead-in points to.
        card = shows_raise_it(scores, frequencies)
        assert ("says how to raise it" in feedback.lead_in) == card
        assert ("It is worth raising" in feedback.lead_in) == (not card)


def concerning_band_of(slug: str) -> str:
    return concerning_band(next(d for d in DIMENSIONS if d.slug == slug))


@pytest.mark.parametrize("worked_over", range(1, 6))
def test_working_over_several_times_a_week_or_more_blocks_the_praise_for_boundaries(worked_over):
    scores = {"work_boundaries": 90.0}
    texts = feedback_for(scores, None, {WORKED_OVER: worked_over}).texts
    praised = str(STRENGTH_FEEDBACK["work_boundaries"]) in texts
    assert praised == (worked_over < WORKED_OVER_OFTEN_FROM)
    assert (WORKED_OVER in frequency_notes({WORKED_OVER: worked_over})) == (not praised)
    assert WORKED_OVER_OFTEN_FROM == 4  # "Several times a week"


def test_no_feedback_implies_a_lapse_or_assumes_the_person_is_new():
    texts = [str(t) for t in (*CONCERN_FEEDBACK.values(), *STRENGTH_FEEDBACK.values(), WORKED_OVER_OFTEN)]
    for text in texts:
        for word in ("slipped", "earlier on", "new to", "failed to", "you need to try harder"):
            assert word not in text.lower(), (word, text)


def test_praise_is_left_out_when_the_same_dimension_has_just_dropped_a_long_way():
    scores = {"individual_values": 70.0, "systemic_pressures": 20.0}
    praised = {i.dimension.slug for i in feedback_for(scores, {"individual_values": -5.0}).items}
    assert "individual_values" in praised
    dropped = feedback_for(scores, {"individual_values": -25.0}).items
    assert "individual_values" not in {i.dimension.slug for i in dropped}
    # A pressure that rose sharply is not called manageable either.
    rose = feedback_for(scores, {"systemic_pressures": 18.0}).items
    assert "systemic_pressures" not in {i.dimension.slug for i in rose}


def test_a_profile_with_no_scores_says_nothing():
    assert not feedback_for({d.slug: None for d in DIMENSIONS})
