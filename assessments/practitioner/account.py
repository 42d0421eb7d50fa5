"""A person's own account: checking their password inside a session, and deleting the account with all their data."""

from __future__ import annotations

from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest

from assessments.models.checkins import CheckIn
from assessments.models.mail import OutgoingEmail
from assessments.practitioner.checkins import checkin_delete


def password_is_right(*, request: HttpRequest, user: User, password: str) -> bool:
    """Whether `password` is the signed-in person's, checked the way signing in checks it.

    user.check_password would let someone holding a stolen session guess without limit. authenticate() goes
    through login throttling (django-axes), which shares one count of wrong passwords per username and address
    with the sign-in page. Past the limit it refuses even the right password and marks the request, and its
    middleware then answers with the lockout page.
    """
    checked = authenticate(request=request, username=user.get_username(), password=password)
    return checked is not None and checked.pk == user.pk


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Delete the person and all their data.

    Check-ins go one by one through checkin_delete, so any bookkeeping it keeps
    for team summaries stays right; everything else the person owns cascades
    from the user row (moves, supervision notes, reminders, memberships, profile).
    Invites they created or used stay with the team, with the link to them cleared.
    Failed sign-in records that login throttling kept under their username go too, and so do the emails to their
    address that are waiting or were sent lately (assessments/mail/).
    """
    for checkin in CheckIn.objects.filter(user=user).order_by("pk"):
        checkin_delete(checkin=checkin)
    username = user.get_username()
    AccessAttempt.objects.filter(username=username).delete()
    AccessFailureLog.objects.filter(username=username).delete()
    if user.email:
        OutgoingEmail.objects.filter(to__iexact=user.email.strip()).delete()
    user.delete()
