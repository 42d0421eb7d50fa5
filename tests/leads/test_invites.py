"""Invites: a lead invites a practitioner by email; only the person at that address can join with the link."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from assessments.leads.invites import InviteError, hash_token, invite_accept, invite_create
from assessments.models import AuditEvent, Invite, Membership, OutgoingEmail, Role
from tests.cast import new_member
from tests.mail_server import closed_port
from tests.outbox import delivered

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
    [message] = delivered()
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
    assert not Invite.objects.exists() and not delivered()


def test_with_allowed_domains_set_an_address_inside_them_is_sent(client, lead, team, settings):
    settings.ALLOWED_EMAIL_DOMAINS = ["nhs.net"]
    assert send_invite(client, lead, team, email="Someone@NHS.net").status_code == 302
    assert len(delivered()) == 1


def test_a_practitioner_cannot_send_invites(client, practitioner, team):
    client.force_login(practitioner)
    assert client.post(reverse("leads:team_invites", args=[team.pk]), {"email": NEW_ADDRESS}).status_code == 404
    assert Invite.objects.count() == 0 and not delivered()


def test_a_lead_of_another_team_cannot_send_invites_for_this_team(client, other_lead, team):
    client.force_login(other_lead)
    assert client.get(reverse("leads:team_invites", args=[team.pk])).status_code == 404


def test_the_invitee_sets_a_password_and_joins_with_the_address_the_invite_went_to(client, lead, team):
    send_invite(client, lead, team)
    client.logout()
    path = link_in(delivered()[0])
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
    client.post(link_in(delivered()[0]), join_body())
    events = list(AuditEvent.objects.order_by("at", "pk").values_list("action", "actor_username", "subject"))
    assert events == [
        (AuditEvent.Action.INVITE_SENT, lead.username, NEW_ADDRESS),
        (AuditEvent.Action.INVITE_ACCEPTED, NEW_ADDRESS, NEW_ADDRESS),
        (AuditEvent.Action.MEMBERSHIP_ADDED, NEW_ADDRESS, NEW_ADDRESS),
    ]


def test_an_invite_made_while_the_mail_relay_is_down_is_kept_and_its_email_goes_when_the_relay_is_back(
    client, lead, team, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()
    response = send_invite(client, lead, team)
    assert response.status_code == 302
    assert delivered() == []  # the relay refused the connection: nothing went
    invite = Invite.objects.get()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.INVITE_SENT).count() == 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    OutgoingEmail.objects.update(next_attempt_at=timezone.now())  # the retry is due
    [message] = delivered()
    assert message.to == [invite.email] and "/join/" in message.body


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


# --- One mailbox, one person -----------------------------------------------------------------------------
# `lena+1@…` reaches Lena's inbox. Four such invites were four made-up colleagues: after a month enough to publish the
# team's means, and to subtract the one real member's answers from them.

OWN_MAILBOX = "it goes to your own mailbox"
MAILBOX_HAS_ACCOUNT = "Someone already has an account with an address that goes to this mailbox"
INVITE_WAITING = "This mailbox already has an invite waiting"


@pytest.fixture
def lena(team) -> User:
    """A lead whose address is lena@example.nhs.uk."""
    return new_member(team, "lena", "Lena", Role.LEAD, joined=None)


def refused_with(response, message: str) -> bool:
    """The lead is back on the invite page with `message` beside the address."""
    return response.status_code == 400 and message in response.content.decode()


def an_invite_from_before_the_fix(team, created_by, email: str) -> str:
    """An invite written as it was before addresses were compared by mailbox. Returns its token."""
    token = f"before-the-fix-{email}"
    Invite.objects.create(
        team=team,
        email=email,
        token_hash=hash_token(token),
        created_by=created_by,
        expires_at=timezone.now() + timedelta(days=7),
    )
    return token


@pytest.mark.parametrize("allowed_domains", [[], ["example.nhs.uk"]])
def test_a_lead_cannot_invite_four_made_up_colleagues_at_their_own_mailbox(
    client, lena, team, settings, allowed_domains
):
    settings.ALLOWED_EMAIL_DOMAINS = allowed_domains
    for address in ["lena+1@example.nhs.uk", "lena+2@example.nhs.uk", "Lena+3@Example.NHS.uk", "LENA+4@example.nhs.uk"]:
        assert refused_with(send_invite(client, lena, team, email=address), OWN_MAILBOX), address
    assert refused_with(send_invite(client, lena, team, email="lena@example.nhs.uk"), OWN_MAILBOX)
    assert not Invite.objects.exists() and not delivered() and not AuditEvent.objects.exists()


def test_a_second_address_at_the_mailbox_of_someone_with_an_account_is_refused(client, lead, team):
    send_invite(client, lead, team, email="pat@example.nhs.uk")
    client.logout()
    assert client.post(link_in(delivered()[0]), join_body()).status_code == 302  # Pat joins
    pat = User.objects.get(email="pat@example.nhs.uk")
    audit_lines = AuditEvent.objects.count()

    response = send_invite(client, lead, team, email="Pat+x@example.nhs.uk")

    assert refused_with(response, MAILBOX_HAS_ACCOUNT)
    assert list(Invite.objects.values_list("email", flat=True)) == ["pat@example.nhs.uk"]
    assert len(delivered()) == 1 and AuditEvent.objects.count() == audit_lines
    assert list(User.objects.filter(email__icontains="pat")) == [pat]


def test_a_second_open_invite_to_one_mailbox_is_refused(client, lead, team):
    assert send_invite(client, lead, team, email="pat@example.nhs.uk").status_code == 302
    until = Invite.objects.get().expires_at

    for address in ["pat+2@example.nhs.uk", "PAT@example.nhs.uk"]:
        response = send_invite(client, lead, team, email=address)
        assert refused_with(response, INVITE_WAITING), address
        assert f"open until {timezone.localtime(until):%-d %b %Y}" in response.content.decode()
    assert Invite.objects.count() == 1 and len(delivered()) == 1
    assert AuditEvent.objects.filter(action=AuditEvent.Action.INVITE_SENT).count() == 1


def test_two_tabs_inviting_one_mailbox_at_once_send_one_invite_the_database_deciding(client, lead, team, monkeypatch):
    """The second tab looked before the first tab's invite was there: the unique constraint refuses it calmly."""
    assert send_invite(client, lead, team, email="pat+1@example.nhs.uk").status_code == 302
    monkeypatch.setattr("assessments.leads.invites.open_invite_holding", lambda held: None)

    response = send_invite(client, lead, team, email="pat+2@example.nhs.uk")

    assert refused_with(response, INVITE_WAITING)
    assert list(Invite.objects.values_list("email", flat=True)) == ["pat+1@example.nhs.uk"]
    assert len(delivered()) == 1
    assert AuditEvent.objects.filter(action=AuditEvent.Action.INVITE_SENT).count() == 1


