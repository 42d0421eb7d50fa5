"""An administrator cannot become a practitioner: no password of anyone else's is chosen in the admin, and a
person hears of every change to their password or address, whoever made it. Each test acts through the admin's own
pages, as an administrator trying it would."""

from __future__ import annotations

import re

from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse

from assessments.models import AuditEvent, Membership, OrganisationIdentity, ServiceLead
from tests.admin_forms import admin_form
from tests.cast import PASSWORD
from tests.clients import BrowserClient
from tests.outbox import delivered

CHOSEN = "the-administrators-choice-7"


def signs_in(username: str, password: str) -> bool:
    response = BrowserClient().post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302


def change_url(user: User) -> str:
    return reverse("admin:auth_user_change", args=[user.pk])


def test_an_administrator_cannot_reach_or_post_a_practitioners_password_form(client, admin_user, practitioner):
    client.force_login(admin_user)
    password_url = reverse("admin:auth_user_password_change", args=[practitioner.pk])
    assert client.get(password_url).status_code == 403
    for body in (
        {"password1": CHOSEN, "password2": CHOSEN, "usable_password": "true"},
        {"usable_password": "false", "unset-password": "1"},  # switching password sign-in off
    ):
        assert client.post(password_url, body).status_code == 403
    page = client.get(change_url(practitioner)).content.decode()
    assert "password/" not in page and 'name="password' not in page
    # Nor through the account's own form, with the password fields added by hand.
    form = admin_form(client, change_url(practitioner), password=CHOSEN, password1=CHOSEN, password2=CHOSEN)
    assert client.post(change_url(practitioner), form).status_code == 302

    practitioner.refresh_from_db()
    assert practitioner.check_password(PASSWORD) and practitioner.has_usable_password()
    assert not signs_in("priya", CHOSEN)
    assert signs_in("priya", PASSWORD)


