"""The values prompt on phase 2's first page quotes the person's own answer: "you said “Strongly disagree” to …",
never "you agreed" to something they disagreed with; and when the pressure is the service's, it asks whether it is
something to carry or something to raise, never how values help to bear it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments.core.framework import SCALE_LABELS, AnswerScale
from assessments.core.scoring import keyed
from assessments.core.steps import STEPS
from assessments.models import PractitionerProfile, Question
from assessments.practitioner.checkins import checkin_start
from assessments.practitioner.questions import DEFAULT_QUESTION_FILE, SECOND_EDITION_FILE, question_set_load
from devtools.answers import answer_every_step
from tests.page_text import text_of

VALUES_STEP = next(s for s in STEPS if s.asks_values)
AGREEMENT = dict(SCALE_LABELS[AnswerScale.AGREEMENT])
CARRY_OR_RAISE = "Is it something to carry for now, or something to raise?"
HELP_WITH_THAT = "How does what matters to you help with that?"


def prompt_for(client, user, team, answers: dict[str, int]) -> str:
    """The values prompt's text on phase 2's first page of a draft answered with `answers` by code (every other
    statement "Neither agree nor disagree"), by someone who named their values last time ("" if no prompt)."""
    PractitionerProfile.objects.update_or_create(user=user, defaults={"values": "Helping people feel heard."})
    draft = answer_every_step(checkin_start(user=user, team=team), lambda q: answers.get(q.code, 3))
    client.force_login(user)
    html = client.get(reverse("practitioner:checkin_step", args=[draft.pk, VALUES_STEP.slug])).content.decode()
    return text_of(html, "values-prompt")


def test_someone_who_strongly_disagreed_they_had_a_say_is_never_told_they_agreed(client, practitioner, team):
    """The domain review's pattern G on v2: neutral on every pressure, "Strongly disagree" to having a say."""
    question_set_load(path=SECOND_EDITION_FILE)
    prompt = prompt_for(client, practitioner, team, {"sp_say": 1})
    assert "Earlier you said “Strongly disagree” to: “I had a say in decisions about how I do my work.”" in prompt
    assert "agree" not in prompt.replace("Strongly disagree", "")
    # It is the service's part: something to carry or to raise, not something values should help to bear.
    assert CARRY_OR_RAISE in prompt and HELP_WITH_THAT not in prompt
    assert "“Helping people feel heard.”" in prompt and "..”" not in prompt and "”." not in prompt


def test_on_v3_having_no_say_is_a_pressure_agreed_with_and_offered_to_carry_or_raise(client, practitioner, team):
    """v3 words the same pattern as the pressure it is scored as: no reverse key left to turn round."""
    question_set_load()
    prompt = prompt_for(client, practitioner, team, {"sp_not_asked": 5})
    assert "Earlier you said “Strongly agree” to: “Decisions about how I do my work were made without asking me.”" in (
        prompt
    )
    assert CARRY_OR_RAISE in prompt and HELP_WITH_THAT not in prompt


@pytest.mark.parametrize("edition", [SECOND_EDITION_FILE, DEFAULT_QUESTION_FILE], ids=["v2", "v3"])
@pytest.mark.parametrize("answer", range(1, 6), ids=lambda v: AGREEMENT[v])
def test_every_phase_1_statement_is_quoted_with_the_answer_given_and_only_when_it_shows_pressure(
    client, practitioner, team, answer, edition
):
    """Each statement of phase 1 in turn the only one off the middle: reverse-keyed or not, the prompt quotes it with
    the words of the answer given, shows only when that answer means pressure, and never says "agreed"."""
    question_set = question_set_load(path=edition)[0]
    phase_1 = Question.objects.filter(question_set=question_set, kind="scored").select_related("question_set")
    statements = [q for q in phase_1 if q.phase_slug == "challenges"]
    # v2 has one reverse-keyed statement (sp_say); v3 has none.
    assert any(q.reverse_keyed for q in statements) == (question_set.version == 2)
    for question in statements:
        client.logout()
        practitioner.checkins.all().delete()
        prompt = prompt_for(client, practitioner, team, {question.code: answer})
        shows = keyed(answer, reverse=question.reverse_keyed) >= 4
        assert bool(prompt) == shows, (question.code, answer, prompt)
        if shows:
            assert f"Earlier you said “{AGREEMENT[answer]}” to: “{question.text}”" in prompt, (question.code, prompt)
            assert "agreed" not in prompt and "you agree" not in prompt
            systemic = question.dimension == "systemic_pressures"
            assert (CARRY_OR_RAISE in prompt) == systemic and (HELP_WITH_THAT in prompt) == (not systemic)
