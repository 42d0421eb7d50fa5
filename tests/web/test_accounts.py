import re
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from tests.cast import PASSWORD
from tests.outbox import delivered
from tests.server_env import app_process_env, settings_read


def test_sign_in_and_out(client, practitioner):
    response = client.post(reverse("login"), {"username": "priya", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("site:home")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("site:home")).status_code == 302


def test_a_wrong_password_shows_a_message(client, practitioner):
    response = client.post(reverse("login"), {"username": "priya", "password": "nope"})
    assert response.status_code == 200
    assert "The email address, username or password is not right." in response.content.decode()


def test_password_change(client, practitioner):
    client.force_login(practitioner)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "another-long-pass-42", "new_password2": "another-long-pass-42"},
    )
    assert response.status_code == 302
    practitioner.refresh_from_db()
    assert practitioner.check_password("another-long-pass-42")


def test_password_reset_sends_an_email_with_a_link(client, practitioner):
    response = client.post(reverse("password_reset"), {"email": practitioner.email})
    assert response.status_code == 302
    assert len(delivered()) == 1
    assert "/accounts/reset/" in delivered()[0].body


@pytest.mark.parametrize(
    "env, message",
    [
        ({"DEBUG": "maybe"}, "DEBUG must be true or false"),
        ({"DEBUG": "false", "SECRET_KEY": ""}, "SECRET_KEY must be set"),
        ({"DATABASE_URL": "nonsense://"}, "DATABASE_URL"),
        ({"CONN_MAX_AGE": "soon"}, "CONN_MAX_AGE must be a whole number"),
        ({"CSRF_TRUSTED_ORIGINS": "example.org"}, "CSRF_TRUSTED_ORIGINS"),
    ],
)
def test_bad_settings_stop_start_up_with_a_message_naming_the_variable(env, message):
    if "DATABASE_URL" not in env:
        env = {**env, "DATABASE_URL": "postgres://u:p@127.0.0.1:5432/x" if "CONN_MAX_AGE" in env else ""}
    with pytest.raises(ImproperlyConfigured, match=re.escape(message)):
        settings_read(env)


@pytest.mark.slow
def test_a_bad_setting_ends_a_real_start_up_with_its_message():
    """What every settings test reads in-process stands for: the refusal ends the process, and says why."""
    env = app_process_env({"DEBUG": "maybe", "DATABASE_URL": ""})
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: DEBUG must be true or false, not 'maybe'."
    )


def test_a_username_longer_than_any_account_is_refused_before_it_is_looked_up(client, db, settings):
    """Found by the fuzz test on PostgreSQL: the sign-in throttle could not record a 300-character username (500)."""
    from axes.models import AccessAttempt

    settings.AXES_ENABLED = True
    response = client.post(reverse("login"), {"username": "x" * 300, "password": "whatever"})
    assert response.status_code == 200
    assert "at most 150 characters" in response.content.decode()
    assert not AccessAttempt.objects.exists()


def test_the_sign_in_page_asks_for_the_address_invitees_sign_in_with(client, practitioner):
    html = client.get(reverse("login")).content.decode()
    assert ">Email address or username</label>" in html and ">Username</label>" not in html
    practitioner.username = "priya.first@nhs.net"  # what an invitee's username is
    practitioner.save()
    response = client.post(reverse("login"), {"username": "priya.first@nhs.net", "password": PASSWORD})
    assert response.status_code == 302


def test_signing_out_lands_on_a_page_that_says_you_have_signed_out(client, practitioner):
    client.force_login(practitioner)
    response = client.post(reverse("logout"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("login")
    assert "You have signed out." in response.content.decode()
    assert "You have signed out." not in client.get(reverse("login")).content.decode()  # said once
