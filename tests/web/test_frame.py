"""The page frame and the design system: NHS.UK markup only, forms through the template pack, one menu per role,
and the small things every page needs (one autofocus at most, noindex, a favicon, the footer's links)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from assessments.leads.invites import invite_create
from assessments.models import ServiceLead

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
PACK = TEMPLATES / "nhsuk"

# Bootstrap's classes and data attributes that this app used, and the shapes of its utility classes.
BOOTSTRAP_CLASSES = {
    "btn", "card", "card-body", "navbar", "container", "row", "alert", "badge", "lead", "small", "table",
    "form-check", "form-check-input", "form-control", "form-label", "form-text", "form-select", "list-group",
    "list-group-item", "visually-hidden", "visually-hidden-focusable", "table-responsive", "d-flex", "d-inline",
}  # fmt: skip
BOOTSTRAP_PATTERN = re.compile(
    r"^(btn-|alert-|text-bg-|bg-|col-|g-\d|m[tbsexy]?-\d|p[tbsexy]?-\d|fs-\d|fw-|h\d$|display-)"
)


def class_tokens(html: str) -> set[str]:
    return {token for value in re.findall(r'class="([^"]*)"', html) for token in value.split()}


def test_no_bootstrap_is_left_in_the_templates_or_the_static_files():
    for template in TEMPLATES.rglob("*.html"):
        html = template.read_text()
        tokens = {t for t in class_tokens(html) if "{" not in t}
        assert not tokens & BOOTSTRAP_CLASSES, (template, tokens & BOOTSTRAP_CLASSES)
        assert not [t for t in tokens if BOOTSTRAP_PATTERN.match(t)], template
        assert "data-bs-" not in html and "bootstrap" not in html.lower(), template
    for path in (ROOT / "static").rglob("*"):
        assert "bootstrap" not in path.name.lower(), path
        if path.suffix in {".css", ".js", ".mjs"}:
            assert "bootstrap" not in path.read_text().lower(), path


def test_no_page_template_writes_its_own_form_controls():
    """Every label, input, textarea, select, fieldset and legend comes from the template pack (templates/nhsuk/)."""
    for template in TEMPLATES.rglob("*.html"):
        if PACK in template.parents:
            continue
        html = template.read_text()
        for tag in ("<textarea", "<select", "<label", "<fieldset", "<legend"):
            assert tag not in html, (template, tag)
        inputs = re.findall(r"<input[^>]*>", html)
        assert all('type="hidden"' in i for i in inputs), (template, inputs)


def test_robots_txt_asks_every_crawler_to_stay_out(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode().splitlines() == ["User-agent: *", "Disallow: /"]


def test_favicon_ico_leads_to_the_design_systems_icon(client, settings):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    path = response["Location"].removeprefix("/" + settings.STATIC_URL.strip("/") + "/")
    assert path == "vendor/nhsuk-frontend/assets/images/favicon.ico"
    assert finders.find(path)


def test_every_page_says_noindex_and_links_the_accessibility_statement_and_privacy(client):
    html = client.get(reverse("login")).content.decode()
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert f'href="{reverse("site:accessibility")}"' in html
    assert f'href="{reverse("site:privacy")}"' in html
    assert 'class="nhsuk-skip-link"' in html and 'href="#maincontent"' in html


def test_the_accessibility_statement_says_how_to_complain_and_how_it_was_tested(client, settings):
    settings.ACCESSIBILITY_CONTACT_EMAIL = "access@riverside.nhs.uk"
    html = client.get(reverse("site:accessibility")).content.decode()
    for words in (
        "Equality and Human Rights Commission",
        "Equality Advisory and Support Service",
        "partially compliant",
        "Nu Html Checker",
        "390 pixels",
        "1280 pixels",
        "JavaScript switched off",
        'href="mailto:access@riverside.nhs.uk"',
    ):
        assert words in html, words


@pytest.mark.parametrize(
    "url, data",
    [
        (lambda w: reverse("login"), {"username": "priya", "password": "wrong"}),
        (lambda w: reverse("password_change"), {"old_password": "wrong"}),
        (lambda w: reverse("site:join", args=[w]), {"password1": ""}),
    ],
    ids=["login", "password-change", "join"],
)
def test_after_a_form_error_the_page_has_one_autofocus_on_the_error_summary(client, practitioner, team, url, data):
    _invite, token = invite_create(team=team, created_by=practitioner, email="new.starter@riverside.nhs.uk")
    if "old_password" in data:  # changing a password needs someone signed in
        client.force_login(practitioner)
    html = client.post(url(token), data).content.decode()
    assert html.count("autofocus") == 1
    assert 'id="error-summary" tabindex="-1" autofocus' in html


def test_before_any_error_the_sign_in_page_leaves_focus_at_the_top_for_the_skip_link(client):
    html = client.get(reverse("login")).content.decode()
    assert "autofocus" not in html
    assert re.search(r'<label class="nhsuk-label" for="id_username">Email address or username</label>', html)


PRACTITIONER_LINKS = ("practitioner:history", "practitioner:trends", "practitioner:supervision", "practitioner:my_data")


def test_a_lead_who_does_not_check_in_gets_a_leads_home_and_menu(client, lead, team, service):
    ServiceLead.objects.create(user=lead, service=service)
    client.force_login(lead)
    html = client.get(reverse("site:home")).content.decode()
    assert "Teams you lead" in html and "Services you lead" in html
    assert reverse("leads:team_summary_current", args=[team.pk]) in html
    assert reverse("leads:summary_index") in html
    for name in PRACTITIONER_LINKS:
        assert f'href="{reverse(name)}"' not in html, name
    assert "invite link" not in html and "Start a check-in" not in html and "Your check-in" not in html


def test_a_practitioner_gets_the_practitioner_menu_and_no_leads_pages(client, practitioner):
    client.force_login(practitioner)
    html = client.get(reverse("site:home")).content.decode()
    for name in PRACTITIONER_LINKS:
        assert f'href="{reverse(name)}"' in html, name
    assert reverse("leads:summary_index") not in html
    assert "Start a check-in" in html


def test_someone_in_no_team_is_told_how_to_join_without_practitioner_links(client, outsider):
    client.force_login(outsider)
    html = client.get(reverse("site:home")).content.decode()
    assert "You are not part of a team yet" in html
    for name in PRACTITIONER_LINKS:
        assert f'href="{reverse(name)}"' not in html, name
