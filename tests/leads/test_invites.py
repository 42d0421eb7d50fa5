from datetime import timedelta

from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from assessments.leads.invites import invite_create
from assessments.models import Invite, Membership, Role


def join_body(username="newbie"):
    return {
        "username": username,
        "first_name": "New",
        "email": "new@example.nhs.uk",
        "password1": "a-long-test-password-9",
        "password2": "a-long-test-password-9",
    }


def test_a_lead_creates_an_invite_link_for_their_team(client, lead, team):
    client.force_login(lead)
    response = client.post(reverse("leads:team_invites", args=[team.pk]), {"role": "practitioner", "email": ""})
    assert response.status_code == 200
    assert "/join/" in response.content.decode()
    invite = Invite.objects.get()
    assert invite.team == team and invite.created_by == lead and invite.is_usable


def test_the_token_itself_is_not_stored(client, lead, team):
    invite, token = invite_create(team=team, created_by=lead, role=Role.PRACTITIONER)
    assert token not in invite.token_hash
    assert not Invite.objects.filter(token_hash=token).exists()


def test_a_practitioner_cannot_create_invites(client, practitioner, team):
    client.force_login(practitioner)
    assert client.post(reverse("leads:team_invites", args=[team.pk]), {"role": "lead"}).status_code == 404
    assert Invite.objects.count() == 0


def test_a_lead_of_another_team_cannot_create_invites_for_this_team(client, other_lead, team):
    client.force_login(other_lead)
    assert client.get(reverse("leads:team_invites", args=[team.pk])).status_code == 404


def test_an_invitee_sets_a_password_and_joins_the_team(client, lead, team):
    _invite, token = invite_create(team=team, created_by=lead, role=Role.PRACTITIONER)
    response = client.post(reverse("site:join", args=[token]), join_body())
    assert response.status_code == 302
    user = User.objects.get(username="newbie")
    assert Membership.objects.filter(user=user, team=team, role=Role.PRACTITIONER).exists()
    assert client.get(reverse("site:home")).status_code == 200  # signed in


def test_a_used_invite_cannot_be_used_again(client, lead, team):
    _invite, token = invite_create(team=team, created_by=lead, role=Role.PRACTITIONER)
    client.post(reverse("site:join", args=[token]), join_body("first"))
    client.logout()
    response = client.post(reverse("site:join", args=[token]), join_body("second"))
    assert response.status_code == 410
    assert "already been used" in response.content.decode()
    assert not User.objects.filter(username="second").exists()


def test_an_expired_invite_is_refused(client, lead, team):
    invite, token = invite_create(team=team, created_by=lead, role=Role.PRACTITIONER)
    Invite.objects.filter(pk=invite.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post(reverse("site:join", args=[token]), join_body())
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert not User.objects.filter(username="newbie").exists()


def test_a_made_up_invite_is_404(client, db):
    assert client.get(reverse("site:join", args=["not-a-real-token"])).status_code == 404


def test_a_weak_password_is_refused_and_nothing_is_created(client, lead, team):
    _invite, token = invite_create(team=team, created_by=lead, role=Role.PRACTITIONER)
    body = join_body() | {"password1": "password", "password2": "password"}
    response = client.post(reverse("site:join", args=[token]), body)
    assert response.status_code == 200
    assert not User.objects.filter(username="newbie").exists()
    assert Invite.objects.get().used_at is None


def test_a_signed_in_person_joins_with_one_click(client, outsider, lead, team):
    _invite, token = invite_create(team=team, created_by=lead, role=Role.PRACTITIONER)
    client.force_login(outsider)
    client.post(reverse("site:join", args=[token]))
    assert Membership.objects.filter(user=outsider, team=team).exists()
