"""What goes into the log: text others wrote made safe for one line, and Django's Host refusals kept in proportion."""

from __future__ import annotations

import logging
import unicodedata

# Longest piece of someone else's text a log line carries: enough to see what it was, not a page of it.
MAX_QUOTED = 200


def printable(text: object, limit: int = MAX_QUOTED) -> str:
    """`text` as one line: every control, format and line- or paragraph-separator character written as its escape
    (a newline as \\n, an escape character as \\x1b), and cut to `limit` characters. For text anyone can put in a
    request (a provider's `error_description` is in the callback's address), so that it cannot start a line of
    its own in the log, forge a line, or colour a terminal."""
    text = str(text)
    cut = len(text) > limit
    text = text[:limit]
    escaped = "".join(
        char.encode("unicode_escape").decode("ascii")
        if char == "\\" or unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}
        else char
        for char in text
    )
    return escaped + ("…" if cut else "")


class HostRefusedAsWarning(logging.Filter):
    """Django logs a request whose Host is not in ALLOWED_HOSTS as an ERROR with a traceback, though the app did
    nothing wrong: the person (or, far more often, a scanner) gets the 400 page. Kept as a one-line WARNING, so an
    ERROR in the log still means something in the app broke."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.levelno, record.levelname = logging.WARNING, logging.getLevelName(logging.WARNING)
        record.exc_info = record.exc_text = record.stack_info = None
        return True
