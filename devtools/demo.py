"""Demo data for a newcomer's first run. Safe to run twice: it never duplicates."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from assessments.core.periods import MONTH, Period, current_period
from assessments.core.steps import STEPS
from assessments.leads.contributions import entries_rebuild
from assessments.models.checkins import CheckIn
from assessments.models.organisation import Membership, Role, Service, ServiceLead, Team
from assessments.practitioner.checkins import checkin_save_step, checkin_start, checkin_submit
from assessments.practitioner.questions import question_set_load, questions_by_phase

DEMO_PASSWORD = "demo-password-2026"
DEMO_PRACTITIONER = "pat"
DEMO_LEAD = "lee"
DEMO_ADMIN = "admin"

# Each demo teammate leans a little differently; systemic pressure is high across the team.
TEAMMATES = ["alex", "bea", "cal", "dev", "eli", "fran", "gus"]


def _user(username: str, first_name: str, *, staff: bool = False) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first_name,
            "email": f"{username}@example.nhs.uk",
            "is_staff": staff,
            "is_superuser": staff,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _mid(period: Period):
    """Ten days into a period, at a quarter past ten."""
    return timezone.make_aware(datetime.combine(period.start, time(10, 15))) + timedelta(days=10)


def _answer_checkin(user: User, team: Team, rng: random.Random, *, when, lean: dict[str, int]) -> CheckIn:
    checkin = checkin_start(user=user, team=team)
    by_phase = questions_by_phase(checkin.question_set)
    for step in STEPS[:-1]:
        answers = {}
        for q in by_phase[step.slug]:
            base = lean.get(q.dimension, 3)
            answers[q.pk] = min(5, max(1, base + rng.choice([-1, 0, 0, 1])))
        checkin_save_step(checkin=checkin, step=step, answers=answers, reflection="")
    checkin = checkin_submit(checkin=checkin)
    CheckIn.objects.filter(pk=checkin.pk).update(submitted_at=when, created_at=when)
    return checkin


@transaction.atomic
def demo_seed(*, seed: int = 2026) -> dict[str, int]:
    """Create a demo service with two teams, a practitioner, a lead, an admin and a history of check-ins."""
    rng = random.Random(seed)
    question_set_load()
    service, _ = Service.objects.get_or_create(name="Northshire Talking Therapies")
    team, _ = Team.objects.get_or_create(service=service, name="North PWP team")
    Team.objects.get_or_create(service=service, name="South PWP team")

    _user(DEMO_ADMIN, "Ada", staff=True)
    pat = _user(DEMO_PRACTITIONER, "Pat")
    lee = _user(DEMO_LEAD, "Lee")
    # The demo team has worked together for a while: a practitioner counts in the team's figures from the first
    # whole period after joining, and the demo's check-ins go back two months.
    joined = {"created_at": timezone.now() - timedelta(days=365)}
    Membership.objects.get_or_create(user=pat, team=team, role=Role.PRACTITIONER, defaults=joined)
    Membership.objects.get_or_create(user=lee, team=team, role=Role.LEAD)
    ServiceLead.objects.get_or_create(user=lee, service=service)

    created = 0
    now = timezone.now()
    people = [(pat, {"systemic_pressures": 4, "individual_coping": 3, "individual_values": 4})]
    for name in TEAMMATES:
        mate = _user(name, name.title())
        Membership.objects.get_or_create(user=mate, team=team, role=Role.PRACTITIONER, defaults=joined)
        people.append((mate, {"systemic_pressures": 4, "systemic_support": rng.choice([2, 3]), "work_boundaries": 3}))
    for user, lean in people:
        if CheckIn.objects.filter(user=user).exists():
            continue
        # One check-in in each of the two months before this one (summaries show months that have ended)
        # and one today, so the practitioner sees a trend and the lead's latest summary has figures.
        two_months_ago = current_period(MONTH).previous().previous()
        for when in (_mid(two_months_ago), _mid(two_months_ago.next()), now - timedelta(minutes=5)):
            _answer_checkin(user, team, rng, when=when, lean=lean)
            created += 1
    # The check-ins were back-dated after submitting, so work out again which one counts in each period.
    entries_rebuild(user_ids=[user.pk for user, _lean in people])
    return {"check-ins created": created}
