"""What goes into the log: text others wrote made safe for one line, Django's Host refusals kept in proportion, the
request each line belongs to, and the JSON a line is written as (docs/adr/0014-logs-and-metrics.md)."""

from __future__ import annotations

import logging
import re
import unicodedata
import uuid
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import pythonjsonlogger.json
from django.conf import settings
from django.http import HttpRequest
from django.urls import Resolver404, ResolverMatch, resolve

# What a request's own line carries beside the message, as `extra` (RequestLogMiddleware).
REQUEST_FIELDS = ("method", "path", "view", "status", "duration_ms")

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


# --- Which request a line belongs to ------------------------------------------------------------------------------
# The request being answered in this thread (gunicorn's gthread workers answer one request per thread), set by
# RequestLogMiddleware for the length of the request. Every log line written meanwhile, by any logger, names it.

# A request id sent by the balancer or the client is kept if it is this short and plain; anything else is replaced,
# so what goes into the log and back out in a header is never someone else's text.
REQUEST_ID = re.compile(r"[A-Za-z0-9-]{1,64}")


@dataclass
class RequestContext:
    request_id: str
    request: HttpRequest


current: ContextVar[RequestContext | None] = ContextVar("current_request", default=None)


def request_id_for(incoming: str | None) -> str:
    """The id the balancer or client sent, if it is short and plain; a new random one otherwise."""
    if incoming and REQUEST_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


def match_of(request: HttpRequest) -> ResolverMatch | None:
    """The URL pattern the request's path matches: as Django resolved it, or, for a request answered before that
    (a redirect to https, a body too large, a static file), resolved here."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
    return match


def route_of(request: HttpRequest) -> str:
    """The URL pattern the request matched ("/join/<str:token>/"), never the path it was sent to: a path can carry
    an invite or password-reset token, or an id. Static files are "static"; a path nothing matched, "(no route)"."""
    if request.path.startswith("/" + settings.STATIC_URL.lstrip("/")):
        return "static"
    match = match_of(request)
    return "(no route)" if match is None else "/" + match.route


def view_of(request: HttpRequest) -> str:
    """The name of the view the request's path leads to ("site:join"), or its route_of when it has none."""
    match = None if request.path.startswith("/" + settings.STATIC_URL.lstrip("/")) else match_of(request)
    return route_of(request) if match is None else match.view_name


class RequestContextFilter(logging.Filter):
    """On the handler, so every line passes it whichever logger wrote it: adds `request_id` (or "-" outside a
    request), and puts the route in place of the path the request was sent to wherever a message quotes it
    (Django's "Not Found: /join/<the token>/", the outage warning), so no token or id in a path reaches the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        # Django's "Not Found" and "Internal Server Error" lines are written after the middleware has returned, so
        # they find the context on the request they carry.
        context = current.get() or getattr(getattr(record, "request", None), "log_context", None)
        record.request_id = context.request_id if context else "-"
        if context is not None and len(context.request.path) > 1:
            message = record.getMessage()
            raw = context.request.path
            if raw in message or printable(raw) in message:
                route = route_of(context.request)
                record.msg = message.replace(raw, route).replace(printable(raw), route)
                record.args = ()
        return True


class JsonFormatter(pythonjsonlogger.json.JsonFormatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, request_id, and on a request's own line
    method, path (the route), view, status and duration_ms; a traceback as exc_info. Nothing else: a record's other
    attributes are left out, whatever a library attached (Django attaches the whole request, whose text is the raw
    path)."""

    FIELDS = ("time", "level", "logger", "message", "request_id", *REQUEST_FIELDS, "exc_info", "stack_info")

    def __init__(self) -> None:
        super().__init__(
            "%(levelname)s %(name)s %(message)s %(request_id)s",
            rename_fields={"levelname": "level", "name": "logger"},
            timestamp="time",
        )

    def process_log_record(self, log_data: dict[str, Any]) -> dict[str, Any]:
        return {key: log_data[key] for key in self.FIELDS if log_data.get(key) is not None}
