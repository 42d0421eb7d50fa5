"""Open drafts keep their place when a check-in's three phase steps become seven pages (migration 0011), and again
when the seven pages become one per phase (migration 0018)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from assessments.core.steps import first_open_step
from assessments.models import CheckIn
from tests.migrations_run import migrate, schema_at

# Slow, so `make test` runs it and `make test-fast` leaves it out: migrates the whole schema back and forth.
pytestmark = pytest.mark.slow

BEFORE = [("assessments", "0010_statement_entries")]
AFTER = [("assessments", "0011_draft_steps_by_dimension")]


@pytest.mark.django_db(transaction=True)
def test_a_draft_resumes_at_the_first_page_of_the_phase_it_had_reached_and_going_back_restores_it(question_set):
    with schema_at(BEFORE) as old:
        team = old.get_model("assessments", "Team").objects.create(
            service=old.get_model("assessments", "Service").objects.create(name="Old service"), name="Old team"
        )
        drafts = {}
        for saved_phases in range(4):
            user = old.get_model("auth", "User").objects.create(username=f"draft-{saved_phases}")
            drafts[saved_phases] = old.get_model("assessments", "CheckIn").objects.create(
                user_id=user.pk, team_id=team.pk, question_set_id=question_set.pk, steps_completed=saved_phases
            )
        sent_by = old.get_model("auth", "User").objects.create(username="sent")
        sent = old.get_model("assessments", "CheckIn").objects.create(
            user_id=sent_by.pk,
            team_id=team.pk,
            question_set_id=question_set.pk,
            steps_completed=3,
            status="submitted",
            submitted_at=timezone.now(),
        )

        migrate(AFTER)
        after = MigrationExecutor(connection).loader.project_state(AFTER).apps.get_model("assessments", "CheckIn")
        saved_pages = {n: after.objects.get(pk=d.pk).steps_completed for n, d in drafts.items()}
        # Seven pages then (challenges 2, values 2, coping 3): each draft at the first page of the next phase.
        assert saved_pages == {0: 0, 1: 2, 2: 4, 3: 7}
        assert after.objects.get(pk=sent.pk).steps_completed == 3  # a sent check-in is not a draft to resume

        migrate(BEFORE)
        assert {
            n: old.get_model("assessments", "CheckIn").objects.get(pk=d.pk).steps_completed for n, d in drafts.items()
        } == {
            0: 0,
            1: 1,
            2: 2,
            3: 3,
        }


SEVEN_PAGES = [("assessments", "0017_bind_private_words")]
BY_PHASE = [("assessments", "0018_draft_steps_by_phase")]


@pytest.mark.django_db(transaction=True)
def test_a_draft_from_the_seven_pages_resumes_at_the_page_of_the_first_phase_it_had_not_finished(question_set):
    with schema_at(SEVEN_PAGES) as old:
        team = old.get_model("assessments", "Team").objects.create(
            service=old.get_model("assessments", "Service").objects.create(name="Old service"), name="Old team"
        )
        drafts = {}
        for saved_pages in range(8):
            user = old.get_model("auth", "User").objects.create(username=f"draft-{saved_pages}")
            drafts[saved_pages] = old.get_model("assessments", "CheckIn").objects.create(
                user_id=user.pk, team_id=team.pk, question_set_id=question_set.pk, steps_completed=saved_pages
            )

        migrate(BY_PHASE)
        resumes_at = {n: first_open_step(CheckIn.objects.get(pk=d.pk).steps_completed).slug for n, d in drafts.items()}
        assert resumes_at == {
            0: "challenges",
            1: "challenges",  # half of phase 1 saved: its page, with those answers on it
            2: "values",
            3: "values",
            4: "coping",
            5: "coping",
            6: "coping",
            7: "review",  # every page saved: check your answers
        }

        migrate(SEVEN_PAGES)
        back = {
            n: old.get_model("assessments", "CheckIn").objects.get(pk=d.pk).steps_completed for n, d in drafts.items()
        }
        assert back == {0: 0, 1: 0, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 7}  # whole phases kept, as far as they went
