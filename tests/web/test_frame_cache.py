"""The page frame's fixed pieces are rendered once per process and kept (templates/base.html, the "template_fragments"
cache), and the header's menu is kept in the session between the pushes of its end
(assessments/web/context_processors.py). Neither may show anyone a frame that is not theirs: their own name, their
own links, a CSRF token that works, and a role given or taken away within about a minute.

The site is in English only (settings.LANGUAGES), so no test here renders the frame in another language."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import User
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse, set_script_prefix

from assessments.leads.invites import invite_create
from assessments.models import Membership, Role, ServiceLead
from assessments.web.context_processors import MENU_KEY
from assessments.web.session_timeout import PUSHED_AT
from tests.cast import make_user
from tests.clients import BrowserClient


@pytest.fixture(autouse=True)
def _empty_frame_cache():
    """Each test starts as a freshly started process does: the first page anyone opens renders the frame's pieces,
    and every later one, whoever opens it, is served from what that page kept."""
    caches["template_fragments"].clear()


def page(client, name: str = "site:support") -> str:
    response = client.get(reverse(name))
    assert response.status_code == 200
    return response.content.decode()


def signed_in(user: User, backend: str | None = None, **client_options) -> BrowserClient:
    client = BrowserClient(**client_options)
    client.force_login(user, backend=backend)
    return client


def header_name(html: str) -> str:
    """The name the header shows, as sent (escaped)."""
    names = re.findall(r'<li class="nhsuk-header__account-item app-header-name">(.*?)</li>', html)
    assert len(names) == 1, names
    return names[0]


def menu_of(html: str) -> str:
    """The header's menu: the navigation under the account links (empty if the page has none)."""
    found = re.search(r'<nav class="nhsuk-header__navigation".*?</nav>', html, re.S)
    return found[0] if found else ""


def offers_practitioner_pages(html: str) -> bool:
    return "My check-ins" in menu_of(html)


def offers_lead_pages(html: str) -> bool:
    return "Team summaries" in menu_of(html)


def make_push_due(client) -> None:
    """Moves the session's last push a minute and a second back: the next request pushes its end back again."""
    session = client.session
    session[PUSHED_AT] -= 61
    session.save()


# --- the name in the header -------------------------------------------------------------------------------------------


def test_two_people_one_after_the_other_each_see_their_own_name_and_never_the_others(practitioner, teammate):
    priya, tom = signed_in(practitioner), signed_in(teammate)
    for _ in range(2):  # the second round is served from what the first kept
        priya_page, tom_page = page(priya), page(tom)
        assert header_name(priya_page) == "Priya" and "Tom" not in priya_page
        assert header_name(tom_page) == "Tom" and "Priya" not in tom_page


def test_someone_without_a_first_name_sees_their_username_not_the_last_persons_name(practitioner):
    page(signed_in(practitioner))
    html = page(signed_in(make_user("no.name")))
    assert header_name(html) == "no.name" and "Priya" not in html


def test_a_changed_first_name_shows_on_the_next_page(practitioner):
    client = signed_in(practitioner)
    assert header_name(page(client)) == "Priya"
    User.objects.filter(pk=practitioner.pk).update(first_name="Pri")
    html = page(client)
    assert header_name(html) == "Pri" and "Priya" not in html


def test_a_name_with_html_in_it_is_shown_as_text(db):
    client = signed_in(make_user("sam", first_name="<b>Sam</b>"))
    for _ in range(2):  # rendered, then kept
        html = page(client)
        assert header_name(html) == "&lt;b&gt;Sam&lt;/b&gt;"
        assert "<b>Sam</b>" not in html


# --- "Change password" ------------------------------------------------------------------------------------------------


ORGANISATION = "assessments.web.backends.OrganisationSignInBackend"


@pytest.mark.parametrize("usable_first", [True, False], ids=["password-first", "no-password-first"])
def test_change_password_is_offered_only_to_someone_with_a_password_whoever_comes_first(db, settings, usable_first):
    """Two people with the same first name: one with a password, one who only signs in through the organisation."""
    settings.LOCAL_PASSWORDS = True
    with_password = make_user("sam.jones", first_name="Sam")
    without = User.objects.create_user("sam.smith", email="sam.smith@example.nhs.uk", first_name="Sam")
    assert not without.has_usable_password()
    order = [with_password, without] if usable_first else [without, with_password]
    for _ in range(2):
        for person in order:
            html = page(signed_in(person, backend=ORGANISATION))
            assert header_name(html) == "Sam"
            offered = f'href="{reverse("password_change")}"' in html
            assert offered == (person == with_password), person.username


def test_change_password_is_not_offered_when_local_passwords_are_off(practitioner, settings):
    settings.LOCAL_PASSWORDS = True
    client = signed_in(practitioner, backend=ORGANISATION)
    assert "Change password" in page(client)
    settings.LOCAL_PASSWORDS = False
    html = page(client)
    assert header_name(html) == "Priya" and "Change password" not in html


