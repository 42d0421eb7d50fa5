"""How the load test judges one answer. Kept apart from the locustfile so the test suite can check it without locust.

A request that got no HTTP answer at all (the connection was refused, reset or timed out) has status 0 in locust:
that is a failure, as surely as a 500 is. `status >= 400` alone lets it through as a success.
"""

from __future__ import annotations

FRIENDLY_503 = "Sorry, please try again in a moment"

OK, RETRY, FAIL = "ok", "retry", "fail"


def judge(status: int, text: str, retry_after: str | None, *, expect_outage: bool) -> tuple[str, str]:
    """OK, RETRY (the app's friendly 503 while an outage is expected) or FAIL, with the reason for a failure."""
    if status == 0:
        return FAIL, "no answer (connection refused, reset or timed out)"
    if status == 503 and expect_outage:
        if FRIENDLY_503 in text and retry_after:
            return RETRY, ""
        return FAIL, "a 503 without the friendly page and Retry-After"
    if status >= 400:
        return FAIL, f"status {status}"
    return OK, ""
