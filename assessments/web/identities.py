"""Who a person is when their organisation's sign-in vouches for them.

A person is the provider's issuer and its subject identifier for them (OrganisationIdentity), never an email address
alone. At the first sign-in the identity is linked to the account that may count in a team's figures: one an
administrator gave a membership or a lead role to, with that address, or one made now from an invite a lead sent to
that address. Anyone else is told who to ask, and nothing is created (docs/adr/0002-who-may-create-accounts.md).
"With that address" means the same address after lower-casing A to Z only (assessments/models/addresses.py): a
look-alike such as `ſol@…` reaches nobody's account but its own.

Two tabs finishing a first sign-in at once both try to link: the database's unique constraints decide, and the
loser finds the winner's link.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from assessments.core.mailboxes import ascii_lower
from assessments.leads.invites import InviteError, invite_use, open_invites_to
from assessments.models.addresses import same_address
from assessments.models.organisation import Membership, OrganisationIdentity

# The address becomes the username of an account made from an invite, as it does for an invite link.
USERNAME_MAX_LENGTH = 150


class NoAccount(Exception):
    """Nobody has approved this person yet: no membership or lead role with their address, and no invite to it."""


class IdentityRefused(Exception):
    """The identity cannot be linked or used. The message is safe to show."""


@transaction.atomic
def identity_sign_in(*, issuer: str, subject: str, email: str, name: str) -> tuple[User, list[Membership]]:
    """The account this identity signs in to, and the memberships its invites gave it at this first sign-in.

    `email` must already be a verified address in an allowed domain (assessments/web/oidc.py checks both).
    """
    identity = OrganisationIdentity.objects.select_related("user").filter(issuer=issuer, subject=subject).first()
    if identity is not None:
        return _usable(identity.user), []
    return _first_sign_in(issuer=issuer, subject=subject, email=email, name=name)


def _usable(user: User) -> User:
    if not user.is_active:
        raise IdentityRefused(_("Your account has been switched off. Please ask your service's administrator."))
    return user


def _approved(user: User) -> bool:
    """Whether an administrator gave this account a place: a membership, a service lead role, or administration."""
    return user.is_staff or user.memberships.exists() or user.services_led.exists()


def _first_sign_in(*, issuer: str, subject: str, email: str, name: str) -> tuple[User, list[Membership]]:
    users = get_user_model().objects
    accounts = list(users.filter(same_address("email", email)).order_by("pk")[:2])
    if len(accounts) > 1:
        raise IdentityRefused(
            _(
                "More than one account has your address, so we cannot tell which is yours. "
                "Please ask your service's administrator."
            )
        )
    account = accounts[0] if accounts else None
    invites = open_invites_to(email)
    if not invites and (account is None or not _approved(account)):
        raise NoAccount()
    if len(email) > USERNAME_MAX_LENGTH:
        raise IdentityRefused(
            _("Your email address is too long for an account here. Please ask your service's administrator.")
        )
    if account is None:
        # create_user normalises the username (NFKC, which makes `ſ` an `s`), so look for what it stores; the
        # account found must still have this very address.
        username = users.model.normalize_username(ascii_lower(email))
        try:
            with transaction.atomic():
                account = users.create_user(username=username, email=email, first_name=name[:150])
        except IntegrityError:  # the other tab made it first, or an account already has the address as its username
            account = users.filter(username=username).first()
            if account is None or ascii_lower(account.email) != ascii_lower(email):
                raise IdentityRefused(
                    _("An account already uses your address as its username. Please ask your service's administrator.")
                ) from None
    _usable(account)
    try:
        with transaction.atomic():
            OrganisationIdentity.objects.create(user=account, issuer=issuer, subject=subject)
    except IntegrityError:
        winner = OrganisationIdentity.objects.select_related("user").filter(issuer=issuer, subject=subject).first()
        if winner is not None:  # the other tab linked this identity first: the same person, signed in
            return _usable(winner.user), []
        # The account is already linked to another identity at this provider: perhaps the address was given to
        # someone new. Only an administrator can tell.
        raise IdentityRefused(
            _(
                "Your address belongs to an account linked to a different organisation account. "
                "Please ask your service's administrator."
            )
        ) from None
    joined = []
    for invite in invites:
        try:
            joined.append(invite_use(invite=invite, user=account))
        except InviteError:  # used or expired a moment ago: the person is signed in all the same
            continue
    return account, joined
