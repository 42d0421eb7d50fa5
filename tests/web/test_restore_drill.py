"""The restore drill (make restore-drill) brings back every check-in acknowledged before the point it restores to,
readable with the keys from their own store, and none from after it; its verdict can fail; and the RPO and RTO it
prints stay within what docs/reliability.md states."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("restore_drill", ROOT / "loadtest" / "restore_drill.py")
drill = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = drill  # its dataclasses look their module up there
spec.loader.exec_module(drill)


def sent(username: str, checkin: int) -> drill.Ack:
    return drill.Ack(
        username=username,
        checkin=checkin,
        answers={"1": 3, "2": 5},
        reflections={"coping": f"{username}: a walk at lunch"},
        values=f"{username}'s values",
        acknowledged_at=0.0,
    )


def restored(ack: drill.Ack, **changes) -> dict:
    row = {
        "username": ack.username,
        "sent": True,
        "answers": dict(ack.answers),
        "reflections": dict(ack.reflections),
        "values": ack.values,
        "scores": 7,
    }
    return {**row, **changes}


def test_a_restore_holding_exactly_what_was_acknowledged_before_the_target_passes():
    before, after = [sent("ana", 1), sent("ben", 2)], [sent("cai", 3)]
    found = {a.checkin: restored(a) for a in before}
    assert drill.judge(found, before, after) == ([], 2, 0)


def test_a_lost_altered_or_unreadable_check_in_is_reported():
    before = [sent("ana", 1), sent("ben", 2), sent("cai", 3), sent("dee", 4)]
    found = {
        2: restored(before[1], reflections={"coping": ""}),  # words that did not open read as not written
        3: restored(before[2], sent=False),
        4: restored(before[3], answers={"1": 3}, scores=6),
    }
    problems, whole, _ = drill.judge(found, before, [])
    assert whole == 0
    assert problems == [
        "check-in 1 (ana), acknowledged before T, is missing",
        "check-in 2: private reflections differ from those sent",
        "check-in 3 came back as a draft",
        "check-in 4: answers differ from those sent",
        "check-in 4: 6 dimension scores, not 7",
    ]


def test_a_check_in_from_after_the_target_in_the_restore_is_reported():
    before, after = [sent("ana", 1)], [sent("ben", 2)]
    found = {1: restored(before[0]), 2: restored(after[0])}
    problems, whole, came_back = drill.judge(found, before, after)
    assert (whole, came_back) == (1, 1)
    assert problems == ["check-in 2 (ben) was started after T, yet is restored"]


@pytest.mark.slow  # two PostgreSQL clusters, two gunicorns, a backup and a restore: 1 to 3 minutes
def test_the_drill_restores_every_acknowledged_check_in_readable_and_prints_rpo_and_rto():
    """The whole drill, small: a private primary archiving with pgBackRest, check-ins through gunicorn, a base
    backup, a key rotation, a point in time, the primary killed, a restore to that point, the app on it with the
    keys from their own store (both of them: the newest alone is refused)."""
    result = subprocess.run(
        [sys.executable, "loadtest/restore_drill.py", "--before-backup", "1", "--before-target", "2",
         "--after-target", "1", "--budget", "240"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    assert "Acknowledged before T and restored whole, words readable: 3 of 3" in report
    assert "Started after T and restored: 0 (none should be)" in report
    assert re.search(r"load-pwp-0003 read 3 of 3 reflections on the restored app's page", report)
    assert "check --database default passes; with the newest key alone: refused (assessments.E002)" in report
    assert "Problems: 0" in report
    rpo = float(re.search(r"^RPO: ([\d.]+) s", report, re.M)[1])
    rto = float(re.search(r"^RTO: ([\d.]+) s", report, re.M)[1])
    # Each write reaches the archive within archive_timeout plus the archive command's own time.
    assert 0 < rpo <= drill.ARCHIVE_TIMEOUT + 3, report
    assert 0 < rto < 60, report
