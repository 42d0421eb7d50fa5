"""The load test's verdict can fail: loadtest/verify.py notices lost, altered and half-stored check-ins."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from assessments.models import Answer, DimensionScore, Reflection
from tests.conftest import submit_checkin

spec = importlib.util.spec_from_file_location("verify", Path(__file__).resolve().parents[2] / "loadtest" / "verify.py")
verify = importlib.util.module_from_spec(spec)
spec.loader.exec_module(verify)


@pytest.fixture
def ack(practitioner, team) -> dict:
    checkin = submit_checkin(practitioner, team, {})
    Reflection.objects.create(checkin=checkin, phase="coping", text="A walk at lunch.")
    answers = {str(q): v for q, v in Answer.objects.filter(checkin=checkin).values_list("question_id", "value")}
    return {
        "checkin": checkin.pk,
        "username": "priya",
        "answers": answers,
        "reflections": {"coping": "A walk at lunch."},
    }


def test_a_check_in_stored_as_acknowledged_passes(ack):
    assert verify.check_acknowledged([ack]) == ([], 1)
    assert verify.check_nothing_half_stored() == []


def test_a_lost_check_in_is_reported(ack):
    problems, whole = verify.check_acknowledged([{**ack, "checkin": ack["checkin"] + 1000}])
    assert whole == 0 and "is not stored" in problems[0]


def test_an_altered_answer_is_reported(ack):
    Answer.objects.filter(checkin_id=ack["checkin"]).update(value=1)
    problems, whole = verify.check_acknowledged([ack])
    assert whole == 0 and "stored answers differ" in problems[0]


def test_missing_scores_are_reported_as_half_stored(ack):
    DimensionScore.objects.filter(checkin_id=ack["checkin"], dimension="systemic_pressures").delete()
    problems, _whole = verify.check_acknowledged([ack])
    assert "7 dimension scores" in problems[0]
    assert "some answered dimensions only" in verify.check_nothing_half_stored()[0]


def test_the_access_log_is_read_for_5xx_and_the_outage_window(tmp_path):
    log = tmp_path / "gunicorn.log"
    log.write_text(
        '127.0.0.1 - - [22/Nov/2026:06:13:00 +0000] "GET / HTTP/1.1" 200 10 "-" "x"\n'
        '127.0.0.1 - - [22/Nov/2026:06:13:01 +0000] "POST /checkins/1/values/ HTTP/1.1" 503 10 "-" "x"\n'
        '127.0.0.1 - - [22/Nov/2026:06:13:02 +0000] "POST /checkins/1/values/ HTTP/1.1" 302 0 "-" "x"\n'
    )
    statuses, window, after = verify.server_statuses(log)
    assert statuses == {"200": 1, "503": 1, "302": 1}
    assert window == "06:13:01 to 06:13:01 UTC" and after == 1
