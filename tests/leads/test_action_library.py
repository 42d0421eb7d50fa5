"""The suggested actions: true to the paper, keyed to real dimensions and statements, and the service's to do."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.urls import reverse

from assessments.core.framework import DIMENSIONS_BY_SLUG, StatementKind
from assessments.leads.action_library import (
    LIBRARY,
    LIBRARY_BY_KEY,
    RECOMMENDATIONS,
    STATEMENT_CONSTRUCTS,
    suggestions_by_dimension,
    suggestions_for_statement,
)
from assessments.models import TeamAction
from assessments.practitioner.questions import active_question_set

ROOT = Path(__file__).resolve().parents[2]
QUESTION_SETS = sorted((ROOT / "assessments/data").glob("questions_v*.json"))
# The paper's recommendations section, copied word for word (its first three lines say where from).
SECTION = Path(__file__).with_name("paper_recommendations.txt").read_text().split("---\n", 1)[1]


def test_every_quoted_recommendation_is_found_word_for_word_in_the_paper():
    for recommendation in RECOMMENDATIONS.values():
        paragraphs = [p for p in SECTION.split("\n\n")[1:] if p.strip()]
        number = int(recommendation.locator.rsplit(" ", 1)[1])  # "…, paragraph 3"
        assert recommendation.quote in paragraphs[number - 1], recommendation.key


def test_every_suggestion_cites_a_real_recommendation_or_is_marked_as_the_services_own():
    for s in LIBRARY:
        assert s.recommendation_key == "" or s.recommendation_key in RECOMMENDATIONS, s.key
    own = {s.key for s in LIBRARY if s.recommendation is None}
    # The paper names these pressures but recommends no fix for them (domain review 4.1).
    assert {"caseload_ceiling", "admin_time", "referral_fit", "say_in_decisions", "targets_review"} <= own


def test_the_papers_mindfulness_and_cross_team_recommendations_have_suggestions():
    assert "mindfulness" in str(LIBRARY_BY_KEY["mindfulness_sessions"].description).lower()
    assert "mindfulness" in LIBRARY_BY_KEY["mindfulness_sessions"].recommendation.quote
    assert "other teams" in str(LIBRARY_BY_KEY["across_teams"].description)
    assert "bring professionals together" in LIBRARY_BY_KEY["across_teams"].recommendation.quote


def test_every_statement_of_every_question_set_matches_a_suggestion_of_its_own_dimension():
    for path in QUESTION_SETS:
        for q in json.loads(path.read_text())["questions"]:
            if q.get("kind") == StatementKind.WELLBEING:
                continue  # how the person is: private, never in a lead's figures
            found = suggestions_for_statement(q["code"])
            assert found, f"{path.name}: {q['code']} has no suggestion; add it to STATEMENT_CONSTRUCTS"
            assert any(s.dimension_slug == q["dimension"] for s in found), q["code"]


@pytest.mark.django_db
def test_every_scored_systemic_statement_of_the_active_question_set_has_a_suggestion(question_set):
    active = active_question_set()
    assert active is not None
    statements = [
        q
        for q in active.questions.all()
        if DIMENSIONS_BY_SLUG[q.dimension].is_systemic and StatementKind(q.kind).is_scored
    ]
    assert statements
    missing = [q.code for q in statements if not suggestions_for_statement(q.code)]
    assert missing == [], f"add these codes to STATEMENT_CONSTRUCTS: {missing}"


def test_the_constructs_of_the_statements_v2_added_have_their_own_suggestions():
    wanted = {
        "sp_say": "say_in_decisions",
        "sv_targets": "targets_review",
        "sv_no_blame": "compassionate_incidents",
        "supervision_happened": "supervision_kept",
        "worked_over": "hours_given_back",
        "leave_thoughts": "stay_conversations",
    }
    for code, key in wanted.items():
        assert LIBRARY_BY_KEY[key] in suggestions_for_statement(code), code


def test_every_construct_a_suggestion_answers_is_measured_by_a_statement():
    measured = set(STATEMENT_CONSTRUCTS.values())
    for s in LIBRARY:
        assert s.constructs and set(s.constructs) <= measured, s.key


def test_suggestions_on_individual_dimensions_are_about_what_the_service_provides():
    for s in LIBRARY:
        assert s.dimension_slug in DIMENSIONS_BY_SLUG, s.key
        if s.dimension.is_systemic:
            assert s.provision == "", s.key
        else:
            assert s.provision in TeamAction.Provision.values, s.key


def test_every_dimension_has_at_least_one_suggestion_and_keys_are_unique():
    assert len(LIBRARY_BY_KEY) == len(LIBRARY)
    assert all(items for _dimension, items in suggestions_by_dimension())


def test_each_description_fits_an_action():
    assert all(len(str(s.description)) <= TeamAction._meta.get_field("description").max_length for s in LIBRARY)


def test_the_action_page_quotes_each_recommendation_and_marks_the_services_own_ideas(client, lead, team):
    client.force_login(lead)
    html = client.get(reverse("leads:team_action_add", args=[team.pk])).content.decode()
    assert html.count("The service's own idea:") == sum(1 for s in LIBRARY if s.recommendation is None)
    for s in LIBRARY:
        assert f'id="{s.anchor}"' in html
    reflection = RECOMMENDATIONS["reflective_practice"]
    assert f'<q lang="en">{reflection.quote}</q>' in html
    assert "paragraph 2" in html
    assert "From the recommendation: Effective leadership" not in html
