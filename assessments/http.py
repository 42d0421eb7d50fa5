"""The request a view behind login_required receives, for the type checker: its user is signed in, a User."""

from django.contrib.auth.models import User
from django.http import HttpRequest


class AuthenticatedHttpRequest(HttpRequest):
    """Only an annotation: Django passes its own HttpRequest, whose user login_required has checked is signed in."""

    user: User
