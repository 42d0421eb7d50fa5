"""Single-use, expiring invite links that a lead creates for their team."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models.organisation import Invite, Membership, Team


class InviteError(Exception):
    """The invite cannot be used. The message is safe to show."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def invite_create(*, team: Team, created_by: AbstractBaseUser, role: str, email: str = "") -> tuple[Invite, str]:
    """Create an invite and return it with its token (the token itself is never stored)."""
    token = secrets.token_urlsafe(32)
    invite = Invite.objects.create(
        team=team,
        role=role,
        email=email,
        token_hash=hash_token(token),
        created_by=created_by,
        expires_at=timezone.now() + timedelta(days=settings.INVITE_VALID_DAYS),
    )
    return invite, token


def find_invite(token: str) -> Invite | None:
    if not token or len(token) > 200:
        return None
    return Invite.objects.select_related("team__service").filter(token_hash=hash_token(token)).first()


@transaction.atomic
def invite_accept(*, token: str, user: AbstractBaseUser) -> Membership:
    """Use an invite for this person: they join the team. The invite cannot be used again."""
    invite = find_invite(token)
    if invite is None:
        raise InviteError(_("This invite link is not valid. Please ask your lead for a new one."))
    invite = Invite.objects.select_for_update().get(pk=invite.pk)
    if invite.used_at is not None:
        raise InviteError(_("This invite link has already been used. Please ask your lead for a new one."))
    if invite.expires_at <= timezone.now():
        raise InviteError(_("This invite link has expired. Please ask your lead for a new one."))
    membership, _created = Membership.objects.get_or_create(user=user, team=invite.team, role=invite.role)
    invite.used_at = timezone.now()
    invite.used_by = user
    invite.save(update_fields=["used_at", "used_by"])
    return membership
