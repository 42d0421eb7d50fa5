"""/metrics: off (404) unless switched on, then only for the monitoring's token or addresses; it counts requests by
the view's name, publications and the scheduled jobs, and shows the email queue's length read at the scrape.

These run in one process without PROMETHEUS_MULTIPROC_DIR, so /metrics reads this process's figures; the figures
of several gunicorn workers and cron jobs added up are tests/web/test_serve_observability.py's."""

from __future__ import annotations

import secrets
from contextlib import contextmanager
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from prometheus_client.mmap_dict import MmapedDict, mmap_key
from prometheus_client.parser import text_string_to_metric_families

from assessments.leads.invites import invite_create
from tests.server_env import production_env, settings_read

TOKEN = secrets.token_urlsafe(32)


@pytest.fixture
def metrics_on(settings, db):
    settings.METRICS_ENABLED = True
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_IPS = []
    return settings


def scrape(client) -> dict[tuple[str, tuple], float]:
    """Every sample /metrics shows, by name and labels."""
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def value(samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_are_not_found_while_switched_off(client, settings):
    assert settings.METRICS_ENABLED is False
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 404


def test_without_the_token_metrics_are_refused(client, metrics_on):
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION=TOKEN).status_code == 401  # not as a bearer token
    refused = client.get("/metrics")
    assert refused["WWW-Authenticate"] == "Bearer"
    assert b"checkin_" not in refused.content
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200


def test_only_the_allowed_addresses_may_read_metrics_and_never_through_a_proxy(client, metrics_on):
    metrics_on.METRICS_TOKEN = ""
    metrics_on.METRICS_ALLOWED_IPS = ["10.0.0.0/24", "192.0.2.7"]
    assert client.get("/metrics", REMOTE_ADDR="10.0.0.9").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.7").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="10.0.1.9").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403
    # A balancer on an allowed address passes the internet's requests on with X-Forwarded-For: not the scraper.
    assert client.get("/metrics", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 403


def test_with_both_set_a_scraper_needs_the_token_and_an_allowed_address(client, metrics_on):
    metrics_on.METRICS_ALLOWED_IPS = ["10.0.0.9"]
    bearer = f"Bearer {TOKEN}"
    assert client.get("/metrics", REMOTE_ADDR="10.0.0.9", HTTP_AUTHORIZATION=bearer).status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="10.0.0.8", HTTP_AUTHORIZATION=bearer).status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="10.0.0.9").status_code == 401


def test_requests_are_counted_by_the_views_name_never_the_path(client, metrics_on, db):
    before = scrape(client)
    for _ in range(3):
        assert client.get("/privacy/").status_code == 200
    assert client.get("/join/a-secret-invite-token/").status_code == 404  # no such invite
    assert client.post("/accounts/login/", {"username": "priya", "password": "not-her-password"}).status_code == 200
    assert client.get("/no/such/page/").status_code == 404
    after = scrape(client)

    def more(view: str, method: str = "GET", status: str = "200") -> float:
        labels = {"view": view, "method": method, "status": status}
        return value(after, "checkin_http_requests_total", **labels) - value(
            before, "checkin_http_requests_total", **labels
        )

    assert more("site:privacy") == 3
    assert more("site:join", status="404") == 1
    assert more("login", method="POST") == 1
    assert more("(no route)", status="404") == 1
    latency = "checkin_http_request_duration_seconds_count"
    assert value(after, latency, view="site:privacy") - value(before, latency, view="site:privacy") == 3
    text = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    assert "a-secret-invite-token" not in text and "/privacy/" not in text and "priya" not in text


def test_made_up_methods_are_counted_together(client, metrics_on, db):
    before = scrape(client)
    client.generic("BREW", "/privacy/")
    client.generic("PROPFIND", "/privacy/")
    after = scrape(client)
    labels = {"view": "site:privacy", "method": "other", "status": "200"}
    assert (
        value(after, "checkin_http_requests_total", **labels) - value(before, "checkin_http_requests_total", **labels)
        == 2
    )
    assert all("BREW" not in dict(key[1]).get("method", "") for key in after)


def test_nothing_is_counted_while_switched_off(client, settings, metrics_on, db):
    before = scrape(client)
    settings.METRICS_ENABLED = False
    client.get("/privacy/")
    call_command("send_checkin_reminders", stdout=None)
    settings.METRICS_ENABLED = True
    after = scrape(client)
    page = {"view": "site:privacy", "method": "GET", "status": "200"}
    assert value(after, "checkin_http_requests_total", **page) == value(before, "checkin_http_requests_total", **page)
    runs = {"job": "send_checkin_reminders", "outcome": "done"}
    assert value(after, "checkin_job_runs_total", **runs) == value(before, "checkin_job_runs_total", **runs)


