"""Every form the app has, sent with bad input: the page comes back with the NHS error summary (an alert
headed "There is a problem" whose every line links to a field on the page), its title starts "Error: ", no banner
stands in for the summary, and nothing was saved.

A form the app adds goes in FORMS: what makes its input bad, and who sends it. Forms of buttons only (a vote, a tick,
"Yes, delete it") and the reminders' single checkbox have no input a person can get wrong, so they are not here."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from assessments.leads.invites import invite_create
from assessments.models import Membership, MoveReview, Role, ServiceLead, SupervisionNote, TeamAction
from assessments.practitioner.checkins import checkin_start
from assessments.practitioner.moves import moves_choose
from tests.actions import make_action
from tests.checkins import questions_for, submit_checkin


@dataclass
class World:
    practitioner: Any
    lead: Any
    team: Any
    service: Any
    sent: Any
    draft: Any
    move: Any
    action: Any
    invite_token: str


@pytest.fixture
def world(practitioner, lead, team, other_team, service, question_set) -> World:
    Membership.objects.create(user=practitioner, team=other_team, role=Role.PRACTITIONER)  # two teams: a choice
    ServiceLead.objects.create(user=lead, service=service)
    sent = submit_checkin(practitioner, team, reflections={"challenges": "Mine alone"})
    (move,) = moves_choose(user=practitioner, checkin=sent, catalogue_keys=["selfcare-lunch-away"])
    _invite, token = invite_create(team=team, created_by=lead, email="new.colleague@example.nhs.uk")
    return World(practitioner, lead, team, service, sent, None, move, make_action(lead, team=team), token)


def with_draft(w: World) -> None:
    w.draft = checkin_start(user=w.practitioner, team=w.team)


def reset_password_page(client, w: World) -> str:
    uid = urlsafe_base64_encode(force_bytes(w.practitioner.pk))
    token = default_token_generator.make_token(w.practitioner)
    return client.get(reverse("password_reset_confirm", args=[uid, token])).headers["Location"]


@dataclass(frozen=True)
class Form:
    role: str  # "anonymous", "practitioner" or "lead"
    url: Callable[[Any, World], str]
    data: Callable[[World], dict]
    before: Callable[[World], None] | None = None


def step_page(slug: str) -> Callable[[Any, World], str]:
    return lambda c, w: reverse("practitioner:checkin_step", args=[w.draft.pk, slug])


FORMS: dict[str, Form] = {
    "sign in": Form("anonymous", lambda c, w: reverse("login"), lambda w: {"username": "", "password": ""}),
    "sign in, wrong password": Form(
        "anonymous", lambda c, w: reverse("login"), lambda w: {"username": "priya", "password": "not-it"}
    ),
    "password reset": Form("anonymous", lambda c, w: reverse("password_reset"), lambda w: {"email": "not-an-address"}),
    "password reset, new password": Form(
        "anonymous", reset_password_page, lambda w: {"new_password1": "one-long-password", "new_password2": "another"}
    ),
    "join from an invite": Form(
        "anonymous",
        lambda c, w: reverse("site:join", args=[w.invite_token]),
        lambda w: {"first_name": "", "password1": "a", "password2": "b"},
    ),
    "start a check-in, in two teams": Form(
        "practitioner", lambda c, w: reverse("practitioner:checkin_begin"), lambda w: {"team": ""}
    ),
    "moves look-back": Form(
        "practitioner",
        lambda c, w: reverse("practitioner:moves_review", args=[w.draft.pk]),
        lambda w: {f"note_{w.move.pk}": "A note, but how it went is not chosen"},
        before=with_draft,
    ),
    "a check-in page": Form(
        "practitioner",
        step_page("challenges"),
        lambda w: {
            f"q_{questions_for(w.draft.question_set, 'challenges')[0].pk}": "9",
        },
        before=with_draft,
    ),
    "choose moves": Form(
        "practitioner", lambda c, w: reverse("practitioner:moves_choose", args=[w.sent.pk]), lambda w: {}
    ),
    "supervision, from a profile": Form(
        "practitioner", lambda c, w: reverse("practitioner:supervision_add_from", args=[w.sent.pk]), lambda w: {}
    ),
    "supervision, own note": Form(
        "practitioner", lambda c, w: reverse("practitioner:supervision_add"), lambda w: {"note": "x" * 501}
    ),
    "change password": Form(
        "practitioner",
        lambda c, w: reverse("password_change"),
        lambda w: {"old_password": "not-it", "new_password1": "x", "new_password2": "y"},
    ),
    "delete my account": Form(
        "practitioner", lambda c, w: reverse("practitioner:account_delete"), lambda w: {"password": "not-it"}
    ),
    "invite a colleague": Form(
        "lead", lambda c, w: reverse("leads:team_invites", args=[w.team.pk]), lambda w: {"email": "not-an-address"}
    ),
    "team reminders": Form(
        "lead",
        lambda c, w: reverse("leads:team_reminders", args=[w.team.pk]),
        lambda w: {"checkin_cadence": "hourly"},
    ),
    "a team action": Form(
        "lead", lambda c, w: reverse("leads:team_action_add", args=[w.team.pk]), lambda w: {"description": ""}
    ),
    "a service action": Form(
        "lead", lambda c, w: reverse("leads:service_action_add", args=[w.service.pk]), lambda w: {"description": ""}
    ),
    "change an action": Form(
        "lead", lambda c, w: reverse("leads:action_edit", args=[w.action.pk]), lambda w: {"description": ""}
    ),
    "move an action on": Form(
        "lead", lambda c, w: reverse("leads:action_status", args=[w.action.pk]), lambda w: {"status": "finished-ish"}
    ),
}


def saved(w: World) -> tuple:
    """What a bad form must leave as it was."""
    w.practitioner.refresh_from_db()
    return (
        w.practitioner.password,
        w.practitioner.is_active,
        MoveReview.objects.count(),
        SupervisionNote.objects.count(),
        list(TeamAction.objects.values_list("pk", "description", "status")),
        w.draft.answers.count() if w.draft else None,
    )


@pytest.mark.parametrize("name", sorted(FORMS))
def test_bad_input_shows_a_linked_error_summary_under_a_title_that_starts_error(client, world, name):
    form = FORMS[name]
    if form.before:
        form.before(world)
    if form.role != "anonymous":
        client.force_login(getattr(world, form.role))
    url = form.url(client, world)
    before = saved(world)
    response = client.post(url, form.data(world))
    html = response.content.decode()

    assert response.status_code in (200, 400), f"{name}: {response.status_code} {response.headers.get('Location')}"
    assert re.search(r"<title>Error: ", html), name
    summary = re.search(r'<div class="nhsuk-error-summary".*?</ul>', html, re.S)
    assert summary, f"{name}: no error summary"
    assert 'role="alert"' in summary.group(0) and "There is a problem" in summary.group(0)
    links = re.findall(r'<li><a href="#([^"]+)">', summary.group(0))
    lines = re.findall(r"<li>", summary.group(0))
    assert links and len(links) == len(lines), f"{name}: every problem links to a field"
    for target in links:
        assert f'id="{target}"' in html, f"{name}: the summary links to #{target}, which is not on the page"
    assert "Please check</h2>" not in html, f"{name}: a banner stands in for the summary"
    assert saved(world) == before, name


def test_the_title_has_no_error_prefix_before_anything_is_sent(client, world):
    client.force_login(world.practitioner)
    assert "<title>Error:" not in client.get(reverse("practitioner:supervision")).content.decode()
    assert "<title>Error:" not in client.get(reverse("login")).content.decode()
