"""Support always in reach: a "Get support" page for everyone, linked from every page, signed in or not."""

from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from assessments.models import CheckIn
from tests.checkins import submit_checkin
from tests.page_text import numbers_not_linked, text_of

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def test_the_support_page_names_every_route_the_issue_lists(client):
    html = text_of(client.get(reverse("site:support")).content.decode(), "maincontent")
    for route in (
        "supervisor",
        "occupational health",
        "employee assistance programme",
        "Your GP",
        "NHS Practitioner Health",
        "the team they work in",  # its eligibility, in its own words
        "Freedom to Speak Up guardian",
        "trade union",
        "NHS 111",
        "mental health option",
        "116 123",
        "Shout",
        "85258",
        "999",
    ):
        assert route in html, route


def test_every_page_template_carries_the_footer_that_links_to_support():
    """Every full page extends base.html, whose footer links to the support page (partials, stored parts, the pack and
    emails excepted: an email is not a page of the site)."""
    pages = [
        t
        for t in TEMPLATES.rglob("*.html")
        if not {"partials", "parts", "nhsuk", "email"} & set(t.relative_to(TEMPLATES).parts) and t.name != "base.html"
    ]
    assert len(pages) > 30
    for page in pages:
        assert '{% extends "base.html" %}' in page.read_text(), page
    base = (TEMPLATES / "base.html").read_text()
    assert "{% url 'site:support' %}" in base.split('<footer class="nhsuk-footer">')[1]


def test_the_link_is_there_signed_out_signed_in_and_on_error_pages(client, practitioner, lead, team, db):
    support = f'href="{reverse("site:support")}"'
    for url in (reverse("login"), reverse("site:privacy"), "/no-such-page/"):
        assert support in client.get(url).content.decode(), url
    client.force_login(practitioner)
    checkin = submit_checkin(practitioner, team)
    for url in (reverse("site:home"), reverse("practitioner:checkin_detail", args=[checkin.pk])):
        assert support in client.get(url).content.decode(), url
    client.force_login(lead)
    assert support in client.get(reverse("site:home")).content.decode()
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert support in render_to_string("500.html", request=request)


def test_the_reflection_box_says_nobody_reads_it_and_where_to_get_help_now(client, practitioner, team):
    client.force_login(practitioner)
    client.post(reverse("practitioner:checkin_begin"))
    draft = CheckIn.objects.get(user=practitioner)
    # The box closes each phase's page.
    html = client.get(reverse("practitioner:checkin_step", args=[draft.pk, "challenges"])).content.decode()
    assert "Your private reflection (optional)" in html
    assert "Nobody else reads this, not your lead and not your supervisor." in html
    assert "If you need help now, the Get support page" in html


def header_of(html: str) -> str:
    return html.split('<header class="nhsuk-header"', 1)[1].split("</header>", 1)[0]


def test_get_support_is_in_the_header_of_every_page_signed_out_signed_in_and_mid_check_in(
    client, practitioner, team, db
):
    """One tap from anywhere, at the top of the page, not only in the footer below everything on a phone."""
    link = f'href="{reverse("site:support")}">Get support</a>'
    for url in (reverse("login"), reverse("site:privacy"), "/no-such-page/"):
        assert link in header_of(client.get(url).content.decode()), url
    client.force_login(practitioner)
    checkin = submit_checkin(practitioner, team)
    client.post(reverse("practitioner:checkin_begin"))
    draft = CheckIn.objects.get(user=practitioner, status=CheckIn.Status.DRAFT)
    for url in (
        reverse("site:home"),
        reverse("practitioner:checkin_detail", args=[checkin.pk]),
        reverse("practitioner:checkin_step", args=[draft.pk, "challenges"]),  # no menu on these pages
    ):
        html = client.get(url).content.decode()
        assert link in header_of(html) and link in html.split("<footer", 1)[1], url
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert link in header_of(render_to_string("500.html", request=request))


def test_every_number_on_the_support_page_is_a_link_to_call_or_text_it(client):
    html = client.get(reverse("site:support")).content.decode()
    text = text_of(html, "maincontent")
    for number in ("999", "111", "116 123", "85258", "0300 0303 300"):
        assert number in text, number
    assert numbers_not_linked(html, "maincontent") == []


def test_the_support_page_gives_the_urgent_card_in_nhs_uks_words_and_practitioner_health_no_wider_than_it_is(client):
    text = text_of(client.get(reverse("site:support")).content.decode(), "maincontent")
    assert "Call 999 or go to A&E now if: your life is at risk" in text
    assert "you do not feel you can keep yourself safe right now" in text
    assert "where there is a genuine reason why they cannot access care confidentially" in text
    assert "do not want to be seen by your own service" not in text
