"""What the page frame needs to know on every page: which parts of the app this person can use, and how long their
session has left."""

from __future__ import annotations

from functools import cached_property

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Exists, OuterRef
from django.http import HttpRequest

from assessments.leads.access import is_administrator
from assessments.models.checkins import CheckIn
from assessments.models.organisation import Membership, Role, ServiceLead
from assessments.web import session_timeout as timeout

# What this person can use, for every signed-in page. The annotations are built once, here: building them (four
# subqueries) took about 1 ms a page, and running the query a twentieth of that. Each page filters a clone.
_MINE = {"user": OuterRef("pk")}
_ROLES = User.objects.annotate(
    practises=Exists(Membership.objects.filter(**_MINE, role=Role.PRACTITIONER)),
    checked_in=Exists(CheckIn.objects.filter(**_MINE)),
    leads_team=Exists(Membership.objects.filter(**_MINE, role=Role.LEAD)),
    leads_service=Exists(ServiceLead.objects.filter(**_MINE)),
).values("practises", "checked_in", "leads_team", "leads_service")


class Menu:
    """The links the header offers. Worked out once, in one query, and only if a template asks."""

    def __init__(self, user) -> None:
        self.user = user

    @cached_property
    def _roles(self) -> dict[str, bool]:
        if not self.user.is_authenticated:
            return {"practises": False, "checked_in": False, "leads": False}
        row = _ROLES.filter(pk=self.user.pk).first() or {}
        return {
            "practises": bool(row.get("practises")),
            "checked_in": bool(row.get("checked_in")),
            "leads": bool(row.get("leads_team") or row.get("leads_service")) or is_administrator(self.user),
        }

    @property
    def practitioner(self) -> bool:
        """Practitioner pages: for someone in a practitioner team, or who still has check-ins from one."""
        return self._roles["practises"] or self._roles["checked_in"]

    @property
    def lead(self) -> bool:
        return self._roles["leads"]


def menu(request: HttpRequest) -> dict[str, Menu | bool]:
    # An error page for a request refused before the authentication middleware ran (a Host outside ALLOWED_HOSTS,
    # say) has no user: nobody is signed in as far as the page knows.
    user = request.user if hasattr(request, "user") else AnonymousUser()
    return {"menu": Menu(user), "local_passwords": settings.LOCAL_PASSWORDS}


def session_timeout(request: HttpRequest) -> dict[str, dict[str, int]]:
    """For a signed-in page, how long its session has left and when to warn (static/js/session-timeout.js).
    Read from the session the page loads anyway to know who is signed in: no query of its own."""
    # A request refused before the authentication middleware ran (as for the menu, above) has no one signed in,
    # and its error page must not ask the database for the session.
    session = getattr(request, "session", None)
    if session is None or not hasattr(request, "user") or SESSION_KEY not in session:
        return {}
    return {"session_timeout": {"seconds_left": timeout.seconds_left(session), "warn": timeout.WARN_SECONDS}}
