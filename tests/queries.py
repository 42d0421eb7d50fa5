"""Queries every signed-in page makes beside its own, for the tests that pin a page's exact query count."""

from __future__ import annotations

# A signed-in request pushes the session's end back when the last push is a minute old
# (assessments/web/middleware.py: SlidingSessionMiddleware). Inside a test's transaction that write is an UPDATE
# wrapped in a savepoint: three statements.
SESSION_SAVE = 3
# What the menu offers is asked once with each push (by the page, or by the middleware when the page has no menu)
# and kept in the session; the pages in between read it from there (assessments/web/context_processors.py).
MENU = 1
# The request that pushes: query pins add it explicitly.
PUSH = SESSION_SAVE + MENU
