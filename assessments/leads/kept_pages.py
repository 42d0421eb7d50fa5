"""Summary pages kept as a shell with holes: rendered once per server process, filled in on every read.

A summary page is the same for every reader but for a few values: the team's or service's name, the period's label,
the stored parts, the period links and the list of actions (each kept rendered for what it shows), and in the frame
the reader's name, the CSRF token, the seconds the session has left and the page's own address. Rendering the page's
template around those took about as long as everything else a read does. So the template is rendered once with a
marker in each hole (`KeptPage`), split at the markers and kept; a read joins the pieces with its own values, each
escaped as the template would have escaped it (docs/adr/0019).

What is not a hole is part of the shell's key: the template, the language, the URL prefix, what the menu offers, when
the session warning shows, and the page's other values (each a plain bool, int or string). A page with messages to
show is rendered as usual: messages are rare on these pages and are said once.

The markers come from this process alone and never meet a reader's data: the shell is split before any value is put
in, so a name that looks like a marker is only text. If a template ever changed a hole's value on its way through (a
filter, say), the marker would not survive whole and building the shell stops with an error, which the tests of
every kept page would meet.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.contrib.messages import get_messages
from django.core.cache import caches
from django.core.cache.utils import make_template_fragment_key
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template import engines
from django.template.backends.django import DjangoTemplates
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

# Rendered pieces live in the same per-process cache as the frame's (settings CACHES, docs/adr/0018).
_CACHE = "template_fragments"
# Off only in the tests that compare a kept page with the same page rendered as usual.
ENABLED = True

# The markers: private-use characters around a name and this process's own random word.
_NONCE = secrets.token_hex(8)
_OPEN, _CLOSE = "\ue000", "\ue001"
_MARKER = re.compile(f"{_OPEN}{_NONCE}:([a-z_]+(?:\\.[0-9]+)?){_CLOSE}")


def _marker(name: str) -> SafeString:
    return mark_safe(f"{_OPEN}{_NONCE}:{name}{_CLOSE}")  # noqa: S308 - private-use characters and a hex word


def kept_fragment(name: str, vary_on: Iterable[Any], template: str, context: dict) -> bytes:
    """A piece of a page rendered once per process for everything it shows (`vary_on`), as {% cache %} would keep it,
    for a kept page's hole: kept, and given, as the UTF-8 it is sent as."""
    cache = caches[_CACHE]
    key = make_template_fragment_key(name, [get_language(), get_script_prefix(), *vary_on])
    html = cache.get(key)
    if html is None:
        html = render_to_string(template, context).encode()
        cache.set(key, html, None)
    return html


class _Menu:
    """The menu as the shell is rendered with it: what it offers (part of the shell's key), and a hole for the name."""

    def __init__(self, menu: Any) -> None:
        self.practitioner = menu.practitioner
        self.lead = menu.lead
        self.offers_password_change = menu.offers_password_change
        self.name = _marker("name")


class _User:
    """The reader as the shell's template sees them: signed in, and nothing else (their name is the menu's hole)."""

    def __init__(self, user: Any) -> None:
        self.is_authenticated = user.is_authenticated


class _Request:
    """The request as the shell's template sees it: only its address, which is a hole."""

    @staticmethod
    def get_full_path() -> SafeString:
        return _marker("full_path")


# Every value the context processors give a page, and what the shell does with it: a hole (`_Frame.holes`), part of
# the key (`_Frame.key`), a stand-in with no reader's data in it (`_Frame.stand_ins`), or the same for every reader
# (settings, the URL prefix, which is in every key). A processor that gives anything else stops the shell being
# built: a value that differs between readers would otherwise be the first reader's on everyone's page.
FRAME_VALUES = frozenset(
    {
        "request",
        "user",
        "perms",
        "messages",
        "DEFAULT_MESSAGE_LEVELS",
        "csrf_token",
        "menu",
        "local_passwords",
        "url_prefix",
        "session_timeout",
    }
)


def _processors() -> Sequence[Callable[[HttpRequest], dict[str, Any]]]:
    """The context processors every render of a page runs (settings TEMPLATES, with Django's own for the CSRF token)."""
    return cast(DjangoTemplates, engines["django"]).engine.template_context_processors


