"""The summary pages' compiled reads and audit row (assessments/models/compiled.py) against the ORM they were compiled
from: who may open which summary, the actions a summary lists and the audit row a read writes must be exactly what
the querysets and the model would give, on SQLite and on PostgreSQL alike."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, F, OuterRef, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from assessments.core.periods import latest_shown_period
from assessments.leads.access import (
    get_summary_service,
    get_summary_service_and_actions,
    get_summary_team,
    get_summary_team_and_actions,
    summary_services,
    summary_teams,
)
from assessments.leads.audit import summary_access_record
from assessments.leads.team_actions import ACTION_READ, actions_from_rows, team_action_move
from assessments.models import (
    Membership,
    PublishedPeriod,
    Role,
    Service,
    ServiceLead,
    SummaryAccess,
    Team,
    TeamAction,
    compiled,
)
from assessments.models.compiled import CompiledQuery, JSONRows
from tests.actions import make_action
from tests.cast import make_user, new_admin

# Ids no team or service has: nothing, below nothing, the edges of a 64-bit key and beyond them, and the values the
# compiled queries use as markers for their ids while they are built.
IDS_NOBODY_HAS = (
    0,
    -1,
    -(2**63),
    -(2**63) - 1,
    2**63 - 1,
    2**63,
    2**64,
    10**40,
    -7_352_000_000_000,
    -7_352_000_000_001,
)


def columns(instance) -> dict[str, str]:
    """Every stored value of a row, as its repr: so a date read back as text, a naive datetime or one in another
    time zone differs from the ORM's, not only a wrong value."""
    return {f.attname: repr(getattr(instance, f.attname)) for f in type(instance)._meta.concrete_fields}


# --- who may open which summary ---------------------------------------------------------------------------------------


@dataclass
class Org:
    services: list[Service]
    teams: list[Team]
    people: dict[str, User]


def build_org() -> Org:
    riverside = Service.objects.create(name="Riverside Talking Therapies")
    # A name with an apostrophe, a dash and a percent sign: values go to the database bound, never in the SQL.
    harbour = Service.objects.create(name="St Mary’s – 100% Wellbeing")
    teams = [
        Team.objects.create(service=riverside, name="North team"),
        Team.objects.create(service=riverside, name="South team"),
        Team.objects.create(service=riverside, name="East team", checkin_cadence="monthly"),
        # The same name as a team of the other service.
        Team.objects.create(service=harbour, name="North team", checkin_cadence="four_weekly"),
        Team.objects.create(service=harbour, name="West team"),
        Team.objects.create(service=harbour, name="Quay team"),
    ]
    r_north, r_south, r_east, h_north, h_west, h_quay = teams

    def member(user: User, team: Team, role: str) -> None:
        Membership.objects.create(user=user, team=team, role=role)

    team_lead = make_user("leah")
    member(team_lead, r_north, Role.LEAD)
    member(team_lead, r_south, Role.PRACTITIONER)  # checks in with a team they do not lead
    service_lead = make_user("sasha")
    ServiceLead.objects.create(user=service_lead, service=riverside)
    two_teams = make_user("tamsin")
    member(two_teams, r_east, Role.LEAD)
    member(two_teams, h_west, Role.LEAD)
    # Leads one team of a service and the whole of the other.
    mixed = make_user("morgan")
    member(mixed, h_north, Role.LEAD)
    ServiceLead.objects.create(user=mixed, service=riverside)
    staff = make_user("stella", is_staff=True)
    superuser = new_admin()
    practitioner = make_user("priya")
    member(practitioner, r_north, Role.PRACTITIONER)
    member(practitioner, h_quay, Role.PRACTITIONER)
    nobody = make_user("olive")
    # Led a team and a service, and no longer does: the rows are gone, the account stays.
    removed = make_user("rowan")
    member(removed, h_quay, Role.LEAD)
    ServiceLead.objects.create(user=removed, service=harbour)
    Membership.objects.filter(user=removed, role=Role.LEAD).delete()
    ServiceLead.objects.filter(user=removed).delete()
    people = {
        "team lead": team_lead,
        "service lead": service_lead,
        "lead of two teams": two_teams,
        "team lead and service lead": mixed,
        "staff": staff,
        "superuser": superuser,
        "practitioner": practitioner,
        "nobody": nobody,
        "removed lead": removed,
    }
    return Org(services=[riverside, harbour], teams=teams, people=people)


