"""Who may reach every URL, built from the URL configuration itself so a new URL cannot be forgotten.

To add a URL, add ONE line to EXPECTED: its name, the method to try, a function that builds the URL's
arguments from the World below, and the expected outcome for each role in ROLES order:

    "leads:team_summary": Case("get", lambda w: [w.team.pk], (LOGIN, 404, 404, 404, 200, 404)),

An outcome is a status code, or LOGIN (a redirect to the sign-in page), or Redirect("/prefix/").
If the URL needs an object the World does not have yet, add it to build_world in tests/world.py (built once for the
whole module here, and shared with the form fuzzer and the accessibility audit).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from assessments.leads.nudges import unsubscribe_token
from assessments.models import PractitionerProfile, Reflection
from tests.clients import BrowserClient
from tests.world import World, build_world

ROLES = ("anonymous", "practitioner", "teammate", "other_lead", "lead", "admin")


@dataclass(frozen=True)
class Redirect:
    prefix: str


LOGIN = Redirect("/accounts/login/")
ADMIN_LOGIN = Redirect("/admin/login/")
STATIC = Redirect("/static/")


@dataclass(frozen=True)
class Case:
    method: str
    args: Callable[[Any], list]
    expect: tuple  # one outcome per role, in ROLES order


def no_args(w) -> list:
    return []


EXPECTED: dict[str, Case] = {
    # Accounts (django.contrib.auth)
    "login": Case("get", no_args, (200, 200, 200, 200, 200, 200)),
    "logout": Case("post", no_args, (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN)),
    "password_change": Case("get", no_args, (LOGIN, 200, 200, 200, 200, 200)),
    "password_change_done": Case("get", no_args, (LOGIN, 200, 200, 200, 200, 200)),
    "password_reset": Case("get", no_args, (200, 200, 200, 200, 200, 200)),
    "password_reset_done": Case("get", no_args, (200, 200, 200, 200, 200, 200)),
    "password_reset_confirm": Case("get", lambda w: ["MQ", "not-a-token"], (200, 200, 200, 200, 200, 200)),
    "password_reset_complete": Case("get", no_args, (200, 200, 200, 200, 200, 200)),
    # Administration: the whole admin site sits behind its own sign-in, for staff only.
    "admin_sign_in": Case("get", no_args, (200, 200, 200, 200, 200, 302)),
    "admin:index": Case("get", no_args, (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200)),
    # The check-in. The practitioner owns the check-ins; nobody else learns they exist (404).
    "site:home": Case("get", no_args, (LOGIN, 200, 200, 200, 200, 200)),
    # The idle-timeout warning's "Stay signed in": a plain form goes back to the page it came from.
    "site:stay_signed_in": Case("post", no_args, (LOGIN, 302, 302, 302, 302, 302)),
    "practitioner:checkin_begin": Case("post", no_args, (LOGIN, 302, 302, 302, 302, 302)),
    "practitioner:history": Case("get", no_args, (LOGIN, 200, 200, 200, 200, 200)),
    "practitioner:checkin_detail": Case("get", lambda w: [w.sent.pk], (LOGIN, 200, 404, 404, 404, 404)),
    "practitioner:checkin_sent": Case("get", lambda w: [w.sent.pk], (LOGIN, 200, 404, 404, 404, 404)),
    "practitioner:checkin_discard": Case("get", lambda w: [w.draft.pk], (LOGIN, 200, 404, 404, 404, 404)),
    "practitioner:checkin_step": Case("get", lambda w: [w.draft.pk, "challenges"], (LOGIN, 200, 404, 404, 404, 404)),
    "leads:team_invites": Case("get", lambda w: [w.team.pk], (LOGIN, 404, 404, 404, 200, 404)),
    "site:join": Case("get", lambda w: [w.invite_token], (200, 200, 200, 200, 200, 200)),
    # Signing in with the organisation's account: not found until OIDC_ISSUER is set. Configured, they
    # are tested against a real provider in tests/web/test_organisation_sign_in.py.
    "site:organisation_sign_in": Case("get", no_args, (404, 404, 404, 404, 404, 404)),
    "site:organisation_sign_in_callback": Case("get", no_args, (404, 404, 404, 404, 404, 404)),
    "site:organisation_jwks": Case("get", no_args, (404, 404, 404, 404, 404, 404)),
    # Operations
    "site:healthz": Case("get", no_args, (200, 200, 200, 200, 200, 200)),
    "site:livez": Case("get", no_args, (200, 200, 200, 200, 200, 200)),
    # Off by default, and never for a person's session when on (tests/web/test_metrics.py).
    "site:metrics": Case("get", no_args, (404, 404, 404, 404, 404, 404)),
    # Lead summaries: the team's lead sees their team; only a service lead or an administrator
    # sees the service. Nobody else learns the team exists (404).
    "leads:summary_index": Case("get", no_args, (LOGIN, 404, 404, 200, 200, 200)),
    "leads:team_summary_current": Case("get", lambda w: [w.team.pk], (LOGIN, 404, 404, 404, 302, 302)),
    "leads:team_summary": Case("get", lambda w: [w.team.pk, w.period], (LOGIN, 404, 404, 404, 200, 200)),
    "leads:team_pack": Case("get", lambda w: [w.team.pk, w.period], (LOGIN, 404, 404, 404, 200, 200)),
    "leads:team_summary_export": Case("get", lambda w: [w.team.pk, w.period], (LOGIN, 404, 404, 404, 200, 200)),
    "leads:team_summary_statements_export": Case(
        "get", lambda w: [w.team.pk, w.period], (LOGIN, 404, 404, 404, 200, 200)
    ),
    "leads:team_summary_obstacles_export": Case(
        "get", lambda w: [w.team.pk, w.period], (LOGIN, 404, 404, 404, 200, 200)
    ),
    "leads:team_action_add": Case("get", lambda w: [w.team.pk], (LOGIN, 404, 404, 404, 200, 200)),
    "leads:service_summary_current": Case("get", lambda w: [w.service.pk], (LOGIN, 404, 404, 404, 404, 302)),
    "leads:service_summary": Case("get", lambda w: [w.service.pk, w.period], (LOGIN, 404, 404, 404, 404, 200)),
    "leads:service_summary_export": Case("get", lambda w: [w.service.pk, w.period], (LOGIN, 404, 404, 404, 404, 200)),
    "leads:service_summary_statements_export": Case(
        "get", lambda w: [w.service.pk, w.period], (LOGIN, 404, 404, 404, 404, 200)
    ),
    "leads:service_summary_obstacles_export": Case(
        "get", lambda w: [w.service.pk, w.period], (LOGIN, 404, 404, 404, 404, 200)
    ),
    # The practitioner's journey: everyone sees their own; another person's objects are 404.
    "practitioner:trends": Case("get", no_args, (LOGIN, 200, 200, 200, 200, 200)),
    "practitioner:checkin_delete": Case("get", lambda w: [w.sent.pk], (LOGIN, 200, 404, 404, 404, 404)),
    "practitioner:moves_choose": Case("get", lambda w: [w.sent.pk], (LOGIN, 200, 404, 404, 404, 404)),
    # An empty look-back when a move is waiting for review: "There is a problem", her choices kept (400).
    "practitioner:moves_review": Case("post", lambda w: [w.draft.pk], (LOGIN, 400, 404, 404, 404, 404)),
    "practitioner:supervision": Case("get", no_args, (LOGIN, 200, 200, 200, 200, 200)),
    "practitioner:supervision_add": Case("post", no_args, (LOGIN, 400, 400, 400, 400, 400)),
    "practitioner:supervision_add_from": Case("post", lambda w: [w.sent.pk], (LOGIN, 400, 404, 404, 404, 404)),
    "practitioner:supervision_tick": Case("post", lambda w: [w.note.pk], (LOGIN, 302, 404, 404, 404, 404)),
    "practitioner:my_data": Case("get", no_args, (LOGIN, 200, 200, 200, 200, 200)),
    "practitioner:export_json": Case("get", no_args, (LOGIN, 200, 200, 200, 200, 200)),
    "practitioner:export_csv": Case("get", no_args, (LOGIN, 200, 200, 200, 200, 200)),
    "practitioner:account_delete": Case("get", no_args, (LOGIN, 200, 200, 200, 200, 200)),
    "leads:team_reminders": Case("get", lambda w: [w.team.pk], (LOGIN, 404, 404, 404, 200, 404)),
    # The action cycle: a team's action is read and moved on by whoever leads the team (its leads,
    # service leads, administrators); a service's action for every team by its service leads and administrators.
    "leads:team_action_suggested": Case(
        "post", lambda w: [w.team.pk, "peer_network"], (LOGIN, 404, 404, 404, 302, 302)
    ),
    "leads:service_action_add": Case("get", lambda w: [w.service.pk], (LOGIN, 404, 404, 404, 404, 200)),
    "leads:service_action_suggested": Case(
        "post", lambda w: [w.service.pk, "peer_network"], (LOGIN, 404, 404, 404, 404, 302)
    ),
    "leads:action_detail": Case("get", lambda w: [w.action.pk], (LOGIN, 404, 404, 404, 200, 200)),
    "leads:action_edit": Case("get", lambda w: [w.action.pk], (LOGIN, 404, 404, 404, 200, 200)),
    # Posted without a status: the lead gets the page back with the error; nobody else learns it exists.
    "leads:action_status": Case("post", lambda w: [w.action.pk], (LOGIN, 404, 404, 404, 400, 400)),
    # The team's voice on it: the team's practitioners only (posted without an answer: back home with a message).
    "site:action_voice": Case("post", lambda w: [w.action.pk], (LOGIN, 302, 302, 404, 404, 404)),
    # Figures-ready emails: the settings are for whoever leads a team or service; the stop link in the
    # email works for whoever holds it, signed in or not (it can only turn that lead's emails off).
    "leads:email_settings": Case("get", no_args, (LOGIN, 404, 404, 200, 200, 404)),
    "leads:email_stop": Case("get", lambda w: [unsubscribe_token(w.users["lead"].pk)], (200, 200, 200, 200, 200, 200)),
    "site:privacy": Case("get", no_args, (200, 200, 200, 200, 200, 200)),
    "site:accessibility": Case("get", no_args, (200, 200, 200, 200, 200, 200)),
    "site:support": Case("get", no_args, (200, 200, 200, 200, 200, 200)),
    "site:robots": Case("get", no_args, (200, 200, 200, 200, 200, 200)),
    "site:favicon": Case("get", no_args, (STATIC, STATIC, STATIC, STATIC, STATIC, STATIC)),
}


def url_names(patterns=None, namespace: str = "") -> set[str]:
    """Every URL name in the project. The admin site counts as one entry, its index."""
    names: set[str] = set()
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                names.add("admin:index")
                continue
            prefix = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= url_names(pattern.url_patterns, prefix)
        elif isinstance(pattern, URLPattern):
            names.add(f"{namespace}{pattern.name}" if pattern.name else f"<unnamed {pattern.pattern}>")
    return names


def test_every_url_in_the_project_has_an_expected_outcome_for_every_role():
    missing = sorted(url_names() - set(EXPECTED))
    assert not missing, (
        f"These URLs are not in the access matrix: {missing}. Add one line per URL to EXPECTED in "
        f"tests/web/test_access_matrix.py, e.g.\n"
        + "\n".join(f'    "{n}": Case("get", lambda w: [...], (LOGIN, 404, 404, 404, 200, 404)),' for n in missing)
    )


def test_the_access_matrix_lists_no_url_that_no_longer_exists():
    stale = sorted(set(EXPECTED) - url_names())
    assert not stale, f"Remove these from EXPECTED in tests/web/test_access_matrix.py: {stale}"


def test_every_row_of_the_access_matrix_has_one_outcome_per_role():
    assert all(len(case.expect) == len(ROLES) for case in EXPECTED.values())


@pytest.fixture(scope="module")
def built_world(module_db) -> World:
    """One world for the module's few hundred tests: each only reads it (what a request changes is rolled back)."""
    return module_db(build_world)


