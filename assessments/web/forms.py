"""Forms for everyone: signing in, and asking for a password reset link."""

from __future__ import annotations

import unicodedata
from typing import cast

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.validators import MaxLengthValidator
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessments.mail.outbox import email_queue


class SignInForm(AuthenticationForm):
    """Django's sign-in form, refusing a username longer than a username can be before anything looks it up.

    Django's form only sets `max_length` after the field is built, so it is never checked: a very long
    username went on to authenticate(), and django-axes then failed to record the attempt (its column holds
    255 characters), a 500 on PostgreSQL.

    The field is named for what people type: someone who joined from an invite signs in with their email address
    (it is their username), so a label that says only "Username" sent them looking for a name they never chose.
    """

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The email address, username or password is not right. Check them and try again."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        field = cast(forms.CharField, self.fields["username"])  # Django's UsernameField
        field.validators.append(MaxLengthValidator(field.max_length))
        field.label = _("Email address or username")
        field.widget.attrs["autocomplete"] = "username"
        field.error_messages["required"] = _("Enter your email address or username")
        self.fields["password"].error_messages["required"] = _("Enter your password")


def _same_address(a: str, b: str) -> bool:
    return unicodedata.normalize("NFKC", a).casefold() == unicodedata.normalize("NFKC", b).casefold()


class AccountPasswordResetForm(PasswordResetForm):
    """Django's reset form, which also reaches an account an administrator added and nobody has used yet.

    Administrators never choose a password for anyone: an account added in the admin has none until its owner picks
    one from the link it is sent (assessments/web/account_notices.py). Django's form skips accounts without a usable
    password, so once that link had expired the person could never get another. Accounts that have been signed in
    to without a password (the organisation's sign-in) are still skipped, as Django skips them.
    """

    def get_users(self, email):
        users = get_user_model()._default_manager.filter(email__iexact=email, is_active=True)
        return (
            user
            for user in users
            if (user.has_usable_password() or user.last_login is None) and _same_address(email, user.email)
        )

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        """Queue the link (assessments/mail/) rather than send it now: a relay that is down delays it, never the
        page, and a page that answers at once whether or not the address has an account tells nobody which do."""
        link = settings.SITE_URL + reverse("password_reset_confirm", args=[context["uid"], context["token"]])
        email_queue(
            to=to_email,
            subject=gettext("Choose a new password for your Practitioner check-in account"),
            template="password_reset",
            context={"user": context["user"], "link": link},
        )