class _Frame:
    """What the frame (templates/base.html) shows of this request, from the context processors a usual render runs:
    its part of the shell's key, the values of its holes, and the stand-ins the shell is rendered with."""

    def __init__(self, request: HttpRequest) -> None:
        values: dict[str, Any] = {}
        for processor in _processors():
            values.update(processor(request))
        unknown = set(values) - FRAME_VALUES
        if unknown:
            raise ImproperlyConfigured(
                f"A context processor gives {sorted(unknown)}: say in assessments/leads/kept_pages.py whether a kept "
                "page's shell has a hole for it, keys on it, or shows it the same to everyone."
            )
        self.menu, self.timeout, self.user = values["menu"], values.get("session_timeout"), values["user"]
        self.key = (
            self.user.is_authenticated,
            self.menu.practitioner,
            self.menu.lead,
            self.menu.offers_password_change,
            self.timeout["warn"] if self.timeout else None,
        )
        self.holes = {"name": self.menu.name, "csrf_token": get_token(request), "full_path": request.get_full_path()}
        if self.timeout:
            self.holes["seconds_left"] = self.timeout["seconds_left"]

    def stand_ins(self) -> dict[str, Any]:
        stand_ins = {
            "menu": _Menu(self.menu),
            "user": _User(self.user),
            "perms": None,
            "csrf_token": _marker("csrf_token"),
            "request": _Request(),
            "messages": [],
        }
        if self.timeout:
            stand_ins["session_timeout"] = {**self.timeout, "seconds_left": _marker("seconds_left")}
        return stand_ins


def _page_markers(page: dict[str, Any], holes: Iterable[str]) -> dict[str, Any]:
    """A marker for each of the page's holes (one for each item of a list)."""
    markers: dict[str, Any] = {}
    for name in holes:
        value = page[name]
        markers[name] = (
            [_marker(f"{name}.{i}") for i in range(len(value))] if isinstance(value, list) else _marker(name)
        )
    return markers


@dataclass(frozen=True)
class KeptPage:
    """A page's template rendered with markers and split at them, as the UTF-8 it is sent as: `pieces` has one more
    item than `holes`."""

    pieces: tuple[bytes, ...]
    holes: tuple[str, ...]

    @classmethod
    def split(cls, html: str) -> KeptPage:
        parts = _MARKER.split(html)
        pieces, holes = parts[0::2], tuple(parts[1::2])
        if any(_OPEN in piece or _CLOSE in piece for piece in pieces):
            raise ValueError(
                "A hole's marker was changed on its way through the template: a hole must be printed as is."
            )
        return cls(tuple(piece.encode() for piece in pieces), holes)

    def fill(self, values: dict[str, bytes]) -> bytes:
        out = [self.pieces[0]]
        for hole, piece in zip(self.holes, self.pieces[1:], strict=True):
            out.append(values[hole])
            out.append(piece)
        return b"".join(out)


def _printed(value: Any) -> bytes:
    """A hole's value as `{{ value }}` prints it, encoded; bytes are HTML rendered and encoded already (a stored
    part), and go in as they are."""
    return value if isinstance(value, bytes) else str(conditional_escape(value)).encode()


def _escaped(values: dict[str, Any]) -> dict[str, bytes]:
    """Each hole's value as printed; a list's items by their index."""
    out: dict[str, bytes] = {}
    for name, value in values.items():
        if isinstance(value, list):
            out.update({f"{name}.{i}": _printed(v) for i, v in enumerate(value)})
        else:
            out[name] = _printed(value)
    return out


def _as_usual(context: dict[str, Any]) -> dict[str, Any]:
    """The context for the page's template itself: HTML held as bytes, as the text the template prints."""

    def text(value: Any) -> Any:
        return mark_safe(value.decode()) if isinstance(value, bytes) else value  # noqa: S308 - rendered HTML

    return {k: [text(v) for v in value] if isinstance(value, list) else text(value) for k, value in context.items()}


def _key(template: str, frame: _Frame, page: dict[str, Any], holes: tuple[str, ...]) -> str:
    fixed: list[tuple[str, object]] = []
    for name in sorted(page):
        value = page[name]
        if name in holes:
            fixed.append((name, len(value) if isinstance(value, list) else None))
        elif value is None or isinstance(value, bool | int | str):
            fixed.append((name, value))
        else:
            raise TypeError(f"{name}: a kept page's values are holes or plain bools, ints and strings")
    everything = (template, get_language(), get_script_prefix(), frame.key, tuple(fixed))
    return "kept-page:" + hashlib.sha256(repr(everything).encode()).hexdigest()


def kept_page(request: HttpRequest, template: str, context: dict[str, Any], holes: tuple[str, ...]) -> HttpResponse:
    """The page `template` shows for `context`: its kept shell filled with the values of `holes` and of the frame's.

    The template prints each hole as it is (`{{ name }}`, or `{{ name.0 }}` for a list's items); every other value
    of `context` is part of the shell's key. A hole's value may be bytes: HTML rendered and encoded already, which
    goes in as it is. A page with messages is rendered as usual."""
    if not ENABLED or len(get_messages(request)):
        return render(request, template, _as_usual(context))
    frame = _Frame(request)
    cache = caches[_CACHE]
    key = _key(template, frame, context, holes)
    shell = cache.get(key)
    if shell is None:
        shell_context = {**context, **_page_markers(context, holes), **frame.stand_ins()}
        shell = KeptPage.split(render_to_string(template, shell_context, request))
        cache.set(key, shell, None)
    return HttpResponse(shell.fill(_escaped({**{name: context[name] for name in holes}, **frame.holes})))
