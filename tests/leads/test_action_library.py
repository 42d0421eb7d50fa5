"""The suggested actions: drawn from the paper, keyed to real dimensions and statements, and the service's to do."""

from __future__ import annotations

import json
from pathlib import Path

from assessments.core.framework import DIMENSIONS_BY_SLUG
from assessments.leads.action_library import LIBRARY, LIBRARY_BY_KEY, suggestions_by_dimension
from assessments.models import TeamAction

QUESTIONS = json.loads((Path(__file__).resolve().parents[2] / "assessments/data/questions_v1.json").read_text())


def test_every_suggestion_names_a_dimension_and_a_statement_of_that_dimension():
    dimension_of = {q["code"]: q["dimension"] for q in QUESTIONS["questions"]}
    for s in LIBRARY:
        assert s.dimension_slug in DIMENSIONS_BY_SLUG, s.key
        if s.statement:
            assert dimension_of[s.statement] == s.dimension_slug, s.key


def test_suggestions_on_individual_dimensions_are_about_what_the_service_provides():
    for s in LIBRARY:
        if s.dimension.is_systemic:
            assert s.provision == "", s.key
        else:
            assert s.provision in TeamAction.Provision.values, s.key


def test_every_dimension_has_at_least_one_suggestion_and_keys_are_unique():
    assert len(LIBRARY_BY_KEY) == len(LIBRARY)
    assert all(items for _dimension, items in suggestions_by_dimension())


def test_each_description_fits_an_action():
    assert all(len(str(s.description)) <= TeamAction._meta.get_field("description").max_length for s in LIBRARY)