@pytest.fixture
def org(db) -> Org:
    return build_org()


def label(team: Team) -> str:
    return f"{team.service.name.split()[0]} {team.name}"


# What each person may read, by hand: the ORM's answer is checked against it first, so the world really has each case.
TEAMS_SEEN = {
    "team lead": {"Riverside North team"},
    "service lead": {"Riverside North team", "Riverside South team", "Riverside East team"},
    "lead of two teams": {"Riverside East team", "St West team"},
    "team lead and service lead": {
        "Riverside North team",
        "Riverside South team",
        "Riverside East team",
        "St North team",
    },
    "staff": {
        "Riverside North team",
        "Riverside South team",
        "Riverside East team",
        "St North team",
        "St West team",
        "St Quay team",
    },
    "superuser": {
        "Riverside North team",
        "Riverside South team",
        "Riverside East team",
        "St North team",
        "St West team",
        "St Quay team",
    },
    "practitioner": set(),
    "nobody": set(),
    "removed lead": set(),
}
SERVICES_SEEN = {
    "team lead": set(),
    "service lead": {"Riverside Talking Therapies"},
    "lead of two teams": set(),
    "team lead and service lead": {"Riverside Talking Therapies"},
    "staff": {"Riverside Talking Therapies", "St Mary’s – 100% Wellbeing"},
    "superuser": {"Riverside Talking Therapies", "St Mary’s – 100% Wellbeing"},
    "practitioner": set(),
    "nobody": set(),
    "removed lead": set(),
}


def orm_team_actions(team: Team):
    """A team summary's actions as the ORM reads them: the team's own and its service's, open first, newest first."""
    return (
        TeamAction.objects.filter(Q(team=team) | Q(service_id=team.service_id, team__isnull=True))
        .select_related("team")
        .order_by(F("closed_at").asc(nulls_first=True), "-starts_on", "-pk")
    )


def orm_service_actions(service: Service):
    """A service summary's actions as the ORM reads them: every one of the service, open first, by team name."""
    return (
        TeamAction.objects.filter(service=service)
        .select_related("team")
        .order_by(F("closed_at").asc(nulls_first=True), F("team__name").asc(nulls_first=True), "-starts_on", "-pk")
    )


def action_rows_of_team(team: Team) -> list[tuple]:
    return list(orm_team_actions(team).values_list(*ACTION_READ))


def action_rows_of_service(service: Service) -> list[tuple]:
    return list(orm_service_actions(service).values_list(*ACTION_READ))


def team_only(person, pk):
    team, read = get_summary_team_and_actions(person, pk)
    assert read.rows == action_rows_of_team(team)
    return team


def service_only(person, pk):
    service, read = get_summary_service_and_actions(person, pk)
    assert read.rows == action_rows_of_service(service)
    return service


# Each check as the pages that read one team or service use it, and as the summary pages use it (with the actions).
TEAM_CHECKS = [get_summary_team, team_only]
SERVICE_CHECKS = [get_summary_service, service_only]


@pytest.mark.parametrize("get_summary_team", TEAM_CHECKS, ids=["team", "team and actions"])
def test_the_team_summary_check_lets_in_exactly_whom_summary_teams_lets_in(
    org, django_assert_num_queries, get_summary_team
):
    unknown = max(t.pk for t in org.teams) + 1
    for role, person in org.people.items():
        allowed = {t.pk: t for t in summary_teams(person)}
        assert {label(t) for t in allowed.values()} == TEAMS_SEEN[role], role
        for pk in [*(t.pk for t in org.teams), unknown]:
            if pk not in allowed:
                with pytest.raises(Http404):
                    get_summary_team(person, pk)
                continue
            team = get_summary_team(person, pk)
            assert columns(team) == columns(allowed[pk]), (role, pk)
            with django_assert_num_queries(0):
                assert columns(team.service) == columns(allowed[pk].service), (role, pk)
                assert team.service.name == allowed[pk].service.name
            assert not team._state.adding and not team.service._state.adding


