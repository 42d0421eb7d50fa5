"""Security settings and behaviour an attacker or auditor would notice: headers, hashing, throttling, sessions."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth.hashers import Argon2PasswordHasher as DjangoArgon2PasswordHasher
from django.contrib.auth.hashers import check_password, get_hasher, make_password
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import resilience_site.settings as configured
from assessments.models import CheckIn
from tests.cast import PASSWORD
from tests.checkins import step_post
from tests.clients import BrowserClient
from tests.server_env import app_process_env, production_env, settings_read

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_production_settings_pass_the_deployment_checklist(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=app_process_env(production_env(tmp_path)),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_switch_on_https_and_secure_cookies(tmp_path):
    s = settings_read(production_env(tmp_path))
    assert (s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS) == (
        True,
        True,
        True,
        31536000,
    )


def test_passwords_are_hashed_with_argon2_at_the_stated_parameters(settings):
    """19 MiB, 2 passes, 1 lane (docs/deploy.md, "Passwords"): not Django's 100 MiB and 8 lanes per password."""
    settings.PASSWORD_HASHERS = configured.PASSWORD_HASHERS
    assert configured.PASSWORD_HASHERS[0] == "assessments.web.passwords.Argon2PasswordHasher"
    encoded = make_password("a-long-test-password-1")
    assert encoded.startswith("argon2$argon2id$")
    params = get_hasher("argon2").decode(encoded)
    assert (params["memory_cost"], params["time_cost"], params["parallelism"]) == (19 * 1024, 2, 1)


def test_a_password_hashed_with_djangos_argon2_defaults_still_signs_in_and_is_rehashed(client, practitioner, settings):
    settings.PASSWORD_HASHERS = configured.PASSWORD_HASHERS
    old = DjangoArgon2PasswordHasher()
    practitioner.password = old.encode(PASSWORD, old.salt())
    practitioner.save(update_fields=["password"])
    assert get_hasher("argon2").must_update(practitioner.password)

    response = client.post(reverse("login"), {"username": "priya", "password": PASSWORD})
    assert response.status_code == 302

    practitioner.refresh_from_db()
    params = get_hasher("argon2").decode(practitioner.password)
    assert (params["memory_cost"], params["time_cost"], params["parallelism"]) == (19 * 1024, 2, 1)
    assert check_password(PASSWORD, practitioner.password)


