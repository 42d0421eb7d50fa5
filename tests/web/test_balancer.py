"""What the load balancer relies on: a liveness probe that needs no database, the app's own error pages as files
it can serve when no server answers, and a database address with several hosts for failover."""

from __future__ import annotations

import io
import os

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import OperationalError
from django.urls import reverse

from tests.server_env import settings_read


def test_livez_answers_without_touching_the_database(client, db, django_assert_num_queries, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    with monkeypatch.context() as patch, django_assert_num_queries(0):
        patch.setattr("django.db.backends.base.base.BaseDatabaseWrapper.cursor", broken_cursor)
        response = client.get("/livez")
    assert response.status_code == 200 and response.content == b"alive\n"
    assert "no-cache" in response["Cache-Control"] and "Set-Cookie" not in response


def test_the_balancers_503_file_is_the_apps_friendly_page_with_retry_after(tmp_path, settings):
    settings.OUTAGE_RETRY_AFTER_SECONDS = 7
    call_command("render_error_pages", tmp_path, stdout=io.StringIO())
    raw = (tmp_path / "503.http").read_bytes()
    head, body = raw.split(b"\r\n\r\n", 1)
    lines = head.decode().split("\r\n")
    assert lines[0] == "HTTP/1.1 503 Service Unavailable"
    assert "Retry-After: 7" in lines and "Cache-Control: no-store" in lines
    assert f"Content-Length: {len(body)}" in lines
    assert "Sorry, please try again in a moment" in body.decode()
    assert len(raw) < 15 * 1024, "haproxy serves an error file only if it fits in one buffer (16 KB less headroom)"
    assert b"Too Large" in (tmp_path / "413.http").read_bytes().split(b"\r\n", 1)[0]
    assert "That was too much to send" in (tmp_path / "413.http").read_text()


def database_settings(**env: str) -> dict:
    """The database a server would connect to with these DATABASE_* variables (and no others)."""
    read = settings_read(env, drop=tuple(name for name in os.environ if name.startswith("DATABASE_")))
    return read.DATABASES["default"]


def test_a_primary_and_a_standby_are_given_as_host_and_port_lists():
    database = database_settings(
        DATABASE_URL="postgres://app:pw@db/checkin?target_session_attrs=read-write&connect_timeout=2",
        DATABASE_HOSTS="10.0.0.1,10.0.0.2",
        DATABASE_PORTS="5433,5434",
    )
    assert (database["HOST"], database["PORT"]) == ("10.0.0.1,10.0.0.2", "5433,5434")
    assert database["OPTIONS"]["target_session_attrs"] == "read-write" and database["OPTIONS"]["connect_timeout"] == 2


@pytest.mark.parametrize(
    "hosts, ports, message",
    [("a,b,c", "1,2", "one per host"), ("", "5433", "needs DATABASE_HOSTS"), ("a", "five", "port numbers")],
)
def test_host_and_port_lists_that_do_not_match_stop_start_up(hosts, ports, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        database_settings(DATABASE_URL="postgres://app@db/checkin", DATABASE_HOSTS=hosts, DATABASE_PORTS=ports)


def test_livez_is_listed_with_the_other_site_urls():
    assert reverse("site:livez") == "/livez"
