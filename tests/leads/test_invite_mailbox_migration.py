"""Invites open when migration 0015 runs take their mailbox: the newest of several to one mailbox, and no other."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from assessments.models import Invite
from tests.migrations_run import migrate, schema_at

# Slow, so `make test` runs it and `make test-fast` leaves it out: migrates the whole schema back and forth.
pytestmark = pytest.mark.slow

BEFORE = [("assessments", "0014_admin_audit_events")]
AFTER = [("assessments", "0015_invite_open_mailbox")]


@pytest.mark.django_db(transaction=True)
def test_of_several_open_invites_to_one_mailbox_the_newest_holds_it_and_used_or_expired_ones_hold_nothing():
    with schema_at(BEFORE) as old:
        team = old.get_model("assessments", "Team").objects.create(
            service=old.get_model("assessments", "Service").objects.create(name="Old service"), name="Old team"
        )
        now = timezone.now()

        def invite(email, *, days_ago, used=False, expired=False):
            return (
                old.get_model("assessments", "Invite")
                .objects.create(
                    team_id=team.pk,
                    email=email,
                    token_hash=f"{email}-{days_ago}",
                    created_at=now - timedelta(days=days_ago),
                    expires_at=now + timedelta(days=-1 if expired else 7 - days_ago),
                    used_at=now if used else None,
                )
                .pk
            )

        older, newer = invite("lena+1@trust.nhs.uk", days_ago=3), invite("Lena+2@Trust.nhs.uk", days_ago=1)
        used, expired = (
            invite("pat@trust.nhs.uk", days_ago=2, used=True),
            invite("sam@trust.nhs.uk", days_ago=0, expired=True),
        )
        no_address = invite("", days_ago=1)

        migrate(AFTER)
        held = dict(Invite.objects.values_list("pk", "open_mailbox"))
        assert held == {older: "", newer: "lena@trust.nhs.uk", used: "", expired: "", no_address: ""}
