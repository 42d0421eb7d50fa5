"""Invites to join a team as a practitioner: sent by email to one address, single-use, expiring.

Only real colleagues may count in a team's figures, so a lead never sees the join link: it goes to the
address the lead typed (in ALLOWED_EMAIL_DOMAINS when that is set), and following it confirms the address,
which becomes the new account's username and email. Lead roles are given by administrators only, in the
admin. Every invite sent and accepted is in the audit log (AuditEvent).

One mailbox, one person: `lena+1@…` reaches Lena's inbox, so a lead could otherwise invite four made-up colleagues
with one mailbox. Addresses are compared by mailbox (assessments/core/mailboxes.py). A lead cannot invite their own
mailbox, nor one that has an account under another address, nor one that already has an open invite (the database
decides between two at once: Invite.open_mailbox); and a sign-up never makes a second account for a mailbox.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from assessments.core.mailboxes import ascii_lower, mailbox
from assessments.leads.audit import audit_record
from assessments.mail.outbox import email_queue
from assessments.models.figures import AuditEvent
from assessments.models.organisation import Invite, Membership, Role, Team


class InviteError(Exception):
    """The invite cannot be used. The message is safe to show."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def email_allowed(email: str) -> bool:
    """Whether an address may be invited: any address, or only those in ALLOWED_EMAIL_DOMAINS when it is set.

    A to Z lowered only: Python's lower() would let a domain with a Kelvin sign (U+212A) for its k pass for ours.
    """
    domains = settings.ALLOWED_EMAIL_DOMAINS
    return not domains or mailbox(email).rpartition("@")[2] in domains


def _may_reach(field: str, wanted: str) -> Q:
    """Rows whose address in `field` may reach the mailbox `wanted`: it begins with the mailbox's local part and ends
    with its domain, case-insensitively however the database folds case (SQLite A to Z, PostgreSQL all of Unicode).
    A superset, narrowed by the database; mailbox() decides."""
    local, _at, domain = wanted.rpartition("@")
    return Q(**{f"{field}__istartswith": local, f"{field}__iendswith": f"@{domain}"})


def accounts_with_mailbox(address: str) -> list[User]:
    """The accounts whose email or username reaches the same mailbox as `address`."""
    wanted = mailbox(address)
    if "@" not in wanted:
        return []
    users = get_user_model().objects.filter(_may_reach("email", wanted) | _may_reach("username", wanted))
    return [user for user in users.order_by("pk") if wanted in {mailbox(user.email), mailbox(user.get_username())}]


def _refuse_a_second_person_at_one_mailbox(*, address: str, created_by: User) -> None:
    """Raise InviteError when `address` would make a made-up colleague: it reaches the lead's own mailbox, or one
    with an account under another address. (An account's own address may be invited: only its holder, signed in,
    can use that invite, to join another team.)"""
    accounts = accounts_with_mailbox(address)
    if any(account.pk == created_by.pk for account in accounts):
        raise InviteError(
            _("You cannot invite this address: it goes to your own mailbox, and each person has only one account here.")
        )
    if any(ascii_lower(account.email.strip()) != ascii_lower(address) for account in accounts):
        raise InviteError(
            _(
                "Someone already has an account with an address that goes to this mailbox, and each person has only "
                "one account here. If they should join your team, invite them at the address they use here."
            )
        )


def open_invite_holding(held: str) -> Invite | None:
    """The open invite holding this mailbox, if one does. Expired invites let go of theirs when asked."""
    Invite.objects.filter(open_mailbox=held, expires_at__lte=timezone.now()).update(open_mailbox="")
    return Invite.objects.filter(open_mailbox=held).first()


def _open_invite_refusal(invite: Invite | None) -> InviteError:
    if invite is None:  # the other tab's invite, not yet committed when we looked: said without its date
        return InviteError(
            _(
                "This mailbox already has an invite waiting. Please ask them to look for our email (it may be in "
                "their junk folder), or invite them again once it has expired."
            )
        )
    return InviteError(
        _(
            "This mailbox already has an invite waiting, open until %(date)s. Please ask them to look for our email "
            "(it may be in their junk folder), or invite them again once it has expired."
        )
        % {"date": date_format(timezone.localtime(invite.expires_at), "j M Y")}
    )


def _invite_queue(invite: Invite, link: str) -> None:
    email_queue(
        to=invite.email,
        subject=_("You are invited to join %(team)s on the Practitioner check-in") % {"team": invite.team.name},
        template="invite",
        context={
            "team": invite.team.name,
            "service": invite.team.service.name,
            "days": settings.INVITE_VALID_DAYS,
            "link": link,
        },
    )


