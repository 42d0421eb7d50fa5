"""Hostile and random data posted to every form: never a 500, nothing half-written, hostile text shown escaped.

To fuzz a new form, append a Target to TARGETS: who posts, how to get the URL (and any state it needs),
and the form's field names. Every field is then sent missing, once, or twice, with values drawn from
HOSTILE and from random text, alongside stray fields.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.contrib.messages import SUCCESS, get_messages
from django.db import connection, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.models import (
    ActionVoice,
    Answer,
    CheckIn,
    DimensionScore,
    Invite,
    Membership,
    MoveReview,
    PractitionerProfile,
    Reflection,
    ResilientMove,
    SupervisionNote,
    Team,
    TeamAction,
    TeamActionEvent,
)
from tests.checkins import questions_for
from tests.clients import BrowserClient
from tests.world import World, build_world

MARKUP = [
    '<script>alert("fuzz")</script>',
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert('fuzz')>",
    "</textarea><script>alert(2)</script>",
]
HOSTILE = [
    *MARKUP,
    "'; DROP TABLE assessments_checkin; --",
    "1 OR 1=1",
    "\x00",
    "3\x00",
    "x" * 100_000,
    "🙂" * 2_000,
    "\u202eevil",
    "-1",
    "0",
    "6",
    "99999999999999999999999",
    "3.0",
    "NaN",
    "",
    " ",
    "null",
    "[]",
    "%00",
    "../../etc/passwd",
    "practitioner",
    "lead",
    "1",
    "5",
]
values = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40), st.integers().map(str))
STRAY_FIELDS = ["q_999999", "q_", "q_abc", "team", "role", "next", "save_and_leave", "values", "reflection", "pk"]


@dataclass
class Target:
    name: str
    role: str  # one of tests/world.py's ROLES
    url: Callable[[BrowserClient, Any], str]  # may prepare state (a GET first, say) and returns where to post
    fields: Callable[[Any], list[str]] = field(default=lambda w: [])
    # Whether this response means the form was accepted (so changes to the database are expected).
    accepted: Callable[[Any], bool] = field(default=lambda r: r.status_code in (301, 302, 303))


def step_target(slug: str) -> Target:
    return Target(
        f"checkin_step:{slug}",
        "practitioner",
        lambda c, w: reverse("practitioner:checkin_step", args=[w.draft.pk, slug]),
        lambda w: [f"q_{q.pk}" for q in questions_for(w.draft.question_set, slug)]
        + ["reflection", "values", "continue", "save_and_leave"],
    )


def saved(response) -> bool:
    """Views that answer every post with a redirect: accepted only if they said it was saved."""
    return response.status_code in (301, 302, 303) and any(
        m.level == SUCCESS for m in get_messages(response.wsgi_request)
    )


def reset_confirm_url(client: BrowserClient, w: World) -> str:
    uid = urlsafe_base64_encode(force_bytes(w.reset_user.pk))
    token = default_token_generator.make_token(w.reset_user)
    response = client.get(reverse("password_reset_confirm", args=[uid, token]))
    return response["Location"]


TARGETS = [
    Target("login", "anonymous", lambda c, w: reverse("login"), lambda w: ["username", "password", "next"]),
    Target("logout", "practitioner", lambda c, w: reverse("logout")),
    Target("checkin_begin", "practitioner", lambda c, w: reverse("practitioner:checkin_begin"), lambda w: ["team"]),
    # The first page (with the moves review above it), the page that asks for values, and the last page: every
    # kind of question page (each carries its phase's reflection).
    step_target("challenges"),
    step_target("values"),
    step_target("coping"),
    Target(
        "checkin_review", "practitioner", lambda c, w: reverse("practitioner:checkin_step", args=[w.draft.pk, "review"])
    ),
    Target("checkin_discard", "practitioner", lambda c, w: reverse("practitioner:checkin_discard", args=[w.draft.pk])),
    Target(
        "team_invites",
        "lead",
        lambda c, w: reverse("leads:team_invites", args=[w.team.pk]),
        lambda w: ["email"],
        accepted=lambda r: r.status_code == 302,
    ),
    Target(
        "join",
        "anonymous",
        lambda c, w: reverse("site:join", args=[w.invite_token]),
        lambda w: ["first_name", "password1", "password2"],
    ),
    Target(
        "password_change",
        "practitioner",
        lambda c, w: reverse("password_change"),
        lambda w: ["old_password", "new_password1", "new_password2"],
    ),
    Target("password_reset", "anonymous", lambda c, w: reverse("password_reset"), lambda w: ["email"]),
    Target("password_reset_confirm", "anonymous", reset_confirm_url, lambda w: ["new_password1", "new_password2"]),
    # A lead records a team action.
    Target(
        "team_action_add",
        "lead",
        lambda c, w: reverse("leads:team_action_add", args=[w.team.pk]),
        lambda w: ["dimension", "provision", "description", "owner", "starts_on", "review_on"],
    ),
    # The practitioner's journey, and the lead's reminder rhythm.
    Target(
        "moves_choose",
        "practitioner",
        lambda c, w: reverse("practitioner:moves_choose", args=[w.sent.pk]),
        lambda w: ["moves", "own"],
        accepted=saved,
    ),
    Target(
        "moves_review",
        "practitioner",
        lambda c, w: reverse("practitioner:moves_review", args=[w.draft.pk]),
        lambda w: [f"outcome_{w.move.pk}", f"note_{w.move.pk}"],
        accepted=saved,
    ),
    Target(
        "supervision_add",
        "practitioner",
        lambda c, w: reverse("practitioner:supervision_add"),
        lambda w: ["note", "phases", "dimensions"],
        accepted=saved,
    ),
    Target(
        "supervision_add_from",
        "practitioner",
        lambda c, w: reverse("practitioner:supervision_add_from", args=[w.sent.pk]),
        lambda w: ["note", "phases", "dimensions"],
        accepted=saved,
    ),
    Target(
        "supervision_tick",
        "practitioner",
        lambda c, w: reverse("practitioner:supervision_tick", args=[w.note.pk]),
        lambda w: ["done"],
    ),
    Target("my_data", "practitioner", lambda c, w: reverse("practitioner:my_data"), lambda w: ["reminders_enabled"]),
    Target(
        "account_delete", "practitioner", lambda c, w: reverse("practitioner:account_delete"), lambda w: ["password"]
    ),
    Target(
        "checkin_delete",
        "practitioner",
        lambda c, w: reverse("practitioner:checkin_delete", args=[w.sent.pk]),
        lambda w: ["confirm"],
    ),
    Target(
        "team_reminders",
        "lead",
        lambda c, w: reverse("leads:team_reminders", args=[w.team.pk]),
        lambda w: ["checkin_cadence"],
    ),
    # The action cycle, and the team's voice on an action.
    Target(
        "action_edit",
        "lead",
        lambda c, w: reverse("leads:action_edit", args=[w.action.pk]),
        lambda w: ["provision", "description", "owner", "review_on"],
    ),
    Target(
        "action_status", "lead", lambda c, w: reverse("leads:action_status", args=[w.action.pk]), lambda w: ["status"]
    ),
    Target(
        "action_voice",
        "practitioner",
        lambda c, w: reverse("site:action_voice", args=[w.action.pk]),
        lambda w: ["answer"],
        accepted=saved,
    ),
]


def _snapshot_querysets() -> list:
    """Everything a form could change, in a comparable form."""
    return [
        CheckIn.objects.order_by("pk").values_list("pk", "status", "steps_completed", "submitted_at", "team"),
        Answer.objects.order_by("pk").values_list("checkin", "question", "value"),
        Reflection.objects.order_by("pk").values_list("checkin", "phase", "text"),
        DimensionScore.objects.order_by("pk").values_list("checkin", "dimension", "score"),
        PractitionerProfile.objects.order_by("pk").values_list("user", "values"),
        Invite.objects.order_by("pk").values_list("pk", "used_at", "role", "email"),
        Membership.objects.order_by("pk").values_list("user", "team", "role"),
        User.objects.order_by("pk").values_list("pk", "username", "password", "email", "first_name"),
        PractitionerProfile.objects.order_by("pk").values_list("user", "reminders_enabled"),
        Team.objects.order_by("pk").values_list("pk", "checkin_cadence"),
        TeamAction.objects.order_by("pk").values_list(
            "pk", "team", "dimension", "description", "starts_on", "owner", "status", "review_on", "provision"
        ),
        ResilientMove.objects.order_by("pk").values_list("pk", "user", "catalogue_key", "text"),
        MoveReview.objects.order_by("pk").values_list("pk", "move", "outcome", "note"),
        SupervisionNote.objects.order_by("pk").values_list("pk", "user", "done_at", "note"),
        TeamActionEvent.objects.order_by("pk").values_list("pk", "field", "before", "after"),
        ActionVoice.objects.order_by("pk").values_list("pk", "user", "kind", "answer"),
    ]


@functools.cache
def _snapshot_sql(vendor: str) -> list[tuple[str, tuple]]:
    return [queryset.query.sql_with_params() for queryset in _snapshot_querysets()]


def snapshot() -> tuple:
    """Every row and column listed above, as stored: private words as their sealed bytes, so a refused form that
    wrote the same words again would show too. The queries are built once (the ORM took most of the time of the
    hundreds of snapshots a run takes)."""
    with connection.cursor() as cursor:
        rows = []
        for sql, params in _snapshot_sql(connection.vendor):
            cursor.execute(sql, params)
            rows.append(cursor.fetchall())
    return tuple(rows)


def assert_nothing_half_written() -> None:
    """A sent check-in has its time and a score for each dimension it has answers in; a draft has no scores."""
    checkins = CheckIn.objects.annotate(
        scores_kept=Count("scores", distinct=True),
        dimensions_answered=Count("answers__question__dimension", distinct=True),
    ).values_list("pk", "status", "submitted_at", "scores_kept", "dimensions_answered")
    for pk, status, submitted_at, scores_kept, dimensions_answered in checkins:
        if status == CheckIn.Status.SUBMITTED:
            assert submitted_at is not None, pk
            assert scores_kept == dimensions_answered, pk
        else:
            assert scores_kept == 0, pk


@pytest.fixture(scope="module")
def built_world(module_db) -> World:
    """One world for every form and body: what a post changes is rolled back after each test (and example)."""
    return module_db(functools.partial(build_world, figures=False))


@pytest.fixture
def world(built_world, db, settings) -> World:
    settings.AXES_ENABLED = True
    return copy.deepcopy(built_world)


@pytest.fixture
def sessions(world) -> dict[str, str]:
    """A signed-in session for each role, made once per test. Each example sends its post inside a transaction
    that is then rolled back, so whatever the post did to its session (signing out, a new password) is undone and
    the next example starts signed in exactly as this one did."""
    keys = {}
    for role in {target.role for target in TARGETS} - {"anonymous"}:
        client = BrowserClient()
        client.force_login(world.users[role])
        keys[role] = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    return keys


def signed_in_client(role: str, world: World, sessions: dict[str, str]) -> BrowserClient:
    client = BrowserClient()
    if role != "anonymous":
        client.cookies[django_settings.SESSION_COOKIE_NAME] = sessions[role]
        # Still signed in as them: a post before this one that signed out was rolled back with its example.
        assert client.session.get(SESSION_KEY) == str(world.users[role].pk)
    return client


def body_for(data: st.DataObject, names: list[str]) -> dict[str, list[str]]:
    body: dict[str, list[str]] = {}
    for name in names + data.draw(st.lists(st.sampled_from(STRAY_FIELDS), max_size=2), label="stray"):
        sent = data.draw(st.lists(values, min_size=0, max_size=2), label=name)
        if sent:
            body[name] = sent
    return body


# Slow: 25 random bodies for each of the 26 forms, each post checked against a snapshot of the database (about half
# a minute of CPU). `make test` runs it; the fixed hostile bodies below stay in `make test-fast`.
@pytest.mark.slow
@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.name)
@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_hostile_data_never_breaks_a_form(target, world, sessions, data):
    with transaction.atomic():
        client = signed_in_client(target.role, world, sessions)
        url = target.url(client, world)
        body = body_for(data, target.fields(world))
        before = snapshot()
        response = client.post(url, body)
        assert response.status_code < 500
        html = response.content.decode(errors="replace")
        for sent in body.values():
            for value in sent:
                if value in MARKUP:
                    assert value not in html, f"{value!r} was shown unescaped"
        if not target.accepted(response):
            assert snapshot() == before, "a refused form changed the database"
        assert_nothing_half_written()
        transaction.set_rollback(True)


RAW_BODIES = [
    ("application/json", b'{"reflection": ["<script>alert(1)</script>"], "q_1": {"$gt": 0}}'),
    ("text/plain", b"\x00\xff\xfe garbage"),
    ("multipart/form-data; boundary=nope", b"--wrong\r\nContent-Disposition: form-data\r\n\r\nx"),
    ("multipart/form-data", b"no boundary at all"),
    ("application/x-www-form-urlencoded", b"q_1=3&q_1=4&reflection=%00%ff&&&=&%zz"),
    ("application/x-www-form-urlencoded", b"&".join(b"f%d=1" % n for n in range(1500))),
]


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.name)
@pytest.mark.parametrize(
    "content_type, raw",
    RAW_BODIES,
    ids=["json", "binary", "bad-boundary", "no-boundary", "odd-encoding", "too-many-fields"],
)
def test_bodies_that_are_not_forms_never_break_a_form(target, content_type, raw, world, sessions):
    client = signed_in_client(target.role, world, sessions)
    url = target.url(client, world)
    before = snapshot()
    response = client.generic("POST", url, raw, content_type=content_type)
    assert response.status_code < 500
    if not target.accepted(response):
        assert snapshot() == before
    assert_nothing_half_written()