# --- CSRF tokens ------------------------------------------------------------------------------------------------------

# The forms on every signed-in page, in page order: the header's "Sign out", and the session-timeout warning's "Stay
# signed in" and "Sign out".
FORM = re.compile(
    r'<form[^>]* method="post" action="([^"]+)"[^>]*>\s*<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"'
)


def forms_of(html: str) -> list[tuple[str, str]]:
    forms = FORM.findall(html)
    assert [action for action, _token in forms] == [
        reverse("logout"),
        reverse("site:stay_signed_in"),
        reverse("logout"),
    ]
    return forms


@pytest.mark.parametrize("which", [0, 1, 2], ids=["header-sign-out", "warning-stay-signed-in", "warning-sign-out"])
def test_each_form_of_the_frame_carries_a_token_that_passes_the_csrf_check(practitioner, teammate, which):
    page(signed_in(teammate, enforce_csrf_checks=True))  # someone else's page renders the frame first
    browser = signed_in(practitioner, enforce_csrf_checks=True)
    page(browser)
    action, token = forms_of(page(browser))[which]
    assert browser.post(action, {}).status_code == 403  # the check is on
    response = browser.post(action, {"csrfmiddlewaretoken": token, "next": reverse("site:support")})
    assert response.status_code == 302
    if action == reverse("logout"):
        assert SESSION_KEY not in browser.session
    else:
        assert response["Location"] == reverse("site:support")
        assert SESSION_KEY in browser.session


def test_no_two_pages_carry_the_same_token(practitioner, teammate):
    """A token kept with the frame would be one person's token on everyone's pages."""
    priya, tom = signed_in(practitioner, enforce_csrf_checks=True), signed_in(teammate, enforce_csrf_checks=True)
    tokens = [{token for _action, token in forms_of(page(browser))} for browser in (priya, priya, tom)]
    assert not tokens[0] & tokens[1] and not tokens[0] & tokens[2] and not tokens[1] & tokens[2]


# --- the menu ---------------------------------------------------------------------------------------------------------


def test_a_practitioner_is_offered_their_check_ins_and_a_lead_who_does_not_check_in_the_summaries(practitioner, lead):
    for _ in range(2):
        practitioners_page, leads_page = page(signed_in(practitioner)), page(signed_in(lead))
        assert offers_practitioner_pages(practitioners_page) and not offers_lead_pages(practitioners_page)
        assert offers_lead_pages(leads_page) and not offers_practitioner_pages(leads_page)


@pytest.mark.parametrize("made", ["lead-of-another-team", "service-lead"])
def test_a_practitioner_made_a_lead_is_offered_the_summaries_once_the_session_is_next_pushed(
    practitioner, other_team, service, made
):
    client = signed_in(practitioner)
    assert not offers_lead_pages(page(client))
    if made == "service-lead":
        ServiceLead.objects.create(user=practitioner, service=service)
    else:
        Membership.objects.create(user=practitioner, team=other_team, role=Role.LEAD)
    page(client)  # within the minute: the menu kept in the session may still be the old one
    make_push_due(client)
    html = page(client)
    assert offers_lead_pages(html) and offers_practitioner_pages(html)