def test_publishing_a_period_is_timed_and_the_job_run_counted(client, metrics_on, service, other_team):
    before = scrape(client)
    call_command("publish_periods", stdout=None)
    call_command("publish_periods", stdout=None)  # already published: a run, but nothing to count
    after = scrape(client)
    publications = "checkin_publication_duration_seconds_count"
    assert value(after, publications, kind="month") - value(before, publications, kind="month") == 1
    runs = {"job": "publish_periods", "outcome": "done"}
    assert value(after, "checkin_job_runs_total", **runs) - value(before, "checkin_job_runs_total", **runs) == 2
    durations = "checkin_job_duration_seconds_count"
    assert value(after, durations, job="publish_periods") - value(before, durations, job="publish_periods") == 2
    last = value(after, "checkin_job_last_success_timestamp_seconds", job="publish_periods")
    assert last > value(before, "checkin_job_last_success_timestamp_seconds", job="publish_periods")


def test_a_job_that_fails_is_counted_as_failed_and_not_as_a_success(client, metrics_on, db, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("the relay is down")

    monkeypatch.setattr("assessments.management.commands.send_checkin_reminders.reminders_send", broken)
    before = scrape(client)
    with pytest.raises(RuntimeError):
        call_command("send_checkin_reminders", stdout=None)
    after = scrape(client)
    failed = {"job": "send_checkin_reminders", "outcome": "failed"}
    assert value(after, "checkin_job_runs_total", **failed) - value(before, "checkin_job_runs_total", **failed) == 1
    last = "checkin_job_last_success_timestamp_seconds"
    assert value(after, last, job="send_checkin_reminders") == value(before, last, job="send_checkin_reminders")


def test_a_job_another_server_is_running_is_counted_as_skipped(client, metrics_on, db, monkeypatch):
    @contextmanager
    def held(job: str):
        yield False

    monkeypatch.setattr("assessments.management.commands.purge_expired.job_lock", held)
    before = scrape(client)
    call_command("purge_expired", stdout=None)
    after = scrape(client)
    skipped = {"job": "purge_expired", "outcome": "skipped"}
    assert value(after, "checkin_job_runs_total", **skipped) - value(before, "checkin_job_runs_total", **skipped) == 1


def test_the_email_queue_length_is_read_at_each_scrape(client, metrics_on, lead, team):
    assert value(scrape(client), "checkin_email_queue_length") == 0
    for address in ("ash@example.nhs.uk", "birch@example.nhs.uk"):
        invite_create(team=team, created_by=lead, email=address)
    assert value(scrape(client), "checkin_email_queue_length") == 2
    call_command("send_queued_email", stdout=StringIO())
    assert scrape(client)[("checkin_email_queue_length", ())] == 0


def test_a_process_that_has_only_just_created_its_file_does_not_stop_the_scrape(
    client, metrics_on, tmp_path, monkeypatch
):
    """A worker starting (a server restarting) creates its file empty and sizes it a moment later; a scrape in that
    moment still answers, with every other process's figures."""
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    finished = MmapedDict(str(tmp_path / "counter_101.db"))
    key = mmap_key("checkin_jobs_started", "checkin_jobs_started_total", [], [], "Jobs started.")
    finished.write_value(key, 3.0, 0.0)
    finished.close()
    (tmp_path / "counter_102.db").touch()  # the worker that is starting

    assert value(scrape(client), "checkin_jobs_started_total") == 3


def test_sending_the_queued_email_is_counted_as_a_job(client, metrics_on, db):
    before = scrape(client)
    call_command("send_queued_email", stdout=StringIO())
    after = scrape(client)
    runs = {"job": "send_queued_email", "outcome": "done"}
    assert value(after, "checkin_job_runs_total", **runs) - value(before, "checkin_job_runs_total", **runs) == 1


@pytest.mark.parametrize(
    "env, message",
    [
        ({"METRICS_ENABLED": "true"}, "METRICS_TOKEN or METRICS_ALLOWED_IPS"),
        ({"METRICS_ENABLED": "true", "METRICS_TOKEN": "x" * 32}, "PROMETHEUS_MULTIPROC_DIR"),
        ({"METRICS_TOKEN": "too-short"}, "at least 32 characters"),
        ({"METRICS_ALLOWED_IPS": "10.0.0.0/8,prometheus.internal"}, "'prometheus.internal'"),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT must be json or plain"),
    ],
)
def test_a_server_with_a_half_done_metrics_or_log_setting_refuses_to_start(tmp_path, env, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        settings_read(production_env(tmp_path, **env), drop=("PROMETHEUS_MULTIPROC_DIR",))


def test_metrics_start_with_a_token_and_a_directory_to_keep_figures_in(tmp_path):
    read = settings_read(
        production_env(tmp_path, METRICS_ENABLED="true", METRICS_TOKEN=TOKEN, PROMETHEUS_MULTIPROC_DIR=str(tmp_path))
    )
    assert read.METRICS_ENABLED and read.METRICS_TOKEN == TOKEN
    assert settings_read(production_env(tmp_path)).METRICS_ENABLED is False


def test_logs_are_json_in_production_and_plain_on_a_laptop_unless_chosen(tmp_path):
    def handler_format(**env: str) -> str:
        return settings_read(production_env(tmp_path, **env)).LOGGING["handlers"]["console"]["formatter"]

    assert handler_format() == "json"
    assert handler_format(DEBUG="true") == "plain"
    assert handler_format(LOG_FORMAT="plain") == "plain"
    assert handler_format(DEBUG="true", LOG_FORMAT="JSON") == "json"
