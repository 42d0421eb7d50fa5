"""Support always in reach: a "Get support" page for everyone, linked from every page, signed in or not."""

from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from assessments.models import CheckIn
from tests.conftest import submit_checkin

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def test_the_support_page_names_every_route_the_issue_lists(client):
    html = client.get(reverse("site:support")).content.decode()
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
        "999",
    ):
        assert route in html, route


def test_every_page_template_carries_the_footer_that_links_to_support():
    """Every full page extends base.html, whose footer links to the support page (partials and the pack excepted)."""
    pages = [
        t
        for t in TEMPLATES.rglob("*.html")
        if "partials" not in t.parts and "nhsuk" not in t.parts and t.name != "base.html"
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
    client.post(reverse("practitioner:checkin_step", args=[draft.pk, "individual-challenges"]), {})
    # The box closes each phase, on its last page.
    html = client.get(reverse("practitioner:checkin_step", args=[draft.pk, "systemic-pressures"])).content.decode()
    assert "Your private reflection (optional)" in html
    assert "Nobody else reads this, not your lead and not your supervisor." in html
    assert "If you need help now, the Get support page" in html
