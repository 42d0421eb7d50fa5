"""The load test's verdict can fail: loadtest/checks.py fails a request that got no answer, a bare 503 and any other
error, and loadtest/verify.py reads 5xx answers and the outage from the server's access log. (What verify.py says of
the check-ins themselves: tests/web/test_load_harness.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from loadtest import checks, verify

LOADTEST = Path(__file__).resolve().parents[2] / "loadtest"
FRIENDLY_PAGE = "<h1>Sorry, please try again in a moment</h1>"


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


def test_a_request_with_no_answer_at_all_is_a_failure_even_during_an_outage():
    for expect_outage in (False, True):
        verdict, reason = checks.judge(0, "", None, expect_outage=expect_outage)
        assert verdict == checks.FAIL and "no answer" in reason


def test_the_friendly_503_is_retried_only_while_an_outage_is_expected():
    assert checks.judge(503, FRIENDLY_PAGE, "10", expect_outage=True) == (checks.RETRY, "")
    assert checks.judge(503, FRIENDLY_PAGE, "10", expect_outage=False) == (checks.FAIL, "status 503")


@pytest.mark.parametrize(
    "text, retry_after",
    [("<html><body><h1>503 Service Unavailable</h1></body></html>", None), (FRIENDLY_PAGE, None), ("", "10")],
)
def test_a_bare_503_or_one_without_retry_after_is_a_failure(text, retry_after):
    verdict, reason = checks.judge(503, text, retry_after, expect_outage=True)
    assert verdict == checks.FAIL and "friendly page" in reason


@pytest.mark.parametrize("status", [400, 404, 413, 500, 502, 504])
def test_other_errors_are_failures(status):
    assert checks.judge(status, "", None, expect_outage=True) == (checks.FAIL, f"status {status}")


@pytest.mark.parametrize("status", [200, 302])
def test_answers_and_redirects_pass(status):
    assert checks.judge(status, "ok", None, expect_outage=False) == (checks.OK, "")


def test_the_locustfile_judges_every_answer_with_these_checks():
    source = (LOADTEST / "locustfile.py").read_text()
    assert "from checks import" in source and "judge(" in source
    assert "status_code >= 400" not in source
