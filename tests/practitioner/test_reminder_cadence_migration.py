"""Teams reminded weekly or every two weeks when migration 0021 runs are reminded every four weeks after it."""

from __future__ import annotations

import pytest

from assessments.models import Cadence, Team
from tests.migrations_run import migrate, schema_at

# Slow, so `make test` runs it and `make test-fast` leaves it out: migrates the whole schema back and forth.
pytestmark = pytest.mark.slow

BEFORE = [("assessments", "0019_question_does_not_apply")]
AFTER = [("assessments", "0021_reminders_every_four_weeks")]


@pytest.mark.django_db(transaction=True)
def test_weekly_and_fortnightly_reminders_become_every_four_weeks_and_the_others_stay():
    with schema_at(BEFORE) as old:
        service = old.get_model("assessments", "Service").objects.create(name="Old service")
        teams = {
            cadence: old.get_model("assessments", "Team")
            .objects.create(service=service, name=f"{cadence or 'none'} team", checkin_cadence=cadence)
            .pk
            for cadence in ["", "weekly", "fortnightly", "monthly"]
        }
        migrate(AFTER)
        after = dict(Team.objects.filter(pk__in=teams.values()).values_list("pk", "checkin_cadence"))
    assert after == {
        teams[""]: Cadence.NONE,
        teams["weekly"]: Cadence.FOUR_WEEKLY,
        teams["fortnightly"]: Cadence.FOUR_WEEKLY,
        teams["monthly"]: Cadence.MONTHLY,
    }
