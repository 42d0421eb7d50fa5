"""Queries every signed-in page makes beside its own, for the tests that pin a page's exact query count."""

from __future__ import annotations

# A signed-in request pushes the session's end back when the last push is a minute old
# (assessments/web/middleware.py: SlidingSessionMiddleware). Inside a test's transaction that write is an UPDATE
# wrapped in a savepoint: three statements. Query pins add it explicitly, for the request that pushes.
SESSION_SAVE = 3
# Every signed-in page's menu asks once what this person can use (assessments/web/context_processors.py).
MENU = 1
