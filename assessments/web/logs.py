"""What goes into the log: Django's Host refusals kept in proportion."""

from __future__ import annotations

import logging


class HostRefusedAsWarning(logging.Filter):
    """Django logs a request whose Host is not in ALLOWED_HOSTS as an ERROR with a traceback, though the app did
    nothing wrong: the person (or, far more often, a scanner) gets the 400 page. Kept as a one-line WARNING, so an
    ERROR in the log still means something in the app broke."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.levelno, record.levelname = logging.WARNING, logging.getLevelName(logging.WARNING)
        record.exc_info = record.exc_text = record.stack_info = None
        return True