@pytest.mark.parametrize("get_summary_service", SERVICE_CHECKS, ids=["service", "service and actions"])
def test_the_service_summary_check_lets_in_exactly_whom_summary_services_lets_in(org, get_summary_service):
    unknown = max(s.pk for s in org.services) + 1
    for role, person in org.people.items():
        allowed = {s.pk: s for s in summary_services(person)}
        assert {s.name for s in allowed.values()} == SERVICES_SEEN[role], role
        for pk in [*(s.pk for s in org.services), unknown]:
            if pk not in allowed:
                with pytest.raises(Http404):
                    get_summary_service(person, pk)
                continue
            service = get_summary_service(person, pk)
            assert columns(service) == columns(allowed[pk]), (role, pk)
            assert not service._state.adding


# --- ids nobody has -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["team lead", "service lead", "staff", "superuser"])
def test_an_id_nobody_has_is_not_found_never_a_database_error(org, role):
    person = org.people[role]
    for pk in IDS_NOBODY_HAS:
        for check in (*TEAM_CHECKS, *SERVICE_CHECKS):
            with pytest.raises(Http404):
                check(person, pk)


TEAM_URLS = ("leads:team_summary", "leads:team_summary_export", "leads:team_pack")
SERVICE_URLS = ("leads:service_summary", "leads:service_summary_export")


@pytest.mark.parametrize("role", ["service lead", "superuser"])
def test_a_summary_address_with_a_huge_id_is_not_found(org, client, role):
    """The addresses take any run of digits: one past what a key can hold is a 404 page, not a server error."""
    client.force_login(org.people[role])
    period = latest_shown_period().key
    for pk in (0, 2**63 - 1, 2**63, 10**30):
        for name in TEAM_URLS:
            assert client.get(reverse(name, args=[pk, period])).status_code == 404, (name, pk)
        assert client.get(reverse("leads:team_summary_current", args=[pk])).status_code == 404, pk
        for name in SERVICE_URLS:
            assert client.get(reverse(name, args=[pk, period])).status_code == 404, (name, pk)
        assert client.get(reverse("leads:service_summary_current", args=[pk])).status_code == 404, pk
    # The same person is let in to a summary that exists.
    team = org.teams[0]
    assert client.get(reverse("leads:team_summary", args=[team.pk, period])).status_code == 200


# --- the actions a summary lists -------------------------------------------------------------------------------------


@pytest.fixture
def acted(org) -> Org:
    """Actions of every kind across both services: a team's own, its service's, another team's, another service's,
    open and closed (in winter and in summer time), with equal start dates, no review date, a provision, and one
    whose author has gone."""
    riverside, harbour = org.services
    r_north, r_south, r_east, h_north, h_west, _h_quay = org.teams
    lead = org.people["superuser"]

    def close(action: TeamAction, status: str, at: datetime) -> None:
        team_action_move(action=action, by=lead, status=status)
        TeamAction.objects.filter(pk=action.pk).update(closed_at=at)

    make_action(lead, team=r_north, starts_on=date(2026, 1, 5))
    make_action(lead, team=r_north, starts_on=date(2026, 3, 1), review_on=None)
    make_action(lead, team=r_north, starts_on=date(2026, 1, 5), dimension="individual_coping", provision="training")
    close(
        make_action(lead, team=r_north, starts_on=date(2025, 11, 3)), "done", datetime(2026, 2, 10, 10, 0, tzinfo=UTC)
    )
    # Closed at half past midnight in London, on the day after it was in UTC.
    close(
        make_action(lead, team=r_north, starts_on=date(2026, 6, 1)), "stopped", datetime(2026, 7, 1, 23, 30, tzinfo=UTC)
    )
    make_action(lead, service=riverside, starts_on=date(2026, 2, 1), suggestion="peer_group")
    make_action(lead, service=riverside, starts_on=date(2026, 1, 5))
    close(
        make_action(lead, service=riverside, starts_on=date(2025, 10, 1)),
        "done",
        datetime(2026, 2, 10, 10, 0, tzinfo=UTC),
    )
    make_action(lead, team=r_south, starts_on=date(2026, 4, 1))
    close(
        make_action(lead, team=r_south, starts_on=date(2026, 1, 1)),
        "done",
        datetime(2026, 3, 31, 23, 59, 59, 999999, tzinfo=UTC),
    )
    make_action(lead, team=r_east, starts_on=date(2026, 2, 1))
    make_action(lead, team=h_north, starts_on=date(2026, 5, 1))
    make_action(lead, team=h_west, starts_on=date(2026, 5, 1))
    make_action(lead, service=harbour, starts_on=date(2026, 1, 5))
    TeamAction.objects.filter(team=r_south, closed_at__isnull=True).update(created_by=None)
    # Names whose order depends on the database's collation (the service summary orders by team name), and words
    # JSON must escape: the actions read beside a summary come back as JSON.
    for name in ("ángel team", "apple team", "Zed team"):
        make_action(lead, team=Team.objects.create(service=riverside, name=name), starts_on=date(2026, 2, 1))
    make_action(
        lead,
        team=r_north,
        starts_on=date(2026, 3, 1),
        description='Say "no" \\ to overtime\nand rest – café ☕ 🙂 </script>',
        owner='O’Brien \\ "the lead"',
    )
    return org


