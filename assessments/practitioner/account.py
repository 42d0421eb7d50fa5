"""Deleting a person's account and everything the app holds about them."""

from __future__ import annotations

from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from assessments.models.checkins import CheckIn
from assessments.practitioner.checkins import checkin_delete


@transaction.atomic
def account_delete(*, user: AbstractBaseUser) -> None:
    """Delete the person and all their data.

    Check-ins go one by one through checkin_delete, so any bookkeeping it keeps
    for team summaries stays right; everything else the person owns cascades
    from the user row (moves, supervision notes, reminders, memberships, profile).
    Invites they created or used stay with the team, with the link to them cleared.
    Failed sign-in records that login throttling kept under their username go too.
    """
    for checkin in CheckIn.objects.filter(user=user).order_by("pk"):
        checkin_delete(checkin=checkin)
    username = user.get_username()
    AccessAttempt.objects.filter(username=username).delete()
    AccessFailureLog.objects.filter(username=username).delete()
    user.delete()