def test_every_page_sends_a_strict_content_security_policy_and_the_usual_headers(client, practitioner):
    client.force_login(practitioner)
    response = client.get(reverse("site:home"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]


def test_no_template_has_an_inline_script_or_style():
    """Emails (templates/assessments/email/) are the exception for style alone: a mail client shows them, not under
    our Content-Security-Policy, and most clients keep only inline styles. No email has a script either."""
    emails = ROOT / "templates" / "assessments" / "email"
    for template in (ROOT / "templates").rglob("*.html"):
        html = template.read_text()
        assert "<script>" not in html and "<script " not in html.replace("<script src=", ""), template
        if emails not in template.parents:
            assert " style=" not in html and "<style" not in html, template
        else:
            assert "<script" not in html and "<link" not in html and "<img" not in html, template  # nothing fetched
        assert not re.search(r"\son[a-z]+\s*=", html), template  # no event handler attributes at all


@pytest.fixture
def throttling(settings):
    settings.AXES_ENABLED = True


def test_login_throttling_is_on_in_the_configured_settings():
    assert configured.AXES_ENABLED and configured.AXES_FAILURE_LIMIT == 5
    assert configured.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"], "ip_address"]
    assert configured.AXES_ADDRESS_FAILURE_LIMIT == 20
    assert configured.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


def test_the_sixth_attempt_after_five_wrong_passwords_is_refused_with_a_clear_message(client, practitioner, throttling):
    for _ in range(4):
        response = client.post(reverse("login"), {"username": "priya", "password": "wrong-guess"})
        assert response.status_code == 200
    response = client.post(reverse("login"), {"username": "priya", "password": "wrong-guess"})
    assert response.status_code == 429
    # Even the right password is refused now, with a plain explanation and a way forward.
    response = client.post(reverse("login"), {"username": "priya", "password": PASSWORD})
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many attempts to sign in" in html
    assert "try again in 15 minutes" in html
    assert reverse("password_reset") in html
    assert "_auth_user_id" not in client.session


def test_a_lockout_for_one_person_does_not_lock_out_their_colleague(client, practitioner, teammate, throttling):
    for _ in range(6):
        client.post(reverse("login"), {"username": "priya", "password": "wrong-guess"})
    response = client.post(reverse("login"), {"username": "tom", "password": PASSWORD})
    assert response.status_code == 302


def test_wrong_passwords_for_made_up_usernames_from_one_address_are_throttled(client, practitioner, throttling):
    """Each made-up username costs the server a full password hash: counted by address alone, they stop."""
    limit = configured.AXES_ADDRESS_FAILURE_LIMIT
    for n in range(limit - 1):
        response = client.post(reverse("login"), {"username": f"nobody-{n}", "password": "wrong-guess"})
        assert response.status_code == 200, n
    response = client.post(reverse("login"), {"username": f"nobody-{limit}", "password": "wrong-guess"})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    # That address is paused for everyone, the right password too; another address is not.
    assert client.post(reverse("login"), {"username": "priya", "password": PASSWORD}).status_code == 429
    other = {"REMOTE_ADDR": "192.0.2.7"}
    assert client.post(reverse("login"), {"username": "priya", "password": PASSWORD}, **other).status_code == 302


def test_a_few_typos_by_colleagues_behind_one_address_do_not_pause_it(client, practitioner, teammate, throttling):
    for username in ["priya", "tom", "sam", "alex"]:
        for _ in range(configured.AXES_FAILURE_LIMIT - 1):
            assert client.post(reverse("login"), {"username": username, "password": "x-wrong"}).status_code == 200
    response = client.post(reverse("login"), {"username": "tom", "password": PASSWORD})
    assert response.status_code == 302


def wrong_passwords_until_locked_out(client, url: str, data: dict[str, str], field: str) -> None:
    """Four wrong passwords are refused on the form itself; the fifth brings the lockout page."""
    for _ in range(4):
        response = client.post(url, {**data, field: "wrong-guess"})
        assert response.status_code in (200, 400) and f'name="{field}"' in response.content.decode()
    response = client.post(url, {**data, field: "wrong-guess"})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()


def test_wrong_passwords_on_the_account_deletion_page_lock_out_like_sign_in(client, practitioner, throttling):
    client.force_login(practitioner)
    wrong_passwords_until_locked_out(client, reverse("practitioner:account_delete"), {}, "password")
    # Locked out, the right password is refused too, and nothing is deleted.
    response = client.post(reverse("practitioner:account_delete"), {"password": PASSWORD})
    assert response.status_code == 429 and "Too many attempts" in response.content.decode()
    assert User.objects.filter(pk=practitioner.pk).exists()
    # The count is the one sign-in keeps: signing in from here is paused as well.
    client.logout()
    assert client.post(reverse("login"), {"username": "priya", "password": PASSWORD}).status_code == 429


def test_wrong_old_passwords_on_the_password_change_page_lock_out_like_sign_in(client, practitioner, throttling):
    new = {"new_password1": "another-long-pass-42", "new_password2": "another-long-pass-42"}
    client.force_login(practitioner)
    wrong_passwords_until_locked_out(client, reverse("password_change"), new, "old_password")
    response = client.post(reverse("password_change"), {**new, "old_password": PASSWORD})
    assert response.status_code == 429 and "Too many attempts" in response.content.decode()
    practitioner.refresh_from_db()
    assert practitioner.check_password(PASSWORD) and not practitioner.check_password("another-long-pass-42")


def test_a_right_password_after_a_few_wrong_ones_still_deletes_the_account(client, practitioner, throttling):
    client.force_login(practitioner)
    for _ in range(4):
        assert client.post(reverse("practitioner:account_delete"), {"password": "wrong-guess"}).status_code == 400
    response = client.post(reverse("practitioner:account_delete"), {"password": PASSWORD})
    assert response.status_code == 200 and "Your account has been deleted" in response.content.decode()
    assert not User.objects.filter(pk=practitioner.pk).exists()


def test_a_right_old_password_after_a_few_wrong_ones_still_changes_it(client, practitioner, throttling):
    new = {"new_password1": "another-long-pass-42", "new_password2": "another-long-pass-42"}
    client.force_login(practitioner)
    for _ in range(4):
        assert client.post(reverse("password_change"), {**new, "old_password": "wrong-guess"}).status_code == 200
    response = client.post(reverse("password_change"), {**new, "old_password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("password_change_done")
    practitioner.refresh_from_db()
    assert practitioner.check_password("another-long-pass-42")


def test_sessions_end_after_the_idle_period_and_each_request_pushes_it_back(client, practitioner):
    """A person's day: the session slides with each request, is written at most once a minute (not on every page
    read), and ends once they have been away for the idle period."""
    assert configured.SESSION_IDLE_MINUTES == 30 and configured.SESSION_COOKIE_AGE == 30 * 60
    assert not getattr(configured, "SESSION_SAVE_EVERY_REQUEST", False)
    home = reverse("site:home")
    start = timezone.now()

    def session_end():
        return Session.objects.get().expire_date

    with time_machine.travel(start, tick=False) as clock:
        client.post(reverse("login"), {"username": "priya", "password": PASSWORD})
        assert session_end() == start + timedelta(minutes=30)
        # Pages within the minute: the session is read, never written, and no new cookie is sent.
        clock.shift(timedelta(seconds=59))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(home)
        assert response.status_code == 200 and "sessionid" not in response.cookies
        session_queries = [q["sql"] for q in queries if "django_session" in q["sql"]]
        assert len(session_queries) == 1 and session_queries[0].startswith("SELECT"), session_queries
        assert session_end() == start + timedelta(minutes=30)
        # A minute or more since the last push: this request pushes the end back, in the cookie too.
        clock.shift(timedelta(seconds=1))
        response = client.get(home)
        assert response.status_code == 200 and response.cookies["sessionid"]["max-age"] == 30 * 60
        assert session_end() == start + timedelta(minutes=31)
        # Away for 29 minutes and back: still signed in, and pushed back again.
        clock.shift(timedelta(minutes=29))
        assert client.get(home).status_code == 200
        assert session_end() == start + timedelta(minutes=60)
        # Away for longer than the idle period: signed out, and asked to sign in again.
        clock.shift(timedelta(minutes=30, seconds=1))
        response = client.get(home)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_signing_out_deletes_the_session(client, practitioner):
    client.post(reverse("login"), {"username": "priya", "password": PASSWORD})
    assert Session.objects.count() == 1
    client.post(reverse("logout"))
    assert Session.objects.count() == 0
    assert client.get(reverse("site:home")).status_code == 302


def test_the_nightly_purge_deletes_expired_sessions_and_keeps_live_ones(client, practitioner, teammate):
    """Django deletes an expired session only when its owner comes back; the nightly job deletes the rest."""
    with time_machine.travel(timezone.now() - timedelta(hours=2), tick=False):
        BrowserClient().force_login(teammate)  # a session nobody came back to
    client.force_login(practitioner)
    assert Session.objects.count() == 2
    output = StringIO()
    call_command("purge_expired", stdout=output)
    assert Session.objects.count() == 1 and client.get(reverse("site:home")).status_code == 200
    assert "and 1 expired sessions." in output.getvalue()


def test_a_form_sent_without_its_csrf_token_is_refused_and_nothing_is_saved(practitioner, question_set):
    csrf_client = BrowserClient(enforce_csrf_checks=True)
    csrf_client.force_login(practitioner)
    response = csrf_client.post(reverse("practitioner:checkin_begin"))
    assert response.status_code == 403
    assert "Please try that again" in response.content.decode()
    assert CheckIn.objects.count() == 0


def test_every_page_with_a_form_posts_it_with_a_csrf_token(client, practitioner, lead, team, question_set):
    client.force_login(practitioner)
    client.post(reverse("practitioner:checkin_begin"))
    checkin = CheckIn.objects.get()
    pages = [
        reverse("site:home"),
        reverse("practitioner:checkin_step", args=[checkin.pk, "challenges"]),
        reverse("password_change"),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert html.count('method="post"') == html.count("csrfmiddlewaretoken"), url
    client.force_login(lead)
    html = client.get(reverse("leads:team_invites", args=[team.pk])).content.decode()
    assert html.count('method="post"') == html.count("csrfmiddlewaretoken")


def test_healthz_answers_ok_when_the_database_is_there(client, db):
    response = client.get(reverse("site:healthz"))
    assert response.status_code == 200 and response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_is_not(client, db, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    with monkeypatch.context() as patch:
        patch.setattr("assessments.web.health.connection.cursor", broken_cursor)
        response = client.get(reverse("site:healthz"))
    assert response.status_code == 503


def test_a_database_outage_during_a_check_in_shows_a_friendly_503_and_saves_nothing(
    client, practitioner, question_set, monkeypatch
):
    client.force_login(practitioner)
    client.post(reverse("practitioner:checkin_begin"))
    checkin = CheckIn.objects.get()

    def outage(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("assessments.practitioner.views.checkins.checkin_save_step", outage)
    response = client.post(
        reverse("practitioner:checkin_step", args=[checkin.pk, "challenges"]),
        step_post(question_set, "challenges", 4),
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    html = response.content.decode()
    assert "Sorry, please try again in a moment" in html
    assert "Traceback" not in html and "OperationalError" not in html
    assert not checkin.answers.exists()


def test_a_database_outage_logs_the_route_on_one_line_whatever_the_path_holds(client, lead, team, monkeypatch, caplog):
    """A path is anyone's to write: a %0A in it must not start a forged line in the log during an outage. The line
    names the route, so nothing of the path is in it."""
    client.force_login(lead)

    def outage(*args, **kwargs):
        raise OperationalError("the database system is shutting down")

    monkeypatch.setattr("assessments.leads.views.summaries.get_summary_team_and_actions", outage)
    forged = "2026-11%0A2026-12-06 12:00:00,000 ERROR django.request forged"
    with caplog.at_level("WARNING", logger="assessments.web.middleware"):
        response = client.get(f"/summaries/teams/{team.pk}/{forged}/")
    assert response.status_code == 503
    (line,) = [r.getMessage() for r in caplog.records if "Database unavailable" in r.getMessage()]
    assert "\n" not in line and "GET /summaries/teams/<int:team_pk>/<str:period>/:" in line, line
    assert "forged" not in line and "2026-11" not in line, line


def test_a_database_outage_outside_a_view_still_shows_the_503_page(client, practitioner, monkeypatch):
    client.force_login(practitioner)

    def outage(self, *args, **kwargs):
        raise OperationalError("the database system is shutting down")

    # Saving the session happens in middleware, after the view has answered.
    monkeypatch.setattr("django.contrib.sessions.backends.db.SessionStore.save", outage)
    client.raise_request_exception = False
    response = client.get(reverse("practitioner:history"))
    assert response.status_code == 503
    assert "Sorry, please try again in a moment" in response.content.decode()


def test_a_session_that_cannot_be_saved_during_an_outage_shows_the_503_page_not_a_400(
    client, practitioner, monkeypatch, settings
):
    settings.DEBUG = False
    client.force_login(practitioner)

    def outage(self, *args, **kwargs):
        raise OperationalError("the database system is shutting down")

    # Django turns this into UpdateError, then SessionInterrupted (a 400), in its session middleware.
    monkeypatch.setattr("django.contrib.sessions.models.Session.save", outage)
    client.raise_request_exception = False
    response = client.get(reverse("practitioner:history"))
    assert response.status_code == 503
    assert "Sorry, please try again in a moment" in response.content.decode()


def test_other_errors_show_a_plain_500_page_without_details(client, practitioner, monkeypatch, settings):
    settings.DEBUG = False
    client.force_login(practitioner)

    def boom(user):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("assessments.practitioner.views.checkins.submitted_checkins", boom)
    client.raise_request_exception = False
    response = client.get(reverse("practitioner:history"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Sorry, something went wrong" in html and "secret internals" not in html


@pytest.mark.parametrize("variable", ["SESSION_IDLE_MINUTES", "LOGIN_FAILURE_LIMIT", "SECURE_HSTS_SECONDS"])
def test_bad_security_settings_stop_start_up(variable):
    with pytest.raises(ImproperlyConfigured, match=f"^{variable} must be a whole number, not 'lots'"):
        settings_read({variable: "lots", "DATABASE_URL": ""})


def test_a_sign_in_cut_short_by_an_outage_can_be_sent_again_once_the_database_is_back(practitioner, monkeypatch):
    """Django hands out a new CSRF token as it signs someone in, before it records the sign-in. If the database goes
    then, the 503 page must not carry the new token: the person's "try again" sends the form they have, with the
    old one, and would get a 403 instead of being signed in (found by make loadtest-cluster, the primary killed)."""
    browser = BrowserClient(enforce_csrf_checks=True)
    page = browser.get(reverse("login")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    form = {"username": practitioner.username, "password": PASSWORD, "csrfmiddlewaretoken": token}

    def outage(**kwargs):
        raise OperationalError("the database system is shutting down")

    user_logged_in.connect(outage)
    try:
        response = browser.post(reverse("login"), form)
    finally:
        user_logged_in.disconnect(outage)
    assert response.status_code == 503
    assert "csrftoken" not in response.cookies

    response = browser.post(reverse("login"), form)
    assert response.status_code == 302
