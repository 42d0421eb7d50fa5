"""Emails about a person's own account: their password changed, their address or username changed, their account is
ready for a password of their own.

A password or address changed by someone else is how an account is taken over (an administrator resetting it, say),
so the person hears of every change, whoever made it and wherever: their own password page, a reset link, the admin,
`manage.py changepassword`. An address change is told to the old address, which is the one the person still reads.
The receivers below watch every save of a user, so no page can forget to tell them.

Each email is queued with the change (assessments/mail/): a change rolled back tells nobody anything, and a mail
server that is down or refuses it delays the email, never the change, which has been made and stands.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.formats import date_format
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from assessments.mail.outbox import email_queue

# What a save is compared with, kept on the instance between pre_save and post_save.
_BEFORE = "_account_notices_before"
WATCHED = ("email", "username")


def _when() -> str:
    return date_format(timezone.localtime(), "j F Y, H:i")


def password_changed_notice(user: User) -> None:
    email_queue(
        to=user.email,
        subject=_("Your Practitioner check-in password was changed"),
        template="password_changed",
        context={
            "username": user.get_username(),
            "when": _when(),
            # Where no password is kept here (the organisation's sign-in), there is no reset page to point to.
            "reset_link": settings.SITE_URL + reverse("password_reset") if settings.LOCAL_PASSWORDS else "",
        },
    )


def details_changed_notice(user: User, *, old_address: str, changed: list[str]) -> None:
    """Told to the address the account had before: a new address may not be the person's."""
    email_queue(
        to=old_address,
        subject=_("The sign-in details of your Practitioner check-in account were changed"),
        template="details_changed",
        context={
            "when": _when(),
            "email_changed": "email" in changed,
            "username_changed": "username" in changed,
            "username": user.get_username(),
        },
    )


def account_ready_notice(user: User) -> None:
    """An administrator added this account: it has no password until the person chooses one with this link, which
    works as a password reset link does (once, for PASSWORD_RESET_TIMEOUT)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    link = settings.SITE_URL + reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(user)])
    days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
    email_queue(
        to=user.email,
        subject=_("Your Practitioner check-in account is ready"),
        template="account_ready",
        context={"username": user.get_username(), "days": days, "link": link},
    )


def _same(value: str | None) -> str:
    return (value or "").strip().casefold()


@receiver(pre_save, sender=settings.AUTH_USER_MODEL)
def _remember_details(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    if raw or instance.pk is None:
        return
    if update_fields is not None and not set(WATCHED) & set(update_fields):
        return  # signing in saves last_login alone: no query for that
    before = sender._default_manager.filter(pk=instance.pk).values(*WATCHED).first()
    setattr(instance, _BEFORE, before)


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def _tell_the_person(sender, instance, created=False, raw=False, **kwargs) -> None:
    before = instance.__dict__.pop(_BEFORE, None)
    if raw or created:
        return
    # set_password() keeps the new password here until the save that stores it ends (User.save). The
    # hash upgrade at sign-in clears it before saving, so a rehash is not a change.
    if getattr(instance, "_password", None) is not None and instance.email:
        password_changed_notice(instance)
    if before is None:
        return
    changed = [f for f in WATCHED if _same(before[f]) != _same(getattr(instance, f))]
    old_address = before["email"] or instance.email
    if changed and old_address:
        details_changed_notice(instance, old_address=old_address, changed=changed)