@transaction.atomic
def invite_create(*, team: Team, created_by: User, email: str) -> tuple[Invite, str]:
    """Create a practitioner invite for one address and email it the link. Returns the invite and its token.

    The token is stored only as its hash, and in the queued email until that is sent (its words are wiped then), and
    it is never shown to the lead: it travels in the email alone.
    """
    email = email.strip()
    if not email_allowed(email):
        raise InviteError(_("Invites can only go to addresses ending in %(domains)s.") % {"domains": _domains()})
    _refuse_a_second_person_at_one_mailbox(address=email, created_by=created_by)
    held = mailbox(email)
    if (waiting := open_invite_holding(held)) is not None:
        raise _open_invite_refusal(waiting)
    token = secrets.token_urlsafe(32)
    try:
        with transaction.atomic():  # another tab inviting the same mailbox at the same moment: the database decides
            invite = Invite.objects.create(
                team=team,
                role=Role.PRACTITIONER,
                email=email,
                open_mailbox=held,
                token_hash=hash_token(token),
                created_by=created_by,
                expires_at=timezone.now() + timedelta(days=settings.INVITE_VALID_DAYS),
            )
    except IntegrityError:
        raise _open_invite_refusal(Invite.objects.filter(open_mailbox=held).first()) from None
    audit_record(actor=created_by, action=AuditEvent.Action.INVITE_SENT, team=team, subject=email)
    # Queued with the invite: a relay that is down delays the email, and loses neither it nor the invite.
    _invite_queue(invite, settings.SITE_URL + reverse("site:join", args=[token]))
    return invite, token


def _domains() -> str:
    return ", ".join(f"@{d}" for d in settings.ALLOWED_EMAIL_DOMAINS)


class AccountExists(InviteError):
    """The invited address already has an account: its owner signs in and opens the link again."""


@transaction.atomic
def invitee_join(*, token: str, first_name: str, password: str) -> User:
    """Create the invited person's account (username and email: the address the invite went to) and join.

    Only the person holding the link reaches this, and the link went to that address, so saying that the
    address already has an account tells nobody anything new; a lead never sees the link.
    """
    invite = find_invite(token)
    if invite is None or not invite.email:
        raise InviteError(_("This invite link is not valid. Please ask your lead for a new one."))
    # Lock the invite first: a double-click or a second tab waits here, then finds the invite used.
    invite = Invite.objects.select_for_update().get(pk=invite.pk)
    if invite.used_at is not None:
        raise InviteError(_("This invite link has already been used. Please ask your lead for a new one."))
    address = invite.email.strip()
    users = get_user_model().objects
    exists = AccountExists(
        _(
            "You already have an account here, with this address or another that goes to the same mailbox. "
            "Sign in, then open the link again."
        )
    )
    if accounts_with_mailbox(address):  # one mailbox, one person: an invite sent before that rule included
        raise exists
    try:
        with transaction.atomic():  # another invite to the same address, accepted at the same moment
            user = users.create_user(
                username=address.lower(), email=address, first_name=first_name.strip(), password=password
            )
    except IntegrityError:
        raise exists from None
    invite_accept(token=token, user=user)
    return user


def find_invite(token: str) -> Invite | None:
    if not token or len(token) > 200:
        return None
    return Invite.objects.select_related("team__service").filter(token_hash=hash_token(token)).first()


@transaction.atomic
def invite_accept(*, token: str, user: User) -> Membership:
    """Use an invite for this person: they join the team as a practitioner. The invite cannot be used again.

    The person must hold the address the invite went to. Invites from before invites were sent by email (no
    address) and invites to lead roles (only administrators give those now) are refused.
    """
    invite = find_invite(token)
    if invite is None:
        raise InviteError(_("This invite link is not valid. Please ask your lead for a new one."))
    return invite_use(invite=invite, user=user)


def open_invites_to(email: str) -> list[Invite]:
    """The usable practitioner invites sent to this address's mailbox, oldest first (a first sign-in with the
    organisation's account, from that address, uses them all)."""
    wanted = mailbox(email)
    if "@" not in wanted:
        return []
    invites = (
        Invite.objects.select_related("team__service")
        .filter(_may_reach("email", wanted), role=Role.PRACTITIONER, used_at__isnull=True)
        .filter(expires_at__gt=timezone.now())
        .order_by("created_at")
    )
    return [invite for invite in invites if mailbox(invite.email) == wanted]


@transaction.atomic
def invite_use(*, invite: Invite, user: User) -> Membership:
    """invite_accept for an invite already found: by its link, or by the address it went to."""
    invite = Invite.objects.select_for_update().get(pk=invite.pk)
    if invite.used_at is not None:
        raise InviteError(_("This invite link has already been used. Please ask your lead for a new one."))
    if invite.expires_at <= timezone.now():
        raise InviteError(_("This invite link has expired. Please ask your lead for a new one."))
    if invite.role != Role.PRACTITIONER or not invite.email:
        raise InviteError(_("This invite link is no longer valid. Please ask your lead for a new one."))
    if mailbox(user.email) != mailbox(invite.email):
        raise InviteError(
            _("This invite was sent to a different address from the one on your account. Please ask your lead.")
        )
    membership, created = Membership.objects.get_or_create(user=user, team=invite.team, role=Role.PRACTITIONER)
    invite.used_at = timezone.now()
    invite.used_by = user
    invite.open_mailbox = ""
    invite.save(update_fields=["used_at", "used_by", "open_mailbox"])
    audit_record(actor=user, action=AuditEvent.Action.INVITE_ACCEPTED, team=invite.team, subject=invite.email)
    if created:
        audit_record(
            actor=user, action=AuditEvent.Action.MEMBERSHIP_ADDED, team=invite.team, subject=user.get_username()
        )
    return membership
