"""Teams reminded weekly or every two weeks when migration 0021 runs are reminded every four weeks after it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from assessments.models import Cadence, Team

BEFORE = [("assessments", "0019_question_does_not_apply")]
AFTER = [("assessments", "0021_reminders_every_four_weeks")]


@pytest.mark.django_db(transaction=True)
def test_weekly_and_fortnightly_reminders_become_every_four_weeks_and_the_others_stay():
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(BEFORE)
        old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
        service = old.get_model("assessments", "Service").objects.create(name="Old service")
        teams = {
            cadence: old.get_model("assessments", "Team")
            .objects.create(service=service, name=f"{cadence or 'none'} team", checkin_cadence=cadence)
            .pk
            for cadence in ["", "weekly", "fortnightly", "monthly"]
        }
        MigrationExecutor(connection).migrate(AFTER)
        after = dict(Team.objects.filter(pk__in=teams.values()).values_list("pk", "checkin_cadence"))
        assert after == {
            teams[""]: Cadence.NONE,
            teams["weekly"]: Cadence.FOUR_WEEKLY,
            teams["fortnightly"]: Cadence.FOUR_WEEKLY,
            teams["monthly"]: Cadence.MONTHLY,
        }
    finally:
        MigrationExecutor(connection).migrate(leaves)
