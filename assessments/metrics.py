"""What the app counts for Prometheus, when METRICS_ENABLED is on (docs/adr/0014-logs-and-metrics.md,
docs/deploy.md "Logs and metrics").

Requests by view (the URL's name, never its path), publications of a period's figures, and runs of the scheduled
jobs. /metrics (assessments/web/metrics_page.py) reads them, with the length of the email queue asked for at the
moment of the scrape.

gunicorn answers with several worker processes, and cron runs each job in a process of its own, so with
PROMETHEUS_MULTIPROC_DIR set (METRICS_ENABLED requires it) every process writes its figures into files there and
/metrics adds them up (prometheus_client's multiprocess mode). A web worker writes files named by its pid, which
`scripts/serve` deletes at start. A job writes one set of files named after the job, reused by every run, so the
directory does not grow by a set of files per run, and a job's counts survive a restart of the server.

Every metric has labels: a metric without labels makes its file when this module is imported, in every process,
before a job could choose its files' name.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from django.conf import settings
from prometheus_client import Counter, Gauge, Histogram, values

# The methods a browser or probe sends; anything else is counted as "other", so made-up methods cannot make a new
# series each.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

REQUESTS = Counter(
    "checkin_http_requests",
    "Requests answered, by view (the URL's name), method and status.",
    ["view", "method", "status"],
)
REQUEST_SECONDS = Histogram(
    "checkin_http_request_duration_seconds",
    "Seconds from the request reaching the app to its response leaving it (a streamed body not included), by view.",
    ["view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
PUBLICATION_SECONDS = Histogram(
    "checkin_publication_duration_seconds",
    "Seconds to count and decide one service's figures for the periods being published (by the nightly job, or "
    "the first read of an ended period), by kind of period.",
    ["kind"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120),
)
JOB_RUNS = Counter(
    "checkin_job_runs",
    "Runs of a scheduled job on this server, by outcome: done, skipped (another server held the job's lock) or "
    "failed (it raised an error).",
    ["job", "outcome"],
)
JOB_SECONDS = Histogram(
    "checkin_job_duration_seconds",
    "Seconds a scheduled job's run took on this server, whatever its outcome.",
    ["job"],
    buckets=(0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600),
)
JOB_LAST_SUCCESS = Gauge(
    "checkin_job_last_success_timestamp_seconds",
    "When a scheduled job last finished without an error on this server (done or skipped), in Unix time.",
    ["job"],
    multiprocess_mode="max",
)


def enabled() -> bool:
    return settings.METRICS_ENABLED


def request_observed(*, view: str, method: str, status: int, seconds: float) -> None:
    if not enabled():
        return
    REQUESTS.labels(view, method if method in METHODS else "other", str(status)).inc()
    REQUEST_SECONDS.labels(view).observe(seconds)


@contextmanager
def publication_timed(kind: str) -> Iterator[None]:
    began = time.monotonic()
    yield
    if enabled():
        PUBLICATION_SECONDS.labels(kind).observe(time.monotonic() - began)


class JobRun:
    def __init__(self) -> None:
        self.outcome = "done"

    def skipped(self) -> None:
        """Another server holds the job's lock: this run did nothing, which is not a failure."""
        self.outcome = "skipped"


@contextmanager
def job_run(job: str) -> Iterator[JobRun]:
    """Count one run of a scheduled job (a management command run by cron): its outcome and how long it took."""
    if not enabled():
        yield JobRun()
        return
    _files_named_after(job)
    run = JobRun()
    began = time.monotonic()
    try:
        yield run
    except BaseException:
        run.outcome = "failed"
        raise
    finally:
        JOB_RUNS.labels(job, run.outcome).inc()
        JOB_SECONDS.labels(job).observe(time.monotonic() - began)
        if run.outcome != "failed":
            JOB_LAST_SUCCESS.labels(job).set(time.time())


# The lock file of the job whose files this process writes, held open (and so locked) until the process ends.
_job_lock: list[IO[str]] = []


def _files_named_after(job: str) -> None:
    """In multiprocess mode, write this job's figures into files named after the job instead of this process's pid,
    while holding a lock on them, so that each run adds to the same files rather than leaving a new set. If another
    run of the same job on this server holds them (cron started it again before the last had finished), this run
    keeps to files of its own pid: counted all the same, only in one more set of files."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not directory or _job_lock or not getattr(values.ValueClass, "_multiprocess", False):
        return
    lock = open(os.path.join(directory, f"job_{job}.lock"), "a")  # noqa: SIM115 (held until the process ends)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.close()
        return
    _job_lock.append(lock)
    values.ValueClass = values.MultiProcessValue(process_identifier=lambda: f"job_{job}")
