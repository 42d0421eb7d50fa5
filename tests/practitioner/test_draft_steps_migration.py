"""Open drafts keep their place when a check-in's three phase steps become seven pages (migration 0011)."""

from __future__ import annotations

import pytest
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
        resumes_at = {n: first_open_step(CheckIn.objects.get(pk=d.pk).steps_completed).slug for n, d in drafts.items()}
        assert resumes_at == {
            0: "individual-challenges",  # nothing saved: the first page
            1: "individual-values",  # challenges saved: phase 2's first page
            2: "individual-coping",  # values saved too: phase 3's first page
            3: "review",  # every phase saved: check and send
        }
        assert CheckIn.objects.get(pk=sent.pk).steps_completed == 3  # a sent check-in is not a draft to resume

        migrate(BEFORE)
        assert {
            n: old.get_model("assessments", "CheckIn").objects.get(pk=d.pk).steps_completed for n, d in drafts.items()
        } == {
            0: 0,
            1: 1,
            2: 2,
            3: 3,
        }
