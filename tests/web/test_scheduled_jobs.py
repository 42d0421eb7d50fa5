"""Cron runs each job on every app server: while one server runs a job, the others do nothing (PostgreSQL advisory
locks); on SQLite, with one machine, the job just runs."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from assessments.core.periods import latest_shown_period
from assessments.figures.publication import periods_publish
from assessments.management.locks import job_lock, lock_key
from assessments.models import Cadence, CheckIn, PublishedPeriod
from tests.checkins import submit_checkin
from tests.outbox import delivered
from tests.world import contributions

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="advisory locks are PostgreSQL's")
JOBS = ["send_checkin_reminders", "purge_expired", "publish_periods", "send_lead_nudges"]


@pytest.fixture
def other_server(db):
    """A second connection to the same database, as another app server's cron job would have."""
    other = connection.copy()
    other.connect()
    other.connection.autocommit = True

    def try_lock(job: str) -> bool:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [lock_key(job)])
            return cursor.fetchone()[0]

    def unlock(job: str) -> None:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [lock_key(job)])

    other.try_lock, other.unlock = try_lock, unlock
    yield other
    other.close()


def run(job: str) -> str:
    out = StringIO()
    call_command(job, stdout=out)
    return out.getvalue()


def test_each_job_has_its_own_lock():
    assert len({lock_key(job) for job in JOBS}) == len(JOBS)
    assert all(-(2**63) <= lock_key(job) < 2**63 for job in JOBS)


def test_on_a_database_without_advisory_locks_a_job_just_runs(db, monkeypatch):
    """SQLite (one machine, a try-out): nothing to coordinate. Run on every database, pretending where needed."""
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with job_lock("purge_expired") as first, job_lock("purge_expired") as second:
        assert first and second


@postgresql_only
def test_a_second_server_cannot_take_a_job_while_the_first_runs_it_and_can_after(other_server):
    with job_lock("purge_expired") as mine:
        assert mine
        assert other_server.try_lock("purge_expired") is False
        assert other_server.try_lock("publish_periods") is True  # other jobs are not held up
        other_server.unlock("publish_periods")
    assert other_server.try_lock("purge_expired") is True
    other_server.unlock("purge_expired")


@postgresql_only
def test_reminders_are_not_sent_while_another_server_sends_them(other_server, practitioner, team):
    team.checkin_cadence = Cadence.FOUR_WEEKLY
    team.save()
    assert other_server.try_lock("send_checkin_reminders")
    assert "Another server is sending the reminders" in run("send_checkin_reminders")
    assert delivered() == []
    other_server.unlock("send_checkin_reminders")
    assert run("send_checkin_reminders").strip() == "Reminders sent: 1"
    assert len(delivered()) == 1


@postgresql_only
def test_the_purge_deletes_nothing_while_another_server_purges(other_server, practitioner, team, settings):
    settings.RETENTION_MONTHS = 1
    expired = submit_checkin(practitioner, team, {}, when=timezone.now() - timedelta(days=90))
    assert other_server.try_lock("purge_expired")
    assert "Another server is purging" in run("purge_expired")
    assert CheckIn.objects.filter(pk=expired.pk).exists()
    other_server.unlock("purge_expired")
    run("purge_expired")
    assert not CheckIn.objects.filter(pk=expired.pk).exists()


@postgresql_only
def test_publishing_waits_for_nobody_and_does_nothing_while_another_server_publishes(other_server, service):
    assert other_server.try_lock("publish_periods")
    assert "Another server is publishing" in run("publish_periods")
    assert not PublishedPeriod.objects.exists()
    other_server.unlock("publish_periods")
    assert "Published 1 services' figures" in run("publish_periods")
    assert PublishedPeriod.objects.count() == 1


@postgresql_only
def test_figures_ready_emails_are_not_sent_while_another_server_sends_them(other_server, lead, team, question_set):
    contributions(team, 6, {"systemic_pressures": 4})
    periods_publish(period=latest_shown_period())
    assert other_server.try_lock("send_lead_nudges")
    assert "Another server is sending the figures-ready emails" in run("send_lead_nudges")
    assert delivered() == []
    other_server.unlock("send_lead_nudges")
    assert run("send_lead_nudges").strip() == "Figures-ready emails sent: 1"
    assert run("send_lead_nudges").strip() == "Figures-ready emails sent: 0"
    assert [m.to for m in delivered()] == [[lead.email]]