@pytest.fixture
def world(built_world, db) -> World:
    return copy.deepcopy(built_world)


def outcome_of(response) -> Any:
    if response.status_code in (301, 302, 303, 307, 308):
        location = response["Location"]
        for target in (LOGIN, ADMIN_LOGIN, STATIC):
            if location.startswith(target.prefix):
                return target
        return response.status_code
    return response.status_code


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_access(name, role, world):
    case = EXPECTED[name]
    client = BrowserClient()
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    url = reverse(name, args=case.args(world))
    response = getattr(client, case.method)(url)
    expected = case.expect[ROLES.index(role)]
    assert outcome_of(response) == expected, f"{role} {case.method.upper()} {url}"


def test_the_login_redirect_in_the_matrix_is_the_configured_sign_in_page():
    assert reverse(settings.LOGIN_URL) == LOGIN.prefix


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_url_refuses_a_post_without_a_csrf_token(name, world):
    client = BrowserClient(enforce_csrf_checks=True)
    client.force_login(world.users["practitioner"])
    response = client.post(reverse(name, args=EXPECTED[name].args(world)), {"anything": "x"})
    assert response.status_code == 403


@pytest.mark.parametrize("role", [r for r in ROLES if r != "practitioner"])
def test_no_page_anyone_else_can_open_shows_a_practitioners_private_words_or_their_check_ins(role, world):
    """Every page in the matrix that this role can open (so new lead pages are covered as they are added)."""
    practitioner = world.users["practitioner"]
    Reflection.objects.create(checkin=world.sent, phase="challenges", text="Private-reflection-7431")
    PractitionerProfile.objects.update_or_create(user=practitioner, defaults={"values": "Private-values-2718"})
    client = BrowserClient()
    if world.users[role] is not None:
        client.force_login(world.users[role])
    opened = 0
    for name, case in EXPECTED.items():
        if case.method != "get" or case.expect[ROLES.index(role)] != 200:
            continue
        html = client.get(reverse(name, args=case.args(world))).content.decode()
        opened += 1
        assert "Private-reflection-7431" not in html, name
        assert "Private-values-2718" not in html, name
        for checkin in (world.sent, world.draft):
            assert reverse("practitioner:checkin_detail", args=[checkin.pk]) not in html, name
    assert opened >= 5
