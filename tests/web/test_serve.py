"""`make serve` starts the production server (gunicorn, DEBUG off) and /healthz answers 200."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

# Slow, so `make test` runs it and `make test-fast` leaves it out: starts the production server (gunicorn) in a new
# process.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def test_the_production_server_starts_and_its_health_check_answers_200(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        PY=sys.executable,
        PORT="0",  # any free port; gunicorn tells us which
        WEB_CONCURRENCY="1",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
    )
    server = subprocess.Popen(
        [str(ROOT / "scripts" / "serve")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = None
        deadline = time.monotonic() + 60
        while url is None and time.monotonic() < deadline:
            line = server.stderr.readline()
            assert line or server.poll() is None, "the server stopped before listening"
            match = re.search(r"Listening at: (http://\S+)", line)
            url = match and match.group(1)
        assert url, "the server did not start listening within 60 s"
        with urllib.request.urlopen(f"{url}/healthz", timeout=10) as response:
            assert response.status == 200 and response.read() == b"ok\n"
    finally:
        server.terminate()
        server.wait(timeout=30)
        server.stderr.close()
