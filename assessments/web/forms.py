"""Forms for everyone: signing in."""

from __future__ import annotations

from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator


class SignInForm(AuthenticationForm):
    """Django's sign-in form, refusing a username longer than a username can be before anything looks it up.

    Django's form only sets `max_length` after the field is built, so it is never checked: a very long
    username went on to authenticate(), and django-axes then failed to record the attempt (its column holds
    255 characters), a 500 on PostgreSQL.
    """

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))
