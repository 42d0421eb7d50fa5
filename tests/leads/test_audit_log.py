"""Administrators give lead roles and memberships in the admin; every change is in the audit log, read-only."""

from django.urls import reverse

from assessments.models import AuditEvent, Membership, Role, ServiceLead
from tests.cast import make_user


def test_adding_and_removing_a_membership_in_the_admin_is_audited(client, admin_user, team):
    person = make_user("new.member")
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:assessments_membership_add"),
        {"user": person.pk, "team": team.pk, "role": Role.LEAD, "created_at_0": "2026-11-02", "created_at_1": "09:00"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    membership = Membership.objects.get(user=person)
    client.post(reverse("admin:assessments_membership_delete", args=[membership.pk]), {"post": "yes"})
    assert not Membership.objects.filter(user=person).exists()
    events = list(AuditEvent.objects.order_by("at", "pk").values_list("action", "actor_username", "subject", "detail"))
    assert events == [
        (AuditEvent.Action.MEMBERSHIP_ADDED, admin_user.username, "new.member", "Service lead"),
        (AuditEvent.Action.MEMBERSHIP_REMOVED, admin_user.username, "new.member", "Service lead"),
    ]


def test_making_someone_a_service_lead_in_the_admin_is_audited(client, admin_user, service):
    person = make_user("new.service.lead")
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:assessments_servicelead_add"),
        {"user": person.pk, "service": service.pk, "created_at_0": "2026-11-02", "created_at_1": "09:00"},
    )
    assert response.status_code == 302
    assert ServiceLead.objects.filter(user=person, service=service).exists()
    event = AuditEvent.objects.get()
    assert (event.action, event.subject, event.service) == (
        AuditEvent.Action.SERVICE_LEAD_ADDED,
        person.username,
        service,
    )


def test_the_audit_log_is_read_only_and_lists_new_memberships(client, admin_user, team, practitioner):
    client.force_login(admin_user)
    assert client.get(reverse("admin:assessments_auditevent_changelist")).status_code == 200
    assert client.get(reverse("admin:assessments_auditevent_add")).status_code == 403
    recent = client.get(reverse("admin:assessments_membership_changelist") + "?joined=7").content.decode()
    assert "priya" not in recent  # the cast joined long ago
    make_user_in_team = Membership.objects.create(user=make_user("just.joined"), team=team, role=Role.PRACTITIONER)
    recent = client.get(reverse("admin:assessments_membership_changelist") + "?joined=7").content.decode()
    assert make_user_in_team.user.username in recent


def test_a_lead_cannot_reach_the_admin_to_give_roles(client, lead):
    client.force_login(lead)
    response = client.get(reverse("admin:assessments_membership_add"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
