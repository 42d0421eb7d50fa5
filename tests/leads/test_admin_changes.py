"""Administrators change memberships, teams, services and lead roles in the admin.

A membership counts in its team's figures from the first whole period after it began, so its join date, its person
and its team never change once it exists: a membership moved to another team, or handed to another account, would
count there at once. Every change an administrator makes is in the audit log, by field name. Each test acts through
the admin's own forms, as an administrator trying it would.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse

from assessments.core.periods import parse_period
from assessments.figures.publication import published_periods
from assessments.models import AuditEvent, Membership, Role, Service, ServiceLead, Team
from tests.admin_forms import admin_form
from tests.cast import JOINED
from tests.checkins import submit_checkin
from tests.world import people_in

LONDON = ZoneInfo("Europe/London")
LONG_AGO = {"created_at_0": "2023-01-02", "created_at_1": "09:00:00"}


def at(year: int, month: int, day: int, hour: int = 12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=LONDON)


def events() -> list[tuple[str, str, str]]:
    return list(AuditEvent.objects.order_by("at", "pk").values_list("action", "subject", "detail"))


def test_posting_a_new_join_date_person_or_team_for_a_membership_on_its_own_page_changes_nothing(
    client, admin_user, practitioner, outsider, team, other_team
):
    membership = Membership.objects.get(user=practitioner, team=team)
    url = reverse("admin:assessments_membership_change", args=[membership.pk])
    client.force_login(admin_user)
    page = client.get(url).content.decode()
    assert 'name="created_at_0"' not in page and 'name="user"' not in page and 'name="team"' not in page
    form = admin_form(client, url, user=str(outsider.pk), team=str(other_team.pk), **LONG_AGO)
    form["created_at_0"] = "2020-06-01"
    assert client.post(url, form).status_code == 302
    membership.refresh_from_db()
    assert (membership.user, membership.team, membership.created_at) == (practitioner, team, JOINED)
    assert events() == []  # nothing changed, so nothing to log


def test_posting_a_new_join_date_person_or_team_on_the_team_pages_list_changes_nothing(
    client, admin_user, practitioner, outsider, team, other_team
):
    url = reverse("admin:assessments_team_change", args=[team.pk])
    client.force_login(admin_user)
    changes = {
        "memberships-0-user": str(outsider.pk),
        "memberships-0-created_at_0": "2020-06-01",
        "memberships-0-created_at_1": "09:00:00",
    }
    form = admin_form(client, url, **changes)
    assert form["memberships-0-id"] == str(Membership.objects.get(user=practitioner).pk)
    assert client.post(url, form).status_code == 302  # saved, with the posted person and date ignored
    # Another team for the row is refused outright: a row on this page belongs to this team.
    form = admin_form(client, url, **{"memberships-0-team": str(other_team.pk)})
    assert client.post(url, form).status_code == 200
    membership = Membership.objects.get(user=practitioner)
    assert (membership.user, membership.team, membership.created_at) == (practitioner, team, JOINED)
    assert not Membership.objects.filter(user=outsider).exists()
    assert events() == []


def test_a_membership_added_on_the_team_page_begins_now_whatever_date_is_posted(
    client, admin_user, practitioner, outsider, team
):
    url = reverse("admin:assessments_team_change", args=[team.pk])
    with time_machine.travel(at(2026, 3, 10), tick=False):
        client.force_login(admin_user)
        form = admin_form(
            client,
            url,
            **{
                "memberships-TOTAL_FORMS": "2",
                "memberships-1-user": str(outsider.pk),
                "memberships-1-role": Role.PRACTITIONER,
                "memberships-1-created_at_0": "2023-01-02",
                "memberships-1-created_at_1": "09:00:00",
            },
        )
        assert client.post(url, form).status_code == 302
    assert Membership.objects.get(user=outsider).created_at == at(2026, 3, 10)
    assert events() == [(AuditEvent.Action.MEMBERSHIP_ADDED, "olive", "Practitioner")]


def test_a_person_moved_to_another_team_counts_there_only_from_the_next_whole_period(
    client, admin_user, practitioner, team, other_team, service, question_set
):
    """Five long-standing colleagues in each team. On 10 March an administrator moves Priya from North to South,
    posting an old join date with the new membership as well; she checks in with South that month."""
    north, south = people_in(team, 5, "north"), people_in(other_team, 5, "south")
    with time_machine.travel(at(2026, 3, 10), tick=False):
        client.force_login(admin_user)
        old = Membership.objects.get(user=practitioner, team=team)
        delete = reverse("admin:assessments_membership_delete", args=[old.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 302
        add = {"user": practitioner.pk, "team": other_team.pk, "role": Role.PRACTITIONER, **LONG_AGO}
        assert client.post(reverse("admin:assessments_membership_add"), add).status_code == 302
    moved = Membership.objects.get(user=practitioner)
    assert (moved.team, moved.created_at) == (other_team, at(2026, 3, 10))
    assert events() == [
        (AuditEvent.Action.MEMBERSHIP_REMOVED, "priya", "Practitioner"),
        (AuditEvent.Action.MEMBERSHIP_ADDED, "priya", "Practitioner"),
    ]

    for month in (3, 4):
        for person in north:
            submit_checkin(person, team, when=at(2026, month, 12))
        for person in [*south, practitioner]:
            submit_checkin(person, other_team, when=at(2026, month, 12))

    def head_counts(key: str) -> tuple[int, int, int]:
        cells = published_periods(service, [parse_period(key)])[parse_period(key)]["cells"]
        return cells[str(team.pk)]["people"], cells[str(other_team.pk)]["people"], cells[str(other_team.pk)]["members"]

    with time_machine.travel(at(2026, 4, 2), tick=False):
        assert head_counts("2026-03") == (5, 5, 5)  # March, under way when she moved: she counts nowhere
    with time_machine.travel(at(2026, 5, 2), tick=False):
        assert head_counts("2026-04") == (5, 6, 6)  # the first whole period after the move: she counts in South


def test_every_administrator_change_to_services_teams_and_memberships_is_audited(
    client, admin_user, practitioner, team
):
    client.force_login(admin_user)
    # A new service, with a team added on its page.
    add = admin_form(
        client,
        reverse("admin:assessments_service_add"),
        name="Hillside Talking Therapies",
        **{"teams-TOTAL_FORMS": "1", "teams-0-name": "East team", "teams-0-checkin_cadence": ""},
    )
    assert client.post(reverse("admin:assessments_service_add"), add).status_code == 302
    hillside = Service.objects.get(name="Hillside Talking Therapies")
    east = Team.objects.get(name="East team")
    # Renamed, then the team renamed on the service's page.
    url = reverse("admin:assessments_service_change", args=[hillside.pk])
    assert client.post(url, admin_form(client, url, name="Hillside TT")).status_code == 302
    assert client.post(url, admin_form(client, url, **{"teams-0-name": "East"})).status_code == 302
    # A team's reminders and service changed on its own page.
    url = reverse("admin:assessments_team_change", args=[team.pk])
    form = admin_form(client, url, checkin_cadence="four_weekly", service=str(hillside.pk))
    assert client.post(url, form).status_code == 302
    # Priya's role changed on the team page, and back on the membership's own page.
    assert client.post(url, admin_form(client, url, **{"memberships-0-role": Role.LEAD})).status_code == 302
    membership = Membership.objects.get(user=practitioner)
    url = reverse("admin:assessments_membership_change", args=[membership.pk])
    assert client.post(url, admin_form(client, url, role=Role.PRACTITIONER)).status_code == 302
    # The team deleted with its membership; then the service, once it has no team.
    assert client.post(reverse("admin:assessments_team_delete", args=[team.pk]), {"post": "yes"}).status_code == 302
    url = reverse("admin:assessments_service_change", args=[hillside.pk])
    assert client.post(url, admin_form(client, url, **{"teams-0-DELETE": "on"})).status_code == 302
    assert not Team.objects.filter(pk=east.pk).exists()
    delete = reverse("admin:assessments_service_delete", args=[hillside.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302

    assert events() == [
        (AuditEvent.Action.SERVICE_ADDED, "Hillside Talking Therapies", "name"),
        (AuditEvent.Action.TEAM_ADDED, "East team", "name"),
        (AuditEvent.Action.SERVICE_CHANGED, "Hillside TT", "name"),
        (AuditEvent.Action.TEAM_CHANGED, "East", "name"),
        (AuditEvent.Action.TEAM_CHANGED, "North team", "service, checkin_cadence"),
        (AuditEvent.Action.MEMBERSHIP_CHANGED, "priya", "Service lead (changed: role)"),
        (AuditEvent.Action.MEMBERSHIP_CHANGED, "priya", "Practitioner (changed: role)"),
        (AuditEvent.Action.MEMBERSHIP_REMOVED, "priya", "Practitioner"),
        (AuditEvent.Action.TEAM_REMOVED, "North team", ""),
        (AuditEvent.Action.TEAM_REMOVED, "East", ""),
        (AuditEvent.Action.SERVICE_REMOVED, "Hillside TT", ""),
    ]
    assert set(AuditEvent.objects.values_list("actor_username", flat=True)) == {"ada"}


def test_a_lead_role_is_never_handed_to_someone_else_or_another_service(
    client, admin_user, service_lead, outsider, service
):
    other = Service.objects.create(name="Elsewhere")
    lead_role = ServiceLead.objects.get(user=service_lead)
    url = reverse("admin:assessments_servicelead_change", args=[lead_role.pk])
    client.force_login(admin_user)
    form = admin_form(client, url, user=str(outsider.pk), service=str(other.pk), **LONG_AGO)
    assert client.post(url, form).status_code == 302
    lead_role.refresh_from_db()
    assert (lead_role.user, lead_role.service) == (service_lead, service)
    assert events() == []  # and no "service lead added" for a page saved unchanged
