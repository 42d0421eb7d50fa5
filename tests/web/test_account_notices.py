"""A person is emailed when their password changes, whoever changed it and wherever: a password or address changed
by someone else is how an account is taken over. Changes made in the admin are in
tests/web/test_admin_accounts.py."""

from __future__ import annotations

import io
import re

from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.urls import reverse

from tests.cast import PASSWORD
from tests.outbox import delivered


def test_a_person_is_emailed_when_they_change_their_own_password(
    client, practitioner, django_capture_on_commit_callbacks
):
    client.force_login(practitioner)
    new = "another-long-pass-42"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("password_change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
        )
    assert response.status_code == 302
    (message,) = delivered()
    assert message.to == [practitioner.email]
    assert message.subject == "Your Practitioner check-in password was changed"
    assert "If you did not" in message.body and "/accounts/password_reset/" in message.body
    assert new not in message.body


def test_a_person_is_emailed_when_their_password_is_reset(client, practitioner, django_capture_on_commit_callbacks):
    client.post(reverse("password_reset"), {"email": practitioner.email})
    link = re.search(r"http://\S+(/accounts/reset/\S+/)", delivered()[0].body).group(1)
    form_page = client.get(link, follow=True)
    new = "a-reset-long-pass-43"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert [m.subject for m in delivered()[1:]] == ["Your Practitioner check-in password was changed"]
    assert delivered()[1].to == [practitioner.email]


def test_a_password_rehashed_at_sign_in_is_not_a_change(client, practitioner, django_capture_on_commit_callbacks):
    practitioner.password = make_password(PASSWORD, hasher="pbkdf2_sha256")  # an older hasher: upgraded at sign-in
    practitioner.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("login"), {"username": "priya", "password": PASSWORD}).status_code == 302
    practitioner.refresh_from_db()
    assert not practitioner.password.startswith("pbkdf2_sha256$")
    assert delivered() == []


def test_a_password_an_operator_sets_from_the_command_line_is_told_to_the_person(
    practitioner, django_capture_on_commit_callbacks, monkeypatch
):
    new = "an-operators-long-pass-44"
    monkeypatch.setattr("getpass.getpass", lambda prompt="": new)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("changepassword", "priya", stdout=io.StringIO())
    assert [m.to for m in delivered()] == [[practitioner.email]]


def test_saving_an_account_without_changing_its_password_or_address_sends_nothing(
    practitioner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        practitioner.first_name = "Priyanka"
        practitioner.email = "PRIYA@example.nhs.uk"  # the same address, other case
        practitioner.save()
    assert delivered() == []
