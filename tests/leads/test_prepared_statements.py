"""On PostgreSQL the summary pages' compiled reads and audit row are prepared on the server once per connection
(assessments/models/compiled.py, `_execute`). Prepared or not, a read returns the same rows and writes the same audit
row; a statement that vanishes from its connection (a pooler moved it) costs a read nothing but speed; and with
DATABASE_PREPARED_STATEMENTS off nothing is prepared.

Statements are prepared only outside a transaction, so these tests run with the database committing as the app
does (transactional_db), not inside the transaction most tests run in."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import Http404
from django.urls import reverse

from assessments.core.periods import latest_shown_period
from assessments.leads.access import (
    get_summary_service_and_actions,
    get_summary_team_and_actions,
    summary_services,
    summary_teams,
)
from assessments.models import SummaryAccess, compiled
from tests.actions import make_action
from tests.leads.test_compiled_queries import (
    SERVICES_SEEN,
    TEAMS_SEEN,
    action_rows_of_service,
    action_rows_of_team,
    build_org,
    label,
)

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="statements are prepared on PostgreSQL only"),
    pytest.mark.django_db(transaction=True),
]


def prepared() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements WHERE name LIKE 'compiled_%%'")
        return {name for (name,) in cursor.fetchall()}


@pytest.fixture(autouse=True)
def _no_statements_prepared_yet():
    """Each test starts on a connection with nothing prepared (the app's own bookkeeping forgets it too)."""
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    compiled.forget_prepared(connection)
    yield
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    compiled.forget_prepared(connection)


def test_prepared_reads_let_in_exactly_whom_the_orm_lets_in_with_the_same_actions():
    org = build_org()
    make_action(org.people["superuser"], team=org.teams[0])
    make_action(org.people["superuser"], service=org.services[0])
    assert not connection.in_atomic_block
    for _round in range(2):  # prepared on the first, and run as prepared on the second
        for role, person in org.people.items():
            teams = {t.pk for t in summary_teams(person)}
            assert {label(t) for t in summary_teams(person)} == TEAMS_SEEN[role]
            for team in org.teams:
                if team.pk not in teams:
                    with pytest.raises(Http404):
                        get_summary_team_and_actions(person, team.pk)
                    continue
                found, read = get_summary_team_and_actions(person, team.pk)
                assert (found.pk, found.name, found.service.name) == (team.pk, team.name, team.service.name)
                assert read.rows == action_rows_of_team(team)
            services = {s.pk for s in summary_services(person)}
            assert {s.name for s in summary_services(person)} == SERVICES_SEEN[role]
            for service in org.services:
                if service.pk not in services:
                    with pytest.raises(Http404):
                        get_summary_service_and_actions(person, service.pk)
                    continue
                assert get_summary_service_and_actions(person, service.pk)[1].rows == action_rows_of_service(service)
    assert len(prepared()) >= 4  # the team and service reads, as a lead and as an administrator, and the actions


def read_team_summary(client, team) -> None:
    response = client.get(reverse("leads:team_summary", args=[team.pk, latest_shown_period().key]))
    assert response.status_code == 200


def test_a_read_writes_its_audit_row_through_a_prepared_statement(client):
    org = build_org()
    lead, team = org.people["team lead"], org.teams[0]
    client.force_login(lead)
    read_team_summary(client, team)
    read_team_summary(client, team)
    rows = list(SummaryAccess.objects.filter(user=lead).values_list("username", "team_id", "scope", "action"))
    assert rows == [("leah", team.pk, "Riverside Talking Therapies – North team", "view")] * 2
    assert any("INSERT" in statement for statement in prepared_statements())


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE name LIKE 'compiled_%%'")
        return [statement for (statement,) in cursor.fetchall()]


def test_a_statement_gone_from_its_connection_costs_the_read_nothing(client, caplog):
    org = build_org()
    lead, team = org.people["team lead"], org.teams[0]
    client.force_login(lead)
    read_team_summary(client, team)
    assert prepared()
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")  # as if a pooler had handed this connection's statements elsewhere
    with caplog.at_level("WARNING", logger="assessments.models.compiled"):
        read_team_summary(client, team)
    assert "running it unprepared" in caplog.text
    assert SummaryAccess.objects.filter(user=lead).count() == 2
    read_team_summary(client, team)  # and prepared again after
    assert prepared()
    assert SummaryAccess.objects.filter(user=lead).count() == 3


def test_a_statement_prepared_before_on_the_connection_is_used_as_it_is(client):
    """The name is the statement's own digest: one prepared earlier on this connection is the same statement."""
    org = build_org()
    lead, team = org.people["team lead"], org.teams[0]
    client.force_login(lead)
    read_team_summary(client, team)
    before = prepared()
    compiled.forget_prepared(connection)  # this process forgets; the server remembers
    read_team_summary(client, team)
    assert prepared() == before
    assert SummaryAccess.objects.filter(user=lead).count() == 2


def test_nothing_is_prepared_with_prepared_statements_off(client, settings):
    settings.DATABASE_PREPARED_STATEMENTS = False
    org = build_org()
    client.force_login(org.people["team lead"])
    read_team_summary(client, org.teams[0])
    read_team_summary(client, org.teams[0])
    assert prepared() == set()


def test_threads_each_prepare_on_their_own_connection():
    """gunicorn's threads each hold a connection: each prepares its own statements, and none sees another's."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    org = build_org()
    lead, team = org.people["service lead"], org.teams[0]
    expected = action_rows_of_team(team)

    def read_twice(_n):
        try:
            results = [get_summary_team_and_actions(lead, team.pk)[1].rows for _ in range(2)]
            return results, len(prepared())
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(read_twice, range(8)))
    for results, prepared_here in outcomes:
        assert results == [expected, expected]
        assert prepared_here >= 1
