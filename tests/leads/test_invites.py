"""Invites: a lead invites a practitioner by email; only the person at that address can join with the link."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from assessments.leads.invites import InviteError, hash_token, invite_accept, invite_create
from assessments.models import AuditEvent, Invite, Membership, Role

NEW_ADDRESS = "new.person@example.nhs.uk"
NEW_PASSWORD = "a-long-test-password-9"


def join_body(**extra):
    return {"first_name": "New", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, **extra}


def link_in(message) -> str:
    """The join path from an invite email."""
    return re.search(r"https?://[^/\s]+(/join/[^\s]+/)", message.body).group(1)


def send_invite(client, lead, team, email=NEW_ADDRESS):
    client.force_login(lead)
    return client.post(reverse("leads:team_invites", args=[team.pk]), {"email": email})


def test_a_lead_invites_by_email_and_never_sees_the_link(client, lead, team):
    response = send_invite(client, lead, team)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert f"Invite sent to {NEW_ADDRESS}" in page
    assert "/join/" not in page
    [message] = mail.outbox
    assert message.to == [NEW_ADDRESS] and "/join/" in message.body
    invite = Invite.objects.get()
    assert invite.team == team and invite.created_by == lead and invite.role == Role.PRACTITIONER and invite.is_usable
    token = link_in(message).split("/")[2]
    assert invite.token_hash == hash_token(token) and token not in invite.token_hash


def test_the_invite_form_offers_no_lead_role_and_ignores_one_that_is_posted(client, lead, team):
    client.force_login(lead)
    page = client.get(reverse("leads:team_invites", args=[team.pk])).content.decode()
    assert 'name="role"' not in page
    client.post(reverse("leads:team_invites", args=[team.pk]), {"email": NEW_ADDRESS, "role": Role.LEAD})
    assert Invite.objects.get().role == Role.PRACTITIONER


def test_a_lead_invite_made_before_this_change_no_longer_works(client, lead, team):
    invite, token = invite_create(team=team, created_by=lead, email=NEW_ADDRESS)
    Invite.objects.filter(pk=invite.pk).update(role=Role.LEAD)
    user = User.objects.create_user(username="new.person", email=NEW_ADDRESS, password=NEW_PASSWORD)
    with pytest.raises(InviteError):
        invite_accept(token=token, user=user)
    assert not Membership.objects.filter(user=user).exists()


def test_an_invite_without_an_address_from_before_this_change_no_longer_works(client, lead, team, outsider):
    invite, token = invite_create(team=team, created_by=lead, email=outsider.email)
    Invite.objects.filter(pk=invite.pk).update(email="")
    client.force_login(outsider)
    response = client.post(reverse("site:join", args=[token]))
    assert response.status_code == 410
    assert not Membership.objects.filter(user=outsider, team=team).exists()


@pytest.mark.parametrize("address", ["someone@gmail.com", "someone@nhs.net.example.com", "nhs.net@gmail.com"])
def test_with_allowed_domains_set_an_address_outside_them_is_refused(client, lead, team, settings, address):
    settings.ALLOWED_EMAIL_DOMAINS = ["nhs.net"]
    response = send_invite(client, lead, team, email=address)
    assert response.status_code == 400
    assert "Invites can only go to addresses ending in @nhs.net" in response.content.decode()
    assert not Invite.objects.exists() and not mail.outbox


def test_with_allowed_domains_set_an_address_inside_them_is_sent(client, lead, team, settings):
    settings.ALLOWED_EMAIL_DOMAINS = ["nhs.net"]
    assert send_invite(client, lead, team, email="Someone@NHS.net").status_code == 302
    assert len(mail.outbox) == 1


def test_a_practitioner_cannot_send_invites(client, practitioner, team):
    client.force_login(practitioner)
    assert client.post(reverse("leads:team_invites", args=[team.pk]), {"email": NEW_ADDRESS}).status_code == 404
    assert Invite.objects.count() == 0 and not mail.outbox


def test_a_lead_of_another_team_cannot_send_invites_for_this_team(client, other_lead, team):
    client.force_login(other_lead)
    assert client.get(reverse("leads:team_invites", args=[team.pk])).status_code == 404


def test_the_invitee_sets_a_password_and_joins_with_the_address_the_invite_went_to(client, lead, team):
    send_invite(client, lead, team)
    client.logout()
    path = link_in(mail.outbox[0])
    page = client.get(path).content.decode()
    assert NEW_ADDRESS in page and 'name="username"' not in page and 'name="email"' not in page
    response = client.post(path, join_body())
    assert response.status_code == 302
    user = User.objects.get(email=NEW_ADDRESS)
    assert user.username == NEW_ADDRESS and user.first_name == "New"
    assert Membership.objects.filter(user=user, team=team, role=Role.PRACTITIONER).exists()
    assert client.get(reverse("site:home")).status_code == 200  # signed in
    assert client.login(username=NEW_ADDRESS, password=NEW_PASSWORD)


def test_the_sign_up_does_not_take_a_username_so_it_cannot_say_whether_one_exists(client, lead, team, teammate):
    """The old form answered "A user with that username already exists" for any name typed into it."""
    _invite, token = invite_create(team=team, created_by=lead, email=NEW_ADDRESS)
    response = client.post(reverse("site:join", args=[token]), join_body(username=teammate.username))
    assert response.status_code == 302
    assert "already exists" not in response.content.decode()
    assert User.objects.filter(username=NEW_ADDRESS).exists()
    assert User.objects.get(pk=teammate.pk).email == teammate.email  # untouched


def test_an_address_that_already_has_an_account_is_asked_to_sign_in(client, lead, team, outsider):
    _invite, token = invite_create(team=team, created_by=lead, email=outsider.email.upper())
    accounts = User.objects.count()
    response = client.post(reverse("site:join", args=[token]), join_body())
    assert response.status_code == 409
    assert "Sign in, then open the link again" in response.content.decode()
    assert User.objects.count() == accounts
    assert not Membership.objects.filter(user=outsider, team=team).exists()
    client.force_login(outsider)
    assert client.post(reverse("site:join", args=[token])).status_code == 302
    assert Membership.objects.filter(user=outsider, team=team, role=Role.PRACTITIONER).exists()


def test_a_signed_in_person_with_another_address_cannot_use_the_link(client, lead, team, outsider):
    """A lead who got hold of a link cannot join it to an account of their own."""
    _invite, token = invite_create(team=team, created_by=lead, email=NEW_ADDRESS)
    client.force_login(lead)
    response = client.post(reverse("site:join", args=[token]))
    assert response.status_code == 410
    assert "different address" in response.content.decode()
    assert not Membership.objects.filter(user=lead, role=Role.PRACTITIONER).exists()
    assert Invite.objects.get().used_at is None


def test_a_signed_in_person_whose_address_python_lowers_to_the_invited_one_cannot_use_the_link(client, lead, team):
    """Python's lower() makes the Kelvin sign a k: an invite to \u212aim@… is not Kim's, whoever got the link."""
    kim = User.objects.create_user(username="kim", email="kim@example.nhs.uk")
    _invite, token = invite_create(team=team, created_by=lead, email="\u212aim@example.nhs.uk")
    client.force_login(kim)
    response = client.post(reverse("site:join", args=[token]))
    assert response.status_code == 410 and "different address" in response.content.decode()
    assert not Membership.objects.filter(user=kim).exists()


def test_a_used_invite_cannot_be_used_again(client, lead, team):
    _invite, token = invite_create(team=team, created_by=lead, email=NEW_ADDRESS)
    client.post(reverse("site:join", args=[token]), join_body())
    client.logout()
    response = client.post(reverse("site:join", args=[token]), join_body())
    assert response.status_code == 410
    assert "already been used" in response.content.decode()
    assert User.objects.filter(email=NEW_ADDRESS).count() == 1


def test_an_expired_invite_is_refused(client, lead, team):
    invite, token = invite_create(team=team, created_by=lead, email=NEW_ADDRESS)
    Invite.objects.filter(pk=invite.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post(reverse("site:join", args=[token]), join_body())
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert not User.objects.filter(email=NEW_ADDRESS).exists()


def test_a_made_up_invite_is_404(client, db):
    assert client.get(reverse("site:join", args=["not-a-real-token"])).status_code == 404


def test_a_weak_password_is_refused_and_nothing_is_created(client, lead, team):
    _invite, token = invite_create(team=team, created_by=lead, email=NEW_ADDRESS)
    response = client.post(reverse("site:join", args=[token]), join_body(password1="password", password2="password"))
    assert response.status_code == 400
    assert not User.objects.filter(email=NEW_ADDRESS).exists()
    assert Invite.objects.get().used_at is None


def test_every_invite_sent_and_accepted_is_in_the_audit_log(client, lead, team):
    send_invite(client, lead, team)
    client.logout()
    client.post(link_in(mail.outbox[0]), join_body())
    events = list(AuditEvent.objects.order_by("at", "pk").values_list("action", "actor_username", "subject"))
    assert events == [
        (AuditEvent.Action.INVITE_SENT, lead.username, NEW_ADDRESS),
        (AuditEvent.Action.INVITE_ACCEPTED, NEW_ADDRESS, NEW_ADDRESS),
        (AuditEvent.Action.MEMBERSHIP_ADDED, NEW_ADDRESS, NEW_ADDRESS),
    ]


def test_an_invite_that_cannot_be_emailed_is_not_kept(client, lead, team, settings, monkeypatch):
    def refused(*args, **kwargs):
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr("assessments.leads.invites.send_mail", refused)
    response = send_invite(client, lead, team)
    assert response.status_code == 400
    assert "could not send the invite email" in response.content.decode()
    assert not Invite.objects.exists() and not AuditEvent.objects.exists()


def test_sending_the_sign_up_twice_creates_one_account_and_answers_the_second_calmly(client, lead, team):
    """A double-click: the second request waits for the first's lock on the invite, then finds it used."""
    _invite, token = invite_create(team=team, created_by=lead, email=NEW_ADDRESS)
    assert client.post(reverse("site:join", args=[token]), join_body()).status_code == 302
    client.logout()
    second = client.post(reverse("site:join", args=[token]), join_body())
    assert second.status_code == 410 and "already been used" in second.content.decode()
    assert User.objects.filter(email=NEW_ADDRESS).count() == 1


def test_an_account_made_for_the_address_at_the_same_moment_is_met_with_sign_in_not_a_500(
    client, lead, team, monkeypatch
):
    """Two invites to one address, accepted at once: the username's unique constraint decides."""
    _invite, token = invite_create(team=team, created_by=lead, email=NEW_ADDRESS)
    real_create = User.objects.create_user

    def beaten_to_it(**fields):
        real_create(username=fields["username"], email="other@example.nhs.uk", password=NEW_PASSWORD)
        return real_create(**fields)

    monkeypatch.setattr(User.objects, "create_user", beaten_to_it)
    response = client.post(reverse("site:join", args=[token]), join_body())
    assert response.status_code == 409 and "Sign in, then open the link again" in response.content.decode()
    assert Invite.objects.get().used_at is None
