"""Seed accounts for the load test: practitioners and leads in a few teams. Run after `manage.py seed_demo`.

Every account gets the same password, hashed once (Argon2 is slow by design, and this is not what we measure).
Safe to run twice.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "resilience_site.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.db import transaction  # noqa: E402

from assessments.models import Membership, Role, Service, ServiceLead, Team  # noqa: E402

PASSWORD = "load-test-password-2026"


@transaction.atomic
def seed(practitioners: int, teams: int) -> None:
    service, _ = Service.objects.get_or_create(name="Northshire Talking Therapies")
    team_list = [Team.objects.get_or_create(service=service, name=f"Load team {n}")[0] for n in range(1, teams + 1)]
    password = make_password(PASSWORD)
    wanted = [f"load-pwp-{n:04d}" for n in range(1, practitioners + 1)]
    wanted += [f"load-lead-{n}" for n in range(1, teams + 1)]
    existing = set(User.objects.filter(username__in=wanted).values_list("username", flat=True))
    User.objects.bulk_create(
        User(username=name, password=password, email=f"{name}@example.nhs.uk")
        for name in wanted
        if name not in existing
    )
    users = {u.username: u for u in User.objects.filter(username__in=wanted)}
    memberships = [
        Membership(user=users[f"load-pwp-{n:04d}"], team=team_list[(n - 1) % teams], role=Role.PRACTITIONER)
        for n in range(1, practitioners + 1)
    ]
    memberships += [
        Membership(user=users[f"load-lead-{n}"], team=team_list[n - 1], role=Role.LEAD) for n in range(1, teams + 1)
    ]
    Membership.objects.bulk_create(memberships, ignore_conflicts=True)
    # Leads also lead the service, so the service summary answers 200 for them (it is a 404 for team leads).
    ServiceLead.objects.bulk_create(
        [ServiceLead(user=users[f"load-lead-{n}"], service=service) for n in range(1, teams + 1)],
        ignore_conflicts=True,
    )
    print(f"load users: {practitioners} practitioners, {teams} team and service leads (password {PASSWORD})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--practitioners", type=int, default=300)
    parser.add_argument("--teams", type=int, default=6)
    args = parser.parse_args()
    seed(args.practitioners, args.teams)
