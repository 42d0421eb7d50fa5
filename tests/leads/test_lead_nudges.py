"""Figures-ready emails to leads: once per period, only to leads with figures to see, at most one a week, never
after they stop them, and never a word about any figure."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.core.periods import latest_shown_period
from assessments.figures.publication import periods_publish
from assessments.leads.nudges import nudges_send, unsubscribe_token
from assessments.models import LeadEmailSetting, LeadNudgeSent
from tests.outbox import delivered
from tests.world import contributions


@pytest.fixture
def published(team, other_team, question_set):
    """North has figures to show (six took part); nobody in South took part, so all of South's is withheld."""
    contributions(team, 6, {"systemic_pressures": 4})
    period = latest_shown_period()
    periods_publish(period=period)
    return period


def send(period, now=None) -> int:
    return nudges_send(period=period, now=now or timezone.now())


def sent_to() -> list[str]:
    return sorted(address for message in delivered() for address in message.to)


def test_a_lead_whose_team_has_figures_is_told_once(published, lead, other_lead):
    assert send(published) == 1
    assert sent_to() == [lead.email]
    assert send(published) == 0
    assert len(delivered()) == 1
    assert LeadNudgeSent.objects.filter(user=lead, period_start=published.start).count() == 1


def test_a_lead_whose_team_is_all_withheld_is_not_told(published, other_lead):
    send(published)
    assert other_lead.email not in sent_to()


def test_a_service_lead_is_told_when_any_team_of_the_service_has_figures(published, service_lead):
    send(published)
    assert service_lead.email in sent_to()


def test_nobody_is_told_of_a_period_that_is_not_published(team, lead, question_set):
    contributions(team, 6, {"systemic_pressures": 4})
    assert send(latest_shown_period()) == 0
    assert delivered() == []


def test_a_lead_emailed_in_the_last_week_waits_until_a_week_has_passed(published, lead):
    earlier = published.previous()
    LeadNudgeSent.objects.create(
        user=lead, period_kind=earlier.kind, period_start=earlier.start, sent_at=timezone.now() - timedelta(days=6)
    )
    assert send(published) == 0
    assert send(published, now=timezone.now() + timedelta(days=1, minutes=1)) == 1
    assert sent_to() == [lead.email]


def test_the_email_says_figures_are_ready_and_where_and_nothing_about_any_figure(published, lead, team):
    send(published)
    message = delivered()[0]
    body = message.body
    assert published.label in body and "ready" in body
    assert "http://testserver/" in body or "://" in body
    assert team.name not in body and team.service.name not in body
    words = "\n".join(line for line in body.splitlines() if "://" not in line).replace(published.label, "")
    assert not re.search(r"\d|%|pressure|hotspot|worth a look", words, re.IGNORECASE), words
    assert "/emails/stop/" in message.extra_headers["List-Unsubscribe"]


def test_the_stop_link_works_without_signing_in_and_then_no_email_is_sent(published, lead):
    send(published, now=timezone.now() - timedelta(days=8))  # an earlier email, with its link
    link = re.search(r"https?://\S+/emails/stop/\S+/", delivered()[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    anonymous = Client(enforce_csrf_checks=True)
    page = anonymous.get("/" + path).content.decode()
    assert "Stop these emails" in page
    assert not LeadEmailSetting.objects.exists()  # opening the link (as a mail scanner does) changes nothing
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = anonymous.post(
        "/" + path, f"csrfmiddlewaretoken={csrf}", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200 and "You will not get these emails any more" in response.content.decode()
    assert LeadEmailSetting.objects.get(user=lead).figures_ready is False
    LeadNudgeSent.objects.all().delete()
    assert send(published) == 0


def test_a_stop_link_that_was_not_signed_here_changes_nothing(client, lead):
    token = unsubscribe_token(lead.pk)
    response = client.post(reverse("leads:email_stop", args=[token[:-2] + "xx"]))
    assert response.status_code == 400 and "This link does not work" in response.content.decode()
    assert not LeadEmailSetting.objects.exists()


def test_a_lead_turns_the_emails_off_and_on_in_their_settings(client, published, lead):
    client.force_login(lead)
    url = reverse("leads:email_settings")
    assert "Email me when new figures are ready?" in client.get(url).content.decode()
    assert client.post(url, {"figures_ready": "no"}).status_code == 302
    assert send(published) == 0
    client.post(url, {"figures_ready": "yes"})
    assert send(published) == 1


def test_the_settings_page_refuses_a_choice_it_does_not_offer(client, lead):
    client.force_login(lead)
    response = client.post(reverse("leads:email_settings"), {"figures_ready": "maybe"})
    assert response.status_code == 400
    assert not LeadEmailSetting.objects.exists()


def test_someone_who_leads_nothing_has_no_email_settings_page(client, practitioner):
    client.force_login(practitioner)
    assert client.get(reverse("leads:email_settings")).status_code == 404


def test_the_command_sends_the_emails_and_says_how_many(published, lead):
    out = StringIO()
    call_command("send_lead_nudges", stdout=out)
    assert out.getvalue().strip() == "Figures-ready emails sent: 1"
    call_command("send_lead_nudges", stdout=out)
    assert out.getvalue().strip().endswith("Figures-ready emails sent: 0")
