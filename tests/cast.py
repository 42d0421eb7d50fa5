"""The cast: a service, a team, a practitioner, a teammate, a lead, a service lead, an outsider and an administrator.

Each is built by one `new_…` function here. tests/conftest.py's fixtures call them, and so do the worlds built once
per module (tests/world.py), so both kinds of test meet the same people."""

from __future__ import annotations

from datetime import UTC, datetime

from django.contrib.auth.models import User

from assessments.models import Membership, Role, Service, ServiceLead, Team

PASSWORD = "a-long-test-password-1"
# The cast joined their teams long ago, so their check-ins count in every period a test uses (a practitioner
# counts in a team's figures from the first whole period after joining).
JOINED = datetime(2023, 1, 2, 9, 0, tzinfo=UTC)


def make_user(username: str, **extra) -> User:
    return User.objects.create_user(username=username, password=PASSWORD, email=f"{username}@example.nhs.uk", **extra)


def new_service() -> Service:
    return Service.objects.create(name="Riverside Talking Therapies")


def new_team(service: Service, name: str = "North team") -> Team:
    return Team.objects.create(service=service, name=name)


def new_member(team: Team, username: str, first_name: str, role: str = Role.PRACTITIONER, joined=JOINED) -> User:
    """A new person in `team`; `joined=None` means they joined just now."""
    user = make_user(username, first_name=first_name)
    Membership.objects.create(user=user, team=team, role=role, **({"created_at": joined} if joined else {}))
    return user


def new_practitioner(team: Team) -> User:
    return new_member(team, "priya", "Priya")


def new_teammate(team: Team) -> User:
    return new_member(team, "tom", "Tom")


def new_lead(team: Team) -> User:
    return new_member(team, "leah", "Leah", Role.LEAD, joined=None)


def new_other_lead(other_team: Team) -> User:
    return new_member(other_team, "oscar", "Oscar", Role.LEAD, joined=None)


def new_admin() -> User:
    return User.objects.create_superuser("ada", "ada@example.nhs.uk", PASSWORD)


def new_service_lead(service: Service) -> User:
    """Leads the whole service: sees every team's summary and the service's own."""
    user = make_user("sasha", first_name="Sasha")
    ServiceLead.objects.create(user=user, service=service)
    return user


def new_outsider() -> User:
    """Signed up, in no team."""
    return make_user("olive", first_name="Olive")