def assert_same_actions(compiled: list[TeamAction], oracle: list[TeamAction], django_assert_num_queries) -> None:
    assert [a.pk for a in compiled] == [a.pk for a in oracle]
    for got, want in zip(compiled, oracle, strict=True):
        assert columns(got) == columns(want), want.pk
        assert type(got.starts_on) is date and timezone.is_aware(got.created_at), want.pk
        assert got.closed_at is None or timezone.is_aware(got.closed_at), want.pk
        with django_assert_num_queries(0):
            team = got.team
        if want.team is None:
            assert team is None, want.pk
        else:
            assert columns(team) == columns(want.team), want.pk
        assert not got._state.adding


def test_a_teams_actions_are_the_orms_in_the_same_order_field_by_field(acted, django_assert_num_queries):
    for team in acted.teams:
        oracle = list(orm_team_actions(team))
        assert_same_actions(actions_from_rows(action_rows_of_team(team)), oracle, django_assert_num_queries)
        # ... and as the summary page reads them, beside its access check (as JSON, read back).
        beside = get_summary_team_and_actions(acted.people["superuser"], team.pk)[1].rows
        assert_same_actions(actions_from_rows(beside), oracle, django_assert_num_queries)
        assert beside == action_rows_of_team(team)
    # The world has what the comparison needs: a team with its own and its service's actions, open and closed.
    north = actions_from_rows(action_rows_of_team(acted.teams[0]))
    assert len(north) == 9
    assert {a.team_id is None for a in north} == {True, False}
    assert {a.closed_at is None for a in north} == {True, False}


def test_a_services_actions_are_the_orms_in_the_same_order_field_by_field(acted, django_assert_num_queries):
    for service in acted.services:
        oracle = list(orm_service_actions(service))
        assert_same_actions(actions_from_rows(action_rows_of_service(service)), oracle, django_assert_num_queries)
        beside = get_summary_service_and_actions(acted.people["superuser"], service.pk)[1].rows
        assert_same_actions(actions_from_rows(beside), oracle, django_assert_num_queries)
        assert beside == action_rows_of_service(service)
    assert (
        len(actions_from_rows(action_rows_of_service(acted.services[0])))
        == TeamAction.objects.filter(service=acted.services[0]).count()
    )
    empty = Service.objects.create(name="No actions yet")
    assert actions_from_rows(action_rows_of_service(empty)) == []
    assert get_summary_service_and_actions(acted.people["superuser"], empty.pk)[1].rows == []


def test_the_actions_read_beside_a_summary_in_one_statement_with_the_access_check(acted, django_assert_num_queries):
    lead = acted.people["service lead"]
    with django_assert_num_queries(1):
        _team, read = get_summary_team_and_actions(lead, acted.teams[0].pk)
    assert len(read) == 9 and len(read.rows) == 9
    with django_assert_num_queries(1):
        _service, read = get_summary_service_and_actions(lead, acted.services[0].pk)
    assert len(read.rows) == TeamAction.objects.filter(service=acted.services[0]).count()


# --- the audit row of a read -----------------------------------------------------------------------------------------


