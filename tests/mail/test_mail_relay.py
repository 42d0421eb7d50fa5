"""Email through a real SMTP relay on 127.0.0.1 (tests/mail_server.py): STARTTLS and authentication required, the
app's own SMTP backend configured from settings as an operator would, and the relay down, hung or refusing us.

Each starts a relay (a thread with its own event loop) in well under a second; the hung relay's test waits
EMAIL_TIMEOUT on a real socket, so it alone runs with the slow tests."""

from __future__ import annotations

import re
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from assessments.mail.outbox import emails_waiting
from assessments.models import Cadence, Invite, OutgoingEmail
from tests.mail_server import RELAY_PASSWORD, RELAY_USER, closed_port, relay_running, silent_relay

FROM = "Practitioner check-in <checkin-noreply@example.nhs.uk>"
INVITED = "new.person@example.nhs.uk"


@pytest.fixture
def smtp_settings(settings, monkeypatch, tmp_path):
    """The app's SMTP backend, set as docs/deploy.md tells an operator to set it for NHSmail: STARTTLS on a submission
    port, an account and its password. Returns a function that points it at a port (and the relay's certificate)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_USE_TLS = True
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = RELAY_USER
    settings.EMAIL_HOST_PASSWORD = RELAY_PASSWORD
    settings.EMAIL_TIMEOUT = 1
    settings.DEFAULT_FROM_EMAIL = FROM

    def point_at(port: int, cert_file=None) -> None:
        settings.EMAIL_PORT = port
        if cert_file is not None:  # trust the relay's certificate, as an operator trusts their organisation's CA
            monkeypatch.setenv("SSL_CERT_FILE", str(cert_file))

    return point_at


@pytest.fixture
def relay(smtp_settings, tmp_path):
    with relay_running(tmp_path) as running:
        smtp_settings(running.port, running.cert_file)
        yield running


def send_queued() -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("send_queued_email", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def invite(client, lead, team):
    client.force_login(lead)
    return client.post(reverse("leads:team_invites", args=[team.pk]), {"email": INVITED})


def later() -> None:
    """A few minutes on: every retry that was waiting is due."""
    OutgoingEmail.objects.filter(sent_at__isnull=True).update(next_attempt_at=timezone.now())


def test_an_invite_arrives_over_starttls_after_signing_in_to_the_relay_with_text_and_html(client, lead, team, relay):
    assert invite(client, lead, team).status_code == 302
    assert relay.received == []  # queued, not sent from the request
    out, err = send_queued()
    assert "Emails sent: 1," in out and err == ""
    (received,) = relay.received
    assert received.over_tls and received.authenticated_as == RELAY_USER
    assert received.mail_from == "checkin-noreply@example.nhs.uk" and received.rcpt_tos == [INVITED]
    assert received.message["From"] == FROM and received.message["To"] == INVITED
    assert received.message["Subject"] == "You are invited to join North team on the Practitioner check-in"
    text, html = received.part("text/plain"), received.part("text/html")
    link = re.search(r"http://\S+/join/\S+/", text).group(0)
    assert f'<a href="{link}">' in html and "North team (Riverside Talking Therapies)" in html
    assert "North team (Riverside Talking Therapies)" in text and "<" not in text
    # The link works, and the email's words are no longer in the database.
    client.logout()
    assert client.get(link.removeprefix("http://127.0.0.1:8000")).status_code == 200
    sent = OutgoingEmail.objects.get()
    assert sent.sent_at is not None and sent.text == sent.html == "" and emails_waiting() == 0


def test_a_reminder_arrives_with_text_and_html(practitioner, team, relay):
    team.checkin_cadence = Cadence.MONTHLY
    team.save()
    call_command("send_checkin_reminders", stdout=StringIO())
    send_queued()
    (received,) = relay.received
    assert received.rcpt_tos == [practitioner.email] and received.over_tls and received.authenticated_as == RELAY_USER
    assert received.message["Subject"] == "Time for your check-in"
    assert "Hello Priya," in received.part("text/plain") and "Hello Priya," in received.part("text/html")
    assert "http://127.0.0.1:8000/me/" in received.part("text/plain")  # where to turn reminders off


def test_a_password_reset_link_and_the_notice_that_the_password_changed_both_arrive(client, practitioner, relay):
    assert client.post(reverse("password_reset"), {"email": practitioner.email}).status_code == 302
    send_queued()
    (reset,) = relay.received
    assert reset.rcpt_tos == [practitioner.email] and reset.over_tls and reset.authenticated_as == RELAY_USER
    path = re.search(r"http://[^/\s]+(/accounts/reset/\S+/)", reset.part("text/plain")).group(1)
    assert path in reset.part("text/html")
    form_page = client.get(path, follow=True)
    new = "a-reset-long-pass-43"
    client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    send_queued()
    notice = relay.received[1]
    assert notice.message["Subject"] == "Your Practitioner check-in password was changed"
    assert notice.rcpt_tos == [practitioner.email]
    assert "was changed on" in notice.part("text/plain") and "was changed on" in notice.part("text/html")
    assert new not in notice.part("text/plain") + notice.part("text/html")


def test_a_relay_that_is_off_loses_nothing_and_the_email_goes_when_it_is_back(
    client, lead, team, smtp_settings, tmp_path
):
    port = closed_port()
    smtp_settings(port)
    assert invite(client, lead, team).status_code == 302  # the request succeeds
    out, err = send_queued()
    assert "Emails sent: 0, not sent (to try again): 1, still queued: 1" in out
    assert "could not be reached" in err
    waiting = OutgoingEmail.objects.get()
    assert waiting.sent_at is None and waiting.attempts == 1 and "ConnectionRefusedError" in waiting.last_error
    assert waiting.next_attempt_at > timezone.now()  # it backs off
    assert "Emails sent: 0, not sent (to try again): 0, still queued: 1" in send_queued()[0]  # not due yet

    with relay_running(tmp_path, port=port) as relay:
        smtp_settings(port, relay.cert_file)
        later()
        assert "Emails sent: 1," in send_queued()[0]
    (received,) = relay.received
    assert received.rcpt_tos == [INVITED] and "/join/" in received.part("text/plain")
    assert Invite.objects.filter(email=INVITED).count() == 1 and emails_waiting() == 0


@pytest.mark.slow  # waits EMAIL_TIMEOUT (1 s) for a relay that never answers
def test_a_relay_that_never_answers_holds_up_no_page_and_the_email_waits_for_it(
    client, lead, team, smtp_settings, tmp_path, settings
):
    with silent_relay() as port:
        smtp_settings(port)
        started = time.monotonic()
        assert invite(client, lead, team).status_code == 302
        assert time.monotonic() - started < settings.EMAIL_TIMEOUT  # the page never waited on the relay
        started = time.monotonic()
        send_queued()
        waited = time.monotonic() - started
    assert settings.EMAIL_TIMEOUT <= waited < settings.EMAIL_TIMEOUT + 2  # the job waits once, then gives up
    waiting = OutgoingEmail.objects.get()
    assert waiting.sent_at is None and "timed out" in waiting.last_error

    with relay_running(tmp_path) as relay:
        smtp_settings(relay.port, relay.cert_file)
        later()
        send_queued()
    assert [r.rcpt_tos for r in relay.received] == [[INVITED]]


def test_a_wrong_relay_password_keeps_the_email_and_says_why_and_no_page_fails(client, lead, team, relay, settings):
    settings.EMAIL_HOST_PASSWORD = "not the password"
    assert invite(client, lead, team).status_code == 302
    out, err = send_queued()
    assert "not sent (to try again): 1" in out and "refused us" in err
    assert relay.received == [] and set(relay.refused_logins) == {RELAY_USER}  # tried PLAIN, then LOGIN
    waiting = OutgoingEmail.objects.get()
    assert waiting.sent_at is None and "SMTPAuthenticationError: 535" in waiting.last_error
    assert RELAY_PASSWORD not in waiting.last_error and "not the password" not in waiting.last_error

    settings.EMAIL_HOST_PASSWORD = RELAY_PASSWORD  # the operator puts it right
    later()
    send_queued()
    assert [r.rcpt_tos for r in relay.received] == [[INVITED]]


def test_a_relay_whose_certificate_is_not_trusted_is_sent_nothing(client, lead, team, relay, monkeypatch):
    """STARTTLS checks the relay's certificate: a relay in the middle with a certificate of its own gets no mail,
    and with it no password."""
    monkeypatch.delenv("SSL_CERT_FILE")
    invite(client, lead, team)
    send_queued()
    assert relay.received == [] and relay.refused_logins == []
    assert "SSLCertVerificationError" in OutgoingEmail.objects.get().last_error


def test_without_starttls_the_relay_takes_no_password_and_no_mail(client, lead, team, relay, settings):
    settings.EMAIL_USE_TLS = False
    invite(client, lead, team)
    send_queued()
    assert relay.received == [] and relay.refused_logins == []
    assert OutgoingEmail.objects.get().sent_at is None
