"""gunicorn's own lines (starting, workers booting and timing out) in the app's log format, so that a log collector
reading JSON from the app servers' stderr meets no line of another shape (docs/adr/0014-logs-and-metrics.md).
`make serve` runs gunicorn with `--logger-class resilience_site.gunicorn_logging.Logger`. It has no access log to
format: the app writes a line per request itself (scripts/serve)."""

from __future__ import annotations

import os

from gunicorn import glogging


class Logger(glogging.Logger):
    def setup(self, cfg) -> None:
        super().setup(cfg)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "resilience_site.settings")
        from django.conf import settings

        if settings.LOG_FORMAT == "json":
            from assessments.web.logs import JsonFormatter

            for handler in self.error_log.handlers:
                handler.setFormatter(JsonFormatter())