def test_the_audit_row_of_a_read_is_the_row_the_orm_would_store(org):
    lead = org.people["team lead"]
    team = org.teams[3]  # St Mary’s – 100% Wellbeing, North team
    period = latest_shown_period()
    before = timezone.now()
    summary_access_record(user=lead, action="view", service=team.service, team=team, period=period)
    row = SummaryAccess.objects.latest("pk")
    assert (row.user, row.username, row.action, row.team, row.service, row.scope, row.period) == (
        lead,
        "leah",
        "view",
        team,
        team.service,
        "St Mary’s – 100% Wellbeing – North team",
        period.key,
    )
    assert timezone.is_aware(row.at) and before <= row.at <= timezone.now() and row.at - before < timedelta(seconds=1)
    # Stored as the ORM stores a moment, so the audit log's filters by time find it (on SQLite, a comparison of text).
    assert SummaryAccess.objects.filter(at=row.at).get() == row
    assert SummaryAccess.objects.filter(at__date=timezone.localtime(row.at).date(), at__gte=before).get() == row
    twin = SummaryAccess.objects.create(
        user=lead, username="leah", action="view", team=team, service=team.service, scope=row.scope, period=period.key
    )
    twin.refresh_from_db()
    assert {**columns(row), "id": "", "at": ""} == {**columns(twin), "id": "", "at": ""}

    service = org.services[0]
    summary_access_record(user=lead, action=SummaryAccess.Action.EXPORT, service=service, period=period)
    row = SummaryAccess.objects.latest("pk")
    assert (row.user_id, row.action, row.team_id, row.service_id, row.scope) == (
        lead.pk,
        "export",
        None,
        service.pk,
        "Riverside Talking Therapies",
    )


def test_an_unknown_audit_action_is_refused_and_writes_nothing(org):
    count = SummaryAccess.objects.count()
    for action in ("delete", "", "VIEW"):
        with pytest.raises(ValueError, match="is not a valid"):
            summary_access_record(
                user=org.people["superuser"], action=action, service=org.services[0], period=latest_shown_period()
            )
    assert SummaryAccess.objects.count() == count


# --- misuse of a compiled query ---------------------------------------------------------------------------------------


def test_a_compiled_query_that_ignores_one_of_its_ids_is_refused(db):
    ignores_user = CompiledQuery(
        lambda user_id, team_id: Team.objects.filter(pk=team_id).values_list("pk"), "user_id", "team_id"
    )
    with pytest.raises(ImproperlyConfigured, match="user_id"):
        ignores_user.rows(user_id=1, team_id=1)


def test_a_compiled_query_takes_integer_ids_only(db):
    query = CompiledQuery(lambda team_id: Team.objects.filter(pk=team_id).values_list("pk"), "team_id")
    for wrong in ("1", True, False, 1.0, None):
        with pytest.raises(TypeError):
            query.rows(team_id=wrong)
    with pytest.raises(TypeError):
        query.rows()
    with pytest.raises(TypeError):
        query.rows(team_id=1, user_id=1)
    assert query.rows(team_id=1) == []


def test_a_compiled_query_must_be_a_values_list_of_plain_fields(db):
    for build in (
        lambda team_id: Team.objects.filter(pk=team_id),
        lambda team_id: Team.objects.filter(pk=team_id).annotate(n=Count("memberships")).values_list("pk", "n"),
        lambda team_id: Team.objects.filter(pk=team_id).extra(select={"one": "1"}).values_list("pk", "one"),  # noqa: S610
    ):
        with pytest.raises(ImproperlyConfigured):
            CompiledQuery(build, "team_id").rows(team_id=1)


def test_rows_beside_a_query_must_be_ordered_and_readable_back(db):
    with pytest.raises(ImproperlyConfigured, match="ordered"):
        JSONRows(TeamAction.objects.order_by(), "pk")
    with pytest.raises(ImproperlyConfigured, match="cannot read back"):
        JSONRows(PublishedPeriod.objects.order_by("pk"), "pk", "figures")
    beside = JSONRows(TeamAction.objects.filter(team_id=OuterRef("pk")).order_by("pk"), "pk")
    with_rows = CompiledQuery(
        lambda team_id: Team.objects.filter(pk=team_id).annotate(rows=beside).values_list("rows", "pk"), "team_id"
    )
    assert with_rows.rows(team_id=1) == []


def test_a_statement_prepared_on_postgresql_keeps_its_percent_signs_and_is_named_by_its_text():
    name, text = compiled._prepared_form("SELECT 'a%%b' WHERE x = %s AND y LIKE %s")
    assert text == "SELECT 'a%b' WHERE x = $1 AND y LIKE $2"
    assert (
        name.startswith("compiled_") and name == compiled._prepared_form("SELECT 'a%%b' WHERE x = %s AND y LIKE %s")[0]
    )
    assert name != compiled._prepared_form("SELECT 'a%%b' WHERE x = %s AND y LIKE %s ")[0]