def test_an_account_added_in_the_admin_has_no_password_until_its_owner_chooses_one(
    client, admin_user, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    body = {
        "email": "New.Colleague@example.nhs.uk",
        "first_name": "Nia",
        "last_name": "",
        # What Django's own form asks for: posted anyway, and ignored.
        "username": "nia",
        "password1": CHOSEN,
        "password2": CHOSEN,
        "usable_password": "true",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:auth_user_add"), body)
    assert response.status_code == 302, response.content.decode()[:3000]
    person = User.objects.get(email="New.Colleague@example.nhs.uk")
    assert person.username == "new.colleague@example.nhs.uk"  # the address, as an invite makes it
    assert not person.has_usable_password()
    assert not signs_in(person.username, CHOSEN) and not signs_in("nia", CHOSEN)

    # The person, not the administrator, is sent the link to choose a password.
    (message,) = delivered()
    assert message.to == ["New.Colleague@example.nhs.uk"]
    link = re.search(r"http://\S+(/accounts/reset/\S+/)", message.body).group(1)
    person_browser = BrowserClient()
    form_page = person_browser.get(link, follow=True)
    assert form_page.status_code == 200
    mine = "my-own-long-password-9"
    response = person_browser.post(form_page.redirect_chain[-1][0], {"new_password1": mine, "new_password2": mine})
    assert response.status_code == 302
    assert signs_in(person.username, mine)
    event = AuditEvent.objects.get(action=AuditEvent.Action.ACCOUNT_ADDED)
    assert (event.actor_username, event.subject, event.detail) == ("ada", person.username, "email, first_name")


def test_an_account_nobody_has_used_yet_can_ask_for_a_new_link_to_choose_its_password(client, admin_user):
    """The first link expires; "Forgotten your password?" must then reach an account that has no password yet."""
    client.force_login(admin_user)
    client.post(reverse("admin:auth_user_add"), {"email": "late@example.nhs.uk", "first_name": "", "last_name": ""})
    delivered()  # the first link
    mail.outbox.clear()
    assert BrowserClient().post(reverse("password_reset"), {"email": "late@example.nhs.uk"}).status_code == 302
    assert len(delivered()) == 1 and "/accounts/reset/" in delivered()[0].body


def test_an_account_that_signs_in_with_the_organisation_gets_no_reset_link(client, outsider):
    """Django's rule stands for accounts already used without a password: no password is offered to them."""
    outsider.set_unusable_password()
    outsider.last_login = outsider.date_joined
    outsider.save()
    client.post(reverse("password_reset"), {"email": outsider.email})
    assert delivered() == []


def test_an_address_an_administrator_changes_is_told_to_the_old_address_and_audited(
    client, admin_user, practitioner, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    form = admin_form(client, change_url(practitioner), email="ada.second.mailbox@example.nhs.uk")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(change_url(practitioner), form).status_code == 302
    (message,) = delivered()
    assert message.to == ["priya@example.nhs.uk"]
    assert "no longer this one" in message.body and "tell your service's administrator" in message.body
    event = AuditEvent.objects.get(action=AuditEvent.Action.ACCOUNT_CHANGED)
    assert (event.actor_username, event.subject, event.detail) == ("ada", "priya", "email")


def test_a_username_an_administrator_changes_is_told_to_the_person_and_audited(
    client, admin_user, practitioner, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    form = admin_form(client, change_url(practitioner), username="priya.renamed")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(change_url(practitioner), form).status_code == 302
    (message,) = delivered()
    assert message.to == ["priya@example.nhs.uk"] and "You now sign in as priya.renamed" in message.body
    event = AuditEvent.objects.get(action=AuditEvent.Action.ACCOUNT_CHANGED)
    assert (event.subject, event.detail) == ("priya.renamed (was priya)", "username")


def test_an_administrator_changing_their_own_address_is_told_at_the_old_one(
    client, admin_user, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    form = admin_form(client, change_url(admin_user), email="ada.new@example.nhs.uk")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(change_url(admin_user), form).status_code == 302
    assert [m.to for m in delivered()] == [["ada@example.nhs.uk"]]


def test_an_address_another_account_has_is_refused(client, admin_user, practitioner):
    """Two accounts with one address would both be sent its reset link."""
    client.force_login(admin_user)
    form = admin_form(client, change_url(practitioner), email=admin_user.email.upper())
    assert client.post(change_url(practitioner), form).status_code == 200
    practitioner.refresh_from_db()
    assert practitioner.email == "priya@example.nhs.uk"
    assert not AuditEvent.objects.exists()


def test_making_someone_staff_or_a_superuser_is_audited(client, admin_user, practitioner):
    client.force_login(admin_user)
    form = admin_form(client, change_url(practitioner), is_staff="on", is_superuser="on")
    assert client.post(change_url(practitioner), form).status_code == 302
    form = admin_form(client, change_url(practitioner), is_superuser=None, is_active=None)
    assert client.post(change_url(practitioner), form).status_code == 302
    events = AuditEvent.objects.order_by("at", "pk").values_list("action", "actor_username", "subject", "detail")
    assert list(events) == [
        (AuditEvent.Action.ACCOUNT_CHANGED, "ada", "priya", "is_staff, is_superuser"),
        (AuditEvent.Action.ACCOUNT_CHANGED, "ada", "priya", "is_active, is_superuser"),
    ]


def test_saving_an_account_unchanged_writes_nothing(client, admin_user, practitioner):
    client.force_login(admin_user)
    assert client.post(change_url(practitioner), admin_form(client, change_url(practitioner))).status_code == 302
    assert not AuditEvent.objects.exists()


def test_deleting_an_account_is_audited_with_the_memberships_and_lead_roles_it_takes(
    client, admin_user, practitioner, team, service
):
    ServiceLead.objects.create(user=practitioner, service=service)
    client.force_login(admin_user)
    response = client.post(reverse("admin:auth_user_delete", args=[practitioner.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=practitioner.pk).exists() and not Membership.objects.exists()
    events = AuditEvent.objects.order_by("pk").values_list("action", "subject")
    assert list(events) == [
        (AuditEvent.Action.MEMBERSHIP_REMOVED, "priya"),
        (AuditEvent.Action.SERVICE_LEAD_REMOVED, "priya"),
        (AuditEvent.Action.ACCOUNT_REMOVED, "priya"),
    ]


def test_unlinking_an_organisation_sign_in_is_audited(client, admin_user, practitioner):
    """Unlinking lets the next sign-in from the account's address link again: an administrator must not do it
    unseen."""
    link = OrganisationIdentity.objects.create(user=practitioner, issuer="https://login.example", subject="p-1")
    client.force_login(admin_user)
    delete = reverse("admin:assessments_organisationidentity_delete", args=[link.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    event = AuditEvent.objects.get()
    assert (event.action, event.subject, event.detail) == (AuditEvent.Action.SIGN_IN_UNLINKED, "priya", link.issuer)
