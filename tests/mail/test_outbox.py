"""The queue every email goes through (assessments/mail/): queued with the change it tells of, sent once however many
runs there are, retried with a growing wait, forgotten once sent. The relay itself is tests/mail/test_mail_relay.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from assessments.checks import email_leaves_the_server
from assessments.mail import sending
from assessments.mail.outbox import email_queue, emails_waiting
from assessments.mail.sending import emails_purge, emails_send, retry_after
from assessments.models import OutgoingEmail
from tests.outbox import RelayDown, RelayRefusingOneAddress, delivered
from tests.server_env import settings_read

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="SKIP LOCKED is PostgreSQL's")


def queue(to: str = "priya@example.nhs.uk", team: str = "North team") -> OutgoingEmail:
    return email_queue(
        to=to,
        subject=f"You are invited to join {team} on the Practitioner check-in",
        template="invite",
        context={"team": team, "service": "Riverside", "days": 7, "link": "https://checkin.example.nhs.uk/join/x/"},
    )


def test_an_email_queued_in_a_change_that_is_rolled_back_is_never_sent(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        queue()
        raise RuntimeError("the change failed")
    assert emails_waiting() == 0 and delivered() == []


def test_each_email_has_a_text_part_and_an_html_part_with_the_same_words(db):
    queue()
    (message,) = delivered()
    ((html, kind),) = message.alternatives
    assert kind == "text/html" and message.content_subtype == "plain"
    assert "You have been invited to join North team (Riverside)" in message.body
    assert "You have been invited to join North team (Riverside)" in html
    assert '<a href="https://checkin.example.nhs.uk/join/x/">' in html and '<html lang="en-GB">' in html


def test_a_team_name_with_markup_is_shown_as_words_in_the_html_part_and_cannot_break_the_subject(db):
    queue(team='<a href="https://evil.example">Click</a>\nBcc: someone@evil.example')
    (message,) = delivered()
    html = message.alternatives[0][0]
    assert '<a href="https://evil.example">' not in html and "&lt;a href=&quot;https://evil.example&quot;&gt;" in html
    assert "\n" not in message.subject and message.to == ["priya@example.nhs.uk"] and not message.bcc


def test_a_sent_email_keeps_only_its_address_and_subject_and_goes_after_the_days_set(db, settings):
    settings.EMAIL_SENT_KEEP_DAYS = 7
    queue()
    delivered()
    sent = OutgoingEmail.objects.get()
    assert sent.sent_at is not None and sent.attempts == 1
    assert sent.text == "" and sent.html == "" and sent.headers == {}  # the join link is gone from the database
    assert emails_purge().sent_deleted == 0
    OutgoingEmail.objects.update(sent_at=timezone.now() - timedelta(days=7, minutes=1))
    assert emails_purge().sent_deleted == 1 and not OutgoingEmail.objects.exists()


def test_an_email_the_relay_has_refused_for_the_retry_days_is_given_up(db, settings):
    settings.EMAIL_RETRY_DAYS = 7
    queue()
    recent = queue(to="tom@example.nhs.uk")
    OutgoingEmail.objects.exclude(pk=recent.pk).update(created_at=timezone.now() - timedelta(days=7, minutes=1))
    assert emails_purge().given_up == 1
    assert list(OutgoingEmail.objects.values_list("to", flat=True)) == ["tom@example.nhs.uk"]


def test_the_wait_between_tries_doubles_from_a_minute_to_at_most_an_hour():
    assert [retry_after(n) for n in (1, 2, 3, 6, 7, 8, 50)] == [timedelta(minutes=m) for m in (1, 2, 4, 32, 60, 60, 60)]


def test_a_relay_that_cannot_be_reached_ends_the_run_at_the_first_email_and_keeps_them_all(db, settings):
    settings.EMAIL_BACKEND = "tests.outbox.RelayDown"
    RelayDown.attempts = 0
    for address in ("a@example.nhs.uk", "b@example.nhs.uk", "c@example.nhs.uk"):
        queue(to=address)
    report = emails_send()
    assert (report.sent, report.failed, report.relay_unreachable) == (0, 1, True)
    assert RelayDown.attempts == 1  # not one timeout per email
    assert emails_waiting() == 3
    tried = OutgoingEmail.objects.get(attempts=1)
    assert tried.next_attempt_at > timezone.now() + timedelta(seconds=50)
    assert "ConnectionRefusedError" in tried.last_error


def test_an_address_the_relay_refuses_does_not_hold_up_the_others(db, settings):
    settings.EMAIL_BACKEND = "tests.outbox.RelayRefusingOneAddress"
    queue(to=RelayRefusingOneAddress.REFUSED)
    queue(to="tom@example.nhs.uk")
    report = emails_send()
    assert (report.sent, report.failed) == (1, 1)
    refused = OutgoingEmail.objects.get(to=RelayRefusingOneAddress.REFUSED)
    assert refused.sent_at is None and refused.last_error.startswith("the relay refused the address: 550")
    assert RelayRefusingOneAddress.REFUSED not in refused.last_error  # the error names no one


def test_an_email_claimed_by_a_run_that_died_is_sent_once_its_claim_runs_out(db, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    queue()
    assert sending._claim_next() is not None  # a run claims it, then its process is killed before sending
    assert emails_send().sent == 0  # another run leaves it alone meanwhile
    OutgoingEmail.objects.update(next_attempt_at=timezone.now())  # the claim has run out
    assert emails_send().sent == 1


def test_on_sqlite_a_claim_another_run_made_first_is_left_to_it(db, monkeypatch):
    """SQLite has no row locks: both runs may read the same due email, and the conditional UPDATE lets only the
    first claim it. Played here on any database, with the other run's claim made between this run's read and its
    UPDATE."""
    monkeypatch.setattr(connection.features, "has_select_for_update_skip_locked", False)
    email = queue()
    read = sending._due

    def read_then_the_other_run_claims(now):
        seen = list(read(now))
        OutgoingEmail.objects.filter(pk=email.pk).update(next_attempt_at=now + timedelta(minutes=5))
        return seen

    monkeypatch.setattr(sending, "_due", read_then_the_other_run_claims)
    assert sending._claim_next() is None
    monkeypatch.setattr(sending, "_due", read)
    assert emails_send().sent == 0 and delivered() == []


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_run_skips_the_email_another_run_is_sending_and_sends_the_rest(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    first, second = queue(to="a@example.nhs.uk"), queue(to="b@example.nhs.uk")
    other = connection.copy()
    other.connect()
    try:
        with other.cursor() as cursor:  # another run, part-way through claiming the first
            cursor.execute("BEGIN")
            cursor.execute("SELECT id FROM assessments_outgoingemail WHERE id = %s FOR UPDATE", [first.pk])
            assert emails_send().sent == 1  # not blocked by the lock, and not the locked one
            cursor.execute("ROLLBACK")
    finally:
        other.close()
    assert [m.to for m in mail.outbox] == [["b@example.nhs.uk"]]
    assert OutgoingEmail.objects.get(pk=second.pk).sent_at is not None
    assert OutgoingEmail.objects.get(pk=first.pk).sent_at is None  # left for the run that holds it


def test_the_queue_length_counts_the_emails_not_yet_sent(db):
    assert emails_waiting() == 0
    queue()
    queue(to="tom@example.nhs.uk")
    assert emails_waiting() == 2
    delivered()
    assert emails_waiting() == 0


def test_a_figures_ready_email_keeps_its_unsubscribe_header_until_sent(db):
    email_queue(
        to="leah@example.nhs.uk",
        subject="New team figures are ready to read",
        template="figures_ready",
        context={"name": "Leah", "period": "May 2026", "link": "l", "stop": "s", "settings_link": "e"},
        headers={"List-Unsubscribe": "<https://checkin.example.nhs.uk/emails/stop/t/>"},
    )
    (message,) = delivered()
    assert message.extra_headers["List-Unsubscribe"] == "<https://checkin.example.nhs.uk/emails/stop/t/>"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"EMAIL_USE_TLS": "true", "EMAIL_USE_SSL": "true"}, "cannot both be on"),
        ({"EMAIL_USE_SSL": "perhaps"}, "EMAIL_USE_SSL must be true or false"),
        ({"EMAIL_PORT": "70000"}, "EMAIL_PORT must be a port number"),
        ({"EMAIL_PORT": "submission"}, "EMAIL_PORT must be a whole number"),
        ({"EMAIL_TIMEOUT": "0"}, "EMAIL_TIMEOUT must be at least 1"),
        ({"EMAIL_HOST_USER": "checkin@nhs.net", "EMAIL_HOST_PASSWORD": ""}, "must be set together"),
        ({"DEFAULT_FROM_EMAIL": "checkin"}, "DEFAULT_FROM_EMAIL must be an email address"),
        ({"EMAIL_RETRY_DAYS": "0"}, "EMAIL_RETRY_DAYS must be at least 1"),
    ],
)
def test_a_bad_mail_setting_stops_start_up_naming_it(env, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        settings_read(env)


def test_the_relay_settings_are_read_from_the_environment():
    read = settings_read(
        {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "send.nhs.net",
            "EMAIL_PORT": "587",
            "EMAIL_USE_TLS": "true",
            "EMAIL_HOST_USER": "checkin@nhs.net",
            "EMAIL_HOST_PASSWORD": "secret words",
            "DEFAULT_FROM_EMAIL": "checkin@nhs.net",
        },
        drop=("EMAIL_TIMEOUT",),
    )
    assert (read.EMAIL_HOST, read.EMAIL_PORT, read.EMAIL_USE_TLS, read.EMAIL_USE_SSL) == (
        "send.nhs.net",
        587,
        True,
        False,
    )
    assert read.EMAIL_TIMEOUT == 10  # a hung relay holds the sending job ten seconds, never a page


def test_asking_for_a_reset_link_queues_it_and_answers_at_once(client, practitioner):
    assert client.post(reverse("password_reset"), {"email": practitioner.email}).status_code == 302
    assert emails_waiting() == 1
    (message,) = delivered()
    assert "/accounts/reset/" in message.body and "/accounts/reset/" in message.alternatives[0][0]


def test_a_production_server_left_on_the_console_backend_is_warned_at_its_deployment_check(settings):
    settings.DEBUG = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    (warning,) = email_leaves_the_server(None)
    assert warning.id == "assessments.W020" and "no email leaves this server" in warning.msg
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert email_leaves_the_server(None) == []
