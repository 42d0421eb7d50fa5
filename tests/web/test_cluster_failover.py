"""The database's primary dies under load, and nobody is there: pg_auto_failover's monitor promotes the standby,
the app servers find it by themselves, and every check-in they acknowledged is there afterwards.

`loadtest/cluster.py --quick` end to end (what `make loadtest-cluster` runs, one scenario, shorter): three app
servers behind haproxy (deploy/haproxy.cfg) on PostgreSQL under pg_auto_failover with a synchronous standby, 12
simulated practitioners and leads for 35 s, the primary's node (its PostgreSQL and its keeper) killed 10 s in.
Needs Debian's haproxy, socat, pg_auto_failover and prometheus and the `load` extra (locust): `make test-slow`
installs them. About 3 minutes on two cores.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_the_primary_dies_under_load_and_no_acknowledged_check_in_is_lost(tmp_path):
    result = subprocess.run(
        [sys.executable, "loadtest/cluster.py", "--quick", "--results", str(tmp_path)],
        cwd=ROOT,
        env={**os.environ, "PY": sys.executable},
        capture_output=True,
        text=True,
        timeout=540,
    )
    found = re.search(r"^results: (.+)$", result.stdout, re.M)
    assert found, result.stdout[-3000:] + result.stderr[-3000:]
    record = json.loads((Path(found[1]) / "primary-killed" / "record.json").read_text())
    summary = (Path(found[1]) / "summary.md").read_text()

    # The monitor promoted the other node, and the old primary came back as its synchronous standby.
    assert record["primary lost"].startswith(record["primary at the start"])
    assert record["promoted after (s)"] <= 15
    assert record["old primary a synchronous standby again after (s)"] < 120
    # People checked in throughout, and nothing they were told was sent went missing or half-stored.
    assert record["acknowledged"] > 0
    assert record["stored whole"] == record["acknowledged"]
    # Nobody saw an error or no answer; the app's own "try again" page, for at most 15 s after the primary died.
    assert record["failed requests"] == 0, record["failures by kind"]
    assert 0 < record["seconds with an error page"] <= record["error pages until, after the fault (s)"] <= 15
    # Prometheus scraped the servers, and saw the same: the friendly 503s and no other 5xx.
    statuses = record["scraped"]["requests by status"]
    assert statuses.get("503", 0) > 0
    assert not {status for status in statuses if status.startswith("5")} - {"503"}
    assert result.returncode == 0, summary
