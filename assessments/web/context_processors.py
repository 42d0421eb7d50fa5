"""What the page frame needs to know on every page: which parts of the app this person can use, and how long their
session has left."""

from __future__ import annotations

from functools import cached_property
from typing import cast

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django.urls import get_script_prefix

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


# Where the session keeps the menu between the pushes of its end (below).
MENU_KEY = "_menu"


def roles_of(user: User) -> dict[str, bool]:
    """What this person can use, asked of the database: one query."""
    row = _ROLES.filter(pk=user.pk).first() or {}
    return {
        "practises": bool(row.get("practises")),
        "checked_in": bool(row.get("checked_in")),
        "leads": bool(row.get("leads_team") or row.get("leads_service")) or is_administrator(user),
    }


def menu_refresh(request: HttpRequest) -> dict[str, bool]:
    """Ask what this signed-in person can use, and keep it in their session (at most once a request)."""
    roles = roles_of(cast(User, request.user))
    request.session[MENU_KEY] = {"user": request.user.pk, "roles": roles}
    request._menu_refreshed = True  # type: ignore[attr-defined]  # the push below need not ask again
    return roles


def menu_refresh_on_push(request: HttpRequest) -> None:
    """For SlidingSessionMiddleware, as it pushes the session's end back: the menu is asked afresh with it."""
    if not getattr(request, "_menu_refreshed", False):
        menu_refresh(request)


def menu_forget(request: HttpRequest) -> None:
    """After this person's own roles change (they joined a team), the next page asks again."""
    request.session.pop(MENU_KEY, None)


class Menu:
    """The links the header offers: worked out only if a template asks, and kept in the session between the pushes of
    its end (at most a minute apart: assessments/web/middleware.py, SlidingSessionMiddleware). The request that
    pushes asks afresh (this page, or the middleware if the page has no menu), and the session is written then
    anyway. So the menu costs one query a minute per person rather than one a page, and a role someone else gives or
    takes away shows within about a minute. The menu only offers links: every page checks for itself what this
    person may see (docs/adr/0018)."""

    def __init__(self, request: HttpRequest | None, user) -> None:
        self.request = request
        self.user = user

    @cached_property
    def _roles(self) -> dict[str, bool]:
        if not self.user.is_authenticated:
            return {"practises": False, "checked_in": False, "leads": False}
        session = getattr(self.request, "session", None)
        if self.request is None or session is None:
            return roles_of(self.user)
        kept = session.get(MENU_KEY)
        if kept is not None and kept.get("user") == self.user.pk and not timeout.push_due(session):
            return kept["roles"]
        return menu_refresh(self.request)

    @property
    def practitioner(self) -> bool:
        """Practitioner pages: for someone in a practitioner team, or who still has check-ins from one."""
        return self._roles["practises"] or self._roles["checked_in"]

    @property
    def lead(self) -> bool:
        return self._roles["leads"]

    @property
    def name(self) -> str:
        """The name the header shows: the last value the frame's cached piece varies on (templates/base.html), as the
        only free text among them, so no two names make the same key."""
        if not self.user.is_authenticated:
            return ""
        return self.user.first_name or self.user.get_username()

    @property
    def offers_password_change(self) -> bool:
        return bool(self.user.is_authenticated and settings.LOCAL_PASSWORDS and self.user.has_usable_password())


def menu(request: HttpRequest) -> dict[str, Menu | bool | str]:
    # An error page for a request refused before the authentication middleware ran (a Host outside ALLOWED_HOSTS,
    # say) has no user: nobody is signed in as far as the page knows.
    user = request.user if hasattr(request, "user") else AnonymousUser()
    # The URL prefix the frame's links start with: a server reached under two prefixes keeps a frame for each.
    return {"menu": Menu(request, user), "local_passwords": settings.LOCAL_PASSWORDS, "url_prefix": get_script_prefix()}


def session_timeout(request: HttpRequest) -> dict[str, dict[str, int]]:
    """For a signed-in page, how long its session has left and when to warn (static/js/session-timeout.js).
    Read from the session the page loads anyway to know who is signed in: no query of its own."""
    # A request refused before the authentication middleware ran (as for the menu, above) has no one signed in,
    # and its error page must not ask the database for the session.
    session = getattr(request, "session", None)
    if session is None or not hasattr(request, "user") or SESSION_KEY not in session:
        return {}
    return {"session_timeout": {"seconds_left": timeout.seconds_left(session), "warn": timeout.WARN_SECONDS}}
