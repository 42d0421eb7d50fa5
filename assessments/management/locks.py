"""One run of a scheduled job at a time, across every app server.

Cron runs the same jobs on every server. On PostgreSQL each job takes a session-level advisory lock with
pg_try_advisory_lock: the first server to ask gets it and does the work; the others see it held and stop at once.
The lock belongs to the database connection, so it is released when the job ends, and also if its process dies.
On SQLite (one machine, a try-out) there is nothing to coordinate, and the job just runs.

The lock stops two runs overlapping. A run that starts after another has finished does the work again, which is
harmless: each job is idempotent (reminders are claimed per person and window, purges delete only what is due,
a period's figures are published once, by a unique constraint).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


def lock_key(job: str) -> int:
    """A stable signed 64-bit key for the job's name, as pg_try_advisory_lock(bigint) takes."""
    digest = hashlib.sha256(f"resilience-checkin:{job}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextmanager
def job_lock(job: str) -> Iterator[bool]:
    """Yields True if this process may run `job` now, False if another server is running it."""
    if connection.vendor != "postgresql":
        yield True
        return
    key = lock_key(job)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        acquired = cursor.fetchone()[0]
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
