"""The summary pages are kept as a shell with holes and filled in on every read (assessments/leads/kept_pages.py,
docs/adr/0019). A page from the shell is the page rendered as usual, whoever reads it and in whatever order; nobody
sees another reader's name, token or team; and a value can never be mistaken for a hole."""

from __future__ import annotations

import re

import pytest
from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import User
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse, set_script_prefix

from assessments.core.periods import latest_shown_period
from assessments.leads import kept_pages
from assessments.leads.kept_pages import KeptPage
from assessments.leads.team_actions import team_action_move
from assessments.models import Membership, Role, ServiceLead, Team, TeamAction
from assessments.web.session_timeout import PUSHED_AT
from tests.actions import make_action
from tests.cast import make_user
from tests.clients import BrowserClient


@pytest.fixture(autouse=True)
def _empty_fragment_cache():
    caches["template_fragments"].clear()


def team_url(team: Team, period=None) -> str:
    return reverse("leads:team_summary", args=[team.pk, (period or latest_shown_period()).key])


def service_url(service) -> str:
    return reverse("leads:service_summary", args=[service.pk, latest_shown_period().key])


def signed_in(user: User, **options) -> BrowserClient:
    client = BrowserClient(**options)
    client.force_login(user)
    return client


def read(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SECONDS = re.compile(r'data-seconds-left="(\d+)"')


def without_tokens(html: str) -> str:
    """The page less what differs on every read of it by the same person: the CSRF tokens, the seconds left."""
    return SECONDS.sub("", TOKEN.sub("", html))


def as_usual(client, url: str, monkeypatch) -> str:
    """The page rendered from its template, as every other page is: the oracle a kept page is held to."""
    with monkeypatch.context() as patch:
        patch.setattr(kept_pages, "ENABLED", False)
        return read(client, url)


def assert_kept_is_as_usual(client, url: str, monkeypatch) -> str:
    first, again = read(client, url), read(client, url)  # the shell is built, then read from the cache
    usual = as_usual(client, url, monkeypatch)
    assert without_tokens(first) == without_tokens(usual)
    assert without_tokens(again) == without_tokens(usual)
    return first


def test_the_team_and_service_pages_from_the_shell_are_the_pages_rendered_as_usual(
    monkeypatch, lead, service_lead, service, team, other_team, other_lead
):
    make_action(lead, team, description="Team <b>bold</b> & ampersand")
    make_action(other_lead, other_team, description="Another team's", owner="")
    closed = make_action(service_lead, service=service, dimension="systemic_pressures", description="For every team")
    team_action_move(action=closed, by=service_lead, status=TeamAction.Status.DONE)
    team.name = "Team <i>\"Quotes\"</i> & 'apostrophes'"
    team.save()
    service.name = "Service <script>alert(1)</script>"
    service.save()
    page = assert_kept_is_as_usual(signed_in(lead), team_url(team), monkeypatch)
    assert "Team &lt;i&gt;&quot;Quotes&quot;&lt;/i&gt; &amp; &#x27;apostrophes&#x27;" in page
    assert "<script>alert(1)</script>" not in page and "Service &lt;script&gt;" in page
    assert_kept_is_as_usual(signed_in(service_lead), service_url(service), monkeypatch)
    assert_kept_is_as_usual(signed_in(service_lead), team_url(other_team), monkeypatch)


@pytest.mark.parametrize(
    "who",
    ["lead", "lead_who_checks_in", "service_lead", "administrator", "lead_without_password"],
)
def test_each_kind_of_reader_gets_the_page_as_usual_whoever_read_it_first(
    monkeypatch, who, lead, service_lead, admin_user, practitioner, service, team
):
    """The shell is keyed by what the menu offers: whoever built it, each reader's frame is their own."""
    if who == "lead_who_checks_in":
        reader = practitioner
        Membership.objects.create(user=reader, team=team, role=Role.LEAD)
    elif who == "lead_without_password":
        reader = make_user("nopass", first_name="Noor")
        reader.set_unusable_password()
        reader.save()
        ServiceLead.objects.create(user=reader, service=service)
    else:
        reader = {"lead": lead, "service_lead": service_lead, "administrator": admin_user}[who]
    for first in (lead, admin_user, practitioner):  # other people's shells, built first
        if first.pk != reader.pk and first != practitioner:
            read(signed_in(first), team_url(team))
    assert_kept_is_as_usual(signed_in(reader), team_url(team), monkeypatch)


def test_two_readers_one_after_the_other_each_see_only_their_own_name_and_team(lead, other_lead, team, other_team):
    lead.first_name, other_lead.first_name = "Dana <b>", "Olu"
    lead.save()
    other_lead.save()
    mine = read(signed_in(lead), team_url(team))
    theirs = read(signed_in(other_lead), team_url(other_team))
    assert "Dana &lt;b&gt;" in mine and "Olu" not in mine and other_team.name not in mine
    assert "Olu" in theirs and "Dana" not in theirs and f"Team summary: {team.name}<" not in theirs
    assert f"Team summary: {other_team.name}<" in theirs


def test_a_name_that_looks_like_a_hole_is_only_text(lead, team):
    """Markers carry this process's own random word: a name written like one is printed, not filled in."""
    lookalike = f"{kept_pages._OPEN}{kept_pages._NONCE}:name{kept_pages._CLOSE}"
    team.name = f"Team {lookalike}"
    team.save()
    lead.first_name = lookalike.replace(":name", ":csrf_token")
    lead.save()
    client = signed_in(lead)
    read(client, team_url(team))
    page = read(client, team_url(team))
    assert f"Team summary: Team {lookalike}<" in page
    assert lead.first_name in page
    assert len(set(TOKEN.findall(page))) == 1


def test_each_token_on_a_kept_page_passes_the_csrf_check_and_none_is_used_twice(lead, other_lead, team, other_team):
    read(signed_in(other_lead), team_url(other_team))  # someone else's read builds the shell
    browser = signed_in(lead, enforce_csrf_checks=True)
    pages = [read(browser, team_url(team)) for _ in range(2)]
    tokens = [TOKEN.findall(page) for page in pages]
    assert len(tokens[0]) == 3 and len(set(tokens[0])) == 1  # one token a page, in each of its three forms
    assert tokens[0][0] != tokens[1][0]
    assert browser.post(reverse("logout"), {}).status_code == 403
    assert browser.post(reverse("logout"), {"csrfmiddlewaretoken": tokens[1][2]}).status_code == 302
    assert SESSION_KEY not in browser.session


def test_the_warning_counts_down_from_this_sessions_own_seconds_and_goes_back_to_this_page(lead, team):
    client = signed_in(lead)
    url = team_url(team)
    read(client, url)  # pushes the session: this page has the whole idle time
    session = client.session
    session[PUSHED_AT] -= 30  # half a minute since the push: not due again
    session.save()
    page = read(client, url)
    left = int(SECONDS.search(page)[1])
    assert 0 < left < 60 * 60 and left <= client.session.get_expiry_age()
    assert f'name="next" value="{url}"' in page
    query = f"{url}?from=%22home%22"
    assert 'name="next" value="' + query.replace('"', "&quot;") + '"' in read(client, query)


def test_a_message_waiting_is_shown_on_the_summary_page_once(lead, team, monkeypatch):
    """A lead who moves an action on and goes straight back to the summary sees what was done, once."""
    client = signed_in(lead)
    url = team_url(team)
    read(client, url)  # the shell is kept
    action = make_action(lead, team)
    moved = client.post(reverse("leads:action_status", args=[action.pk]), {"status": TeamAction.Status.UNDER_WAY})
    assert moved.status_code == 302
    shown = read(client, url)
    assert "nhsuk-notification-banner--success" in shown and "The action is now under way." in shown
    after = read(client, url)
    assert "nhsuk-notification-banner" not in after
    assert without_tokens(after) == without_tokens(as_usual(client, url, monkeypatch))


def test_a_server_under_another_url_prefix_links_the_kept_page_under_it(lead, team):
    client = signed_in(lead)
    plain = read(client, team_url(team))
    assert f'href="/summaries/teams/{team.pk}/' in plain or "/summaries/" in plain
    set_script_prefix("/checkin/")
    try:
        prefixed = client.get(team_url(team).removeprefix("/checkin")).content.decode()
    finally:
        set_script_prefix("/")
    links = re.findall(r'href="(/[^"]*)"', prefixed)
    assert links and all(link.startswith(("/checkin/", "/static/")) for link in links), links


def test_a_marker_changed_on_its_way_through_a_template_stops_the_shell_being_kept():
    good = f"a{kept_pages._marker('name')}b{kept_pages._marker('parts.0')}c"
    shell = KeptPage.split(good)
    assert shell.pieces == (b"a", b"b", b"c") and shell.holes == ("name", "parts.0")
    assert shell.fill({"name": b"N", "parts.0": b"P"}) == b"aNbPc"
    with pytest.raises(ValueError, match="printed as is"):
        KeptPage.split(good.upper())


def test_a_value_that_is_neither_a_hole_nor_plain_is_refused(lead, team, rf):
    request = rf.get("/")
    request.user = lead
    request.session = signed_in(lead).session
    request._messages = messages.storage.default_storage(request)
    with pytest.raises(TypeError, match="plain"):
        kept_pages.kept_page(request, "assessments/leads/team_summary.html", {"team": team}, ())


def reader_count(request):
    return {"unread_count": request.user.pk}


def test_a_context_processor_the_shell_does_not_know_stops_it_being_built(lead, team, settings):
    """A new per-reader value in the frame would be the first reader's on everyone's page: the shell refuses it."""
    processors = settings.TEMPLATES[0]["OPTIONS"]["context_processors"]
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "OPTIONS": {
                **settings.TEMPLATES[0]["OPTIONS"],
                "context_processors": [*processors, "tests.leads.test_kept_pages.reader_count"],
            },
        }
    ]
    client = signed_in(lead)
    client.raise_request_exception = True
    with pytest.raises(ImproperlyConfigured, match="unread_count"):
        client.get(team_url(team))
