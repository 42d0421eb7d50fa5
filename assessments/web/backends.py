"""Who may begin a session, and how: a local password (unless LOCAL_PASSWORDS is off), or the organisation's sign-in."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.backends import ModelBackend


class LocalPasswordBackend(ModelBackend):
    """Username and password. With LOCAL_PASSWORDS off it accepts no password, and the sessions it began end."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not settings.LOCAL_PASSWORDS:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)

    def get_user(self, user_id):
        if not settings.LOCAL_PASSWORDS:
            return None
        return super().get_user(user_id)


class OrganisationSignInBackend(ModelBackend):
    """Sessions begun by the organisation's sign-in (assessments/web/sign_in.py). It never checks a password:
    the person proved who they are to their organisation's provider."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        return None