def test_once_an_invite_has_expired_its_mailbox_can_be_invited_again(client, lead, team):
    send_invite(client, lead, team, email="pat@example.nhs.uk")
    Invite.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert send_invite(client, lead, team, email="pat+new@example.nhs.uk").status_code == 302
    assert Invite.objects.count() == 2 and len(delivered()) == 2


def test_a_genuinely_different_person_is_still_invited_and_joins(client, lena, team):
    """Lena Smith's address begins like the lead's, and Pat's invite is open: neither is Lena Smith's mailbox."""
    send_invite(client, lena, team, email="pat@example.nhs.uk")
    response = send_invite(client, lena, team, email="lena.smith+work@example.nhs.uk")
    assert response.status_code == 302
    assert len(delivered()) == 2 and delivered()[1].to == ["lena.smith+work@example.nhs.uk"]
    client.logout()
    assert client.post(link_in(delivered()[1]), join_body()).status_code == 302
    newcomer = User.objects.get(email="lena.smith+work@example.nhs.uk")
    assert Membership.objects.filter(user=newcomer, team=team, role=Role.PRACTITIONER).exists()


def test_someone_with_an_account_can_still_be_invited_at_their_own_address_to_join_another_team(
    client, lead, team, other_team, other_lead
):
    """Pat joined this week with an invite, which let go of Pat's mailbox. No new account comes of the second
    invite: only Pat, signed in, can use the link."""
    send_invite(client, lead, team, email="pat@example.nhs.uk")
    client.logout()
    client.post(link_in(delivered()[0]), join_body())
    pat = User.objects.get(email="pat@example.nhs.uk")

    assert send_invite(client, other_lead, other_team, email="pat@example.nhs.uk").status_code == 302
    client.force_login(pat)
    assert client.post(link_in(delivered()[1])).status_code == 302
    assert Membership.objects.filter(user=pat, team=other_team, role=Role.PRACTITIONER).exists()
    assert User.objects.filter(email__icontains="pat").count() == 1


def test_an_invite_from_before_the_fix_makes_no_second_account_for_a_mailbox(client, lena, team, practitioner):
    """Sent before addresses were compared by mailbox: the sign-up refuses, and the mailbox's owner signs in instead."""
    made_up = an_invite_from_before_the_fix(team, lena, "lena+1@example.nhs.uk")
    tagged = an_invite_from_before_the_fix(team, lena, "Priya+old@example.nhs.uk")
    accounts = User.objects.count()

    for token in [made_up, tagged]:
        response = client.post(reverse("site:join", args=[token]), join_body())
        assert response.status_code == 409 and "Sign in, then open the link again" in response.content.decode()
    assert User.objects.count() == accounts
    assert not Invite.objects.filter(used_at__isnull=False).exists()

    client.force_login(practitioner)
    assert client.post(reverse("site:join", args=[tagged])).status_code == 302
    assert Invite.objects.get(email="Priya+old@example.nhs.uk").used_by == practitioner