def test_stay_signed_in_pushes_the_session_and_asks_the_menu_afresh_with_it(practitioner, service):
    """The warning's "Stay signed in" pushes the session's end back whatever the minute: the menu is asked with it,
    so it is never older than the last push."""
    client = signed_in(practitioner)
    assert not offers_lead_pages(page(client))
    ServiceLead.objects.create(user=practitioner, service=service)
    response = client.post(reverse("site:stay_signed_in"), HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and response.json()["signed_in"]
    assert offers_lead_pages(page(client))  # no push due since: the menu kept by "Stay signed in"


def test_a_lead_whose_team_is_taken_away_is_no_longer_offered_the_summaries_once_the_session_is_next_pushed(lead):
    client = signed_in(lead)
    assert offers_lead_pages(page(client))
    Membership.objects.filter(user=lead).delete()
    page(client)
    make_push_due(client)
    assert not offers_lead_pages(page(client))


def test_a_practitioner_moved_out_of_their_team_is_no_longer_offered_their_check_ins_once_next_pushed(practitioner):
    client = signed_in(practitioner)
    assert offers_practitioner_pages(page(client))
    Membership.objects.filter(user=practitioner).delete()
    page(client)
    make_push_due(client)
    assert not offers_practitioner_pages(page(client))


def test_a_menu_kept_for_someone_else_is_never_shown(practitioner, lead):
    """A session whose kept menu names another person (a lead's, here) gets this person's own menu, within the
    minute as after it."""
    client = signed_in(practitioner)
    page(client)
    session = client.session
    assert session[MENU_KEY]["user"] == practitioner.pk
    session[MENU_KEY] = {"user": lead.pk, "roles": {"practises": False, "checked_in": False, "leads": True}}
    session.save()
    html = page(client)
    assert offers_practitioner_pages(html) and not offers_lead_pages(html)


def test_someone_who_joins_a_team_by_invite_is_offered_its_pages_on_the_very_next_page(outsider, lead, team):
    _invite, token = invite_create(team=team, created_by=lead, email=outsider.email)
    client = signed_in(outsider)
    assert not offers_practitioner_pages(page(client, "site:home"))
    response = client.post(reverse("site:join", args=[token]))
    assert response.status_code == 302 and response["Location"] == reverse("site:home")
    html = page(client, "site:home")  # within the minute: no push
    assert offers_practitioner_pages(html)
    assert f"Welcome. You have joined {team.name}." in html


# --- queries ----------------------------------------------------------------------------------------------------------


def menu_questions(queries: CaptureQueriesContext) -> list[str]:
    """The menu's question: what this person can use, one EXISTS each for their teams, their check-ins and the
    services they lead."""
    tables = ("assessments_membership", "assessments_checkin", "assessments_servicelead")
    return [q["sql"] for q in queries.captured_queries if "EXISTS" in q["sql"] and all(t in q["sql"] for t in tables)]


def test_between_pushes_pages_ask_nothing_about_the_menu_and_the_push_asks_once(practitioner, service):
    ServiceLead.objects.create(user=practitioner, service=service)
    client = signed_in(practitioner)
    with CaptureQueriesContext(connection) as first:
        html = page(client, "leads:summary_index")  # the first page after signing in pushes
    assert len(menu_questions(first)) == 1
    assert offers_lead_pages(html) and offers_practitioner_pages(html)
    for name in ("leads:summary_index", "site:support", "site:home", "practitioner:history"):
        with CaptureQueriesContext(connection) as between:
            html = page(client, name)
        assert menu_questions(between) == [], name
        assert offers_lead_pages(html) and offers_practitioner_pages(html), name
    make_push_due(client)
    with CaptureQueriesContext(connection) as pushed:
        html = page(client, "site:support")  # the page shows the menu, and the middleware pushes
    assert len(menu_questions(pushed)) == 1
    assert offers_lead_pages(html)


def test_a_push_on_a_response_without_a_menu_asks_once_for_the_pages_after_it(practitioner, other_team):
    client = signed_in(practitioner)
    page(client)
    Membership.objects.create(user=practitioner, team=other_team, role=Role.LEAD)
    make_push_due(client)
    with CaptureQueriesContext(connection) as pushed:
        response = client.get(reverse("practitioner:export_json"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert len(menu_questions(pushed)) == 1
    with CaptureQueriesContext(connection) as after:
        html = page(client)
    assert menu_questions(after) == [] and offers_lead_pages(html)


# --- error pages ------------------------------------------------------------------------------------------------------


def assert_whole_frame(html: str) -> None:
    for piece in (
        "css/app.css",
        'class="nhsuk-skip-link"',
        'id="header-support"',
        'class="nhsuk-footer"',
        f'href="{reverse("site:privacy")}"',
        f'href="{reverse("site:accessibility")}"',
    ):
        assert piece in html, piece


def test_the_404_page_for_someone_not_signed_in_has_the_frame_and_nobody_elses_name(practitioner):
    page(signed_in(practitioner))
    response = BrowserClient().get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert_whole_frame(html)
    assert "Priya" not in html and "Sign out" not in html and "My check-ins" not in html


def test_the_500_page_has_the_frame_and_nobody_elses_name(practitioner, monkeypatch, settings):
    settings.DEBUG = False
    client = signed_in(practitioner)
    page(client, "practitioner:history")

    def broken(user):
        raise RuntimeError("broken")

    monkeypatch.setattr("assessments.practitioner.views.checkins.submitted_checkins", broken)
    client.raise_request_exception = False
    response = client.get(reverse("practitioner:history"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Sorry, something went wrong" in html
    assert_whole_frame(html)
    assert "Priya" not in html and "My check-ins" not in html


def test_a_server_reached_under_another_url_prefix_links_under_that_prefix(practitioner):
    """The frame's pieces are kept per URL prefix: the same process behind two paths links each under its own."""
    client = signed_in(practitioner)
    plain = page(client)
    assert 'href="/support/"' in plain
    set_script_prefix("/checkin/")  # as the server does from SCRIPT_NAME (Django's test client does not)
    try:
        prefixed = client.get("/support/").content.decode()  # the path after the prefix, as the server passes it on
    finally:
        set_script_prefix("/")
    assert 'href="/checkin/support/"' in prefixed and 'href="/support/"' not in prefixed
