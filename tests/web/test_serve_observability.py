"""The production server's logs and metrics as an operator sees them: `make serve` with two gunicorn workers writes
one JSON line per request carrying the id it sends back, and no access line with the path as sent; /metrics adds up
the figures of both workers and of the cron jobs, each a process of its own, and a job's files are reused by every
run."""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.server_env import ROOT, app_process_env, production_env, serving

# Slow, so `make test` runs it and `make test-fast` leaves it out: starts the production server (gunicorn, two
# workers) and runs a management command in new processes.
pytestmark = pytest.mark.slow

TOKEN = secrets.token_urlsafe(32)


def get(url: str, **headers: str) -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, headers=headers)
    opener = urllib.request.build_opener(NoRedirects)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as refused:
        return refused.code, dict(refused.headers), refused.read().decode()


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def samples(text: str) -> dict[tuple[str, tuple], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_two_workers_and_the_cron_jobs_add_up_on_metrics_and_each_request_logs_one_json_line(tmp_path: Path):
    figures = tmp_path / "metrics"
    figures.mkdir()
    stale = figures / "counter_999999.db"  # a worker of an earlier start: deleted at start
    stale.write_bytes(b"")
    env = production_env(
        tmp_path,
        ALLOWED_HOSTS="127.0.0.1",
        STATIC_ROOT=str(tmp_path / "static"),
        WEB_CONCURRENCY="2",
        METRICS_ENABLED="true",
        METRICS_TOKEN=TOKEN,
        PROMETHEUS_MULTIPROC_DIR=str(figures),
    )
    with serving(env) as served:
        assert not stale.exists()
        ids = []
        for number in range(20):
            # Each on a new connection, so both workers answer some; plain http is redirected to https.
            status, headers, _ = get(f"{served.url}/privacy/", **{"X-Request-ID": f"probe-{number}"})
            assert status == 301
            ids.append(headers["X-Request-ID"])
        assert ids == [f"probe-{number}" for number in range(20)]
        status, headers, _ = get(f"{served.url}/join/a-made-up-invite-token/")
        assert status == 301

        for _ in range(2):
            job = subprocess.run(
                [sys.executable, "manage.py", "send_checkin_reminders"],
                cwd=ROOT,
                env=app_process_env(env),
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert job.returncode == 0, job.stderr

        assert get(f"{served.url}/metrics")[0] == 401
        status, _, text = get(f"{served.url}/metrics", Authorization=f"Bearer {TOKEN}")
        assert status == 200  # over plain http: Prometheus scrapes each server directly
        shown = samples(text)
        privacy = (("method", "GET"), ("status", "301"), ("view", "site:privacy"))
        assert shown[("checkin_http_requests_total", privacy)] == 20
        assert shown[("checkin_http_request_duration_seconds_count", (("view", "site:privacy"),))] == 20
        done = (("job", "send_checkin_reminders"), ("outcome", "done"))
        assert shown[("checkin_job_runs_total", done)] == 2
        # One set of files for the job, whichever run wrote them; each worker's own, by its pid.
        names = sorted(path.name for path in figures.glob("*.db"))
        assert "counter_job_send_checkin_reminders.db" in names
        job_files = [name for name in names if "job_" in name]
        assert sorted(job_files) == [
            "counter_job_send_checkin_reminders.db",
            "gauge_max_job_send_checkin_reminders.db",
            "histogram_job_send_checkin_reminders.db",
        ]
        log = list(served.lines)

    requests = [json.loads(line) for line in log if line.startswith("{") and '"assessments.requests"' in line]
    probes = [line for line in requests if line["request_id"].startswith("probe-")]
    assert sorted(line["request_id"] for line in probes) == sorted(ids)
    assert {(line["path"], line["view"], line["status"]) for line in probes} == {("/privacy/", "site:privacy", 301)}
    assert any(line["path"] == "/join/<str:token>/" for line in requests)
    text_log = "".join(log)
    assert "a-made-up-invite-token" not in text_log
    assert "HTTP/1.1" not in text_log  # no gunicorn access line
