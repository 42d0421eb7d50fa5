"""The parts of lead pages and CSVs that depend only on published figures: rendered once, stored, sent as they are.

Published figures never change (docs/adr/0001), so neither do the figures, charts, tables and hotspots of a summary
page, its conversation pack or its CSVs. The first read of a page renders those parts from the published figures and
stores them (`PublishedPart`, beside the figures); every read after it is one lookup, and the view adds what is per
request around them: the header and menu, the CSRF token, the links to other periods (a newer one appears when it
ends), the actions (they change every day) and the note on withheld figures (it counts the actions' voices).

A part is kept per page period, the oldest period its trend shows, scope, page, language and version. The version is
a digest of the templates and modules that render parts (read once per process) and of the settings they read, so a
change of either renders afresh; nobody bumps it. The access check and the audit row come first, always: a reader
who may not see the page gets a 404 before anything stored is read (docs/adr/0015).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import django
from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import caches
from django.db import connection
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from assessments.core.anonymity import min_group_size, share_min_group_size
from assessments.core.periods import Period, period_of, trend_periods
from assessments.figures.publication import kept_from
from assessments.figures.summaries import (
    ServiceFigures,
    VoiceFigures,
    service_figures,
    voice_figures,
    voice_withheld,
)
from assessments.leads.audit import summary_access_record
from assessments.leads.team_actions import ACTION_ID, ACTION_STARTS_ON, actions_from_rows
from assessments.models.compiled import RowsAsRead
from assessments.models.figures import PublishedPart, PublishedPeriod, TeamAction
from assessments.models.organisation import Service, Team

# What renders a part: every template of the leads' pages and the shared partials, the modules that build what they
# show (the core's words and charts, the figures read back, the leads' views and tags), and the translations.
_RENDERED_BY = (
    "templates/assessments/leads",
    "templates/assessments/partials",
    "assessments/core",
    "assessments/figures",
    "assessments/leads",
    "assessments/templatetags",
    "locale",
)
_SOURCE_SUFFIXES = {".html", ".py", ".mo", ".json"}


@cache
def code_version() -> str:
    """A digest of Django's version and of every source that renders a part, read once per process."""
    digest = hashlib.sha256(django.get_version().encode())
    base = Path(settings.BASE_DIR)
    for folder in _RENDERED_BY:
        for path in sorted((base / folder).rglob("*")):
            if path.suffix in _SOURCE_SUFFIXES and path.is_file():
                digest.update(str(path.relative_to(base)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:24]


def parts_version() -> str:
    """The code's version, with the settings a part reads (the group sizes its words name) and the URL prefix of
    its links."""
    variant = f"{code_version()}|{min_group_size()}|{share_min_group_size()}|{get_script_prefix()}"
    return hashlib.sha256(variant.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Part:
    """What a page shows from the published figures: rendered pieces in page order, and facts beside them. The pieces
    are kept as the UTF-8 a response sends (`chunks`): encoding 100 KB of text took a page about 0.1 ms, and a copy
    kept in memory as text took half that again to read back."""

    chunks: tuple[bytes, ...]
    facts: dict

    @classmethod
    def of(cls, segments: list[str], facts: dict) -> Part:
        return cls(tuple(s.encode() for s in segments), facts)

    @property
    def segments(self) -> list[str]:
        return [c.decode() for c in self.chunks]

    @property
    def html(self) -> list[SafeString]:
        return [mark_safe(s) for s in self.segments]  # noqa: S308 - rendered by our templates, which escape

    @property
    def withholds(self) -> bool:
        return bool(self.facts.get("withholds"))


Render = Callable[[ServiceFigures], tuple[list[str], dict]]


def team_scope(team: Team) -> str:
    return f"team:{team.pk}"


SERVICE_SCOPE = "service"


def _shown_from(figures: ServiceFigures) -> Period | None:
    """The oldest period of the trend whose figures are still kept: the first a purge will delete."""
    return next((p for p in figures.periods if not figures.published[p].get("expired")), None)


def published_part(
    *,
    user: User,
    action: str,
    service: Service,
    period: Period,
    scope: str,
    page: str,
    render: Render,
    team: Team | None = None,
) -> Part:
    """A page's or CSV's part for a reader the caller has let in: the audit row saying who read it, then the stored
    part, rendered from the published figures (publishing them if nobody has yet) and stored on the first read.

    Two servers rendering the same part at once both insert; the unique constraint keeps the first, and each sends
    what it rendered (the same bytes, from the same figures). Where every period of the trend is past retention there
    is nothing to store beside, and the part is rendered on each read.
    """
    summary_access_record(user=user, action=action, service=service, team=team, period=period)
    kept = kept_from()  # the oldest period of the trend still kept: past_retention, with today worked out once
    trend_from = next((p for p in trend_periods(period) if p.end > kept), None)
    key = {
        "service": service,
        "kind": period.kind,
        "period_start": period.start,
        "scope": scope,
        "page": page,
        "language": get_language() or settings.LANGUAGE_CODE,
        "version": parts_version(),
    }
    if trend_from is not None:
        found = _stored(key, trend_from)
        if found is not None:
            return found
    figures = service_figures(service, period)
    segments, facts = render(figures)
    shown_from = _shown_from(figures)
    if shown_from is not None:
        _store(key, period, shown_from, segments, facts)
    return Part.of(segments, facts)


# The stored parts this process has read, by key (settings CACHES): the most read stay in memory.
PARTS_CACHE = "published_parts"

_KEY_COLUMNS = ("service_id", "kind", "period_start", "trend_start", "scope", "page", "language", "version")


@cache
def _lookup_sql() -> str:
    """One lookup on the unique index, written out: the ORM's building of the query and decoding of JSON fields cost
    as much as the rest of a stored read together."""
    table = connection.ops.quote_name(PublishedPart._meta.db_table)
    where = " AND ".join(f"{connection.ops.quote_name(c)} = %s" for c in _KEY_COLUMNS)
    return f"SELECT segments, facts FROM {table} WHERE {where}"  # noqa: S608 - names from the model, values bound


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value  # psycopg may have decoded it already


def _kept_key(values: list) -> str:
    return "part:" + hashlib.sha256(repr(values).encode()).hexdigest()


def _params(key: dict, trend_from: Period) -> list:
    """The lookup's values, in the order of _KEY_COLUMNS."""
    dates = connection.ops.adapt_datefield_value
    values = {
        **key,
        "service_id": key["service"].pk,
        "period_start": dates(key["period_start"]),
        "trend_start": dates(trend_from.start),
    }
    return [values[c] for c in _KEY_COLUMNS]


def _stored(key: dict, trend_from: Period) -> Part | None:
    """The stored part for `key`, from this process's memory if it has read it before: a stored part never changes
    (its key names everything it shows, and a period's retention moves the key on the day it ends), so a copy kept in
    memory is the row as it is. Only rows read back are kept (two servers may render the same part at once, and the
    first one stored stands); misses are not: the part may be stored by the next read."""
    params = _params(key, trend_from)
    found = caches[PARTS_CACHE].get(_kept_key(params))
    if found is not None:
        return Part(*found)
    with connection.cursor() as cursor:
        cursor.execute(_lookup_sql(), params)
        row = cursor.fetchone()
    if row is None:
        return None
    part = Part.of(_json(row[0]), _json(row[1]))
    caches[PARTS_CACHE].set(_kept_key(params), (part.chunks, part.facts), None)
    return part


def _store(key: dict, period: Period, shown_from: Period, segments: list[str], facts: dict) -> None:
    starts = {period.start, shown_from.start}
    ids = dict(
        PublishedPeriod.objects.filter(service=key["service"], kind=period.kind, period_start__in=starts).values_list(
            "period_start", "pk"
        )
    )
    if starts - set(ids):
        return  # purged since it was read: nothing to keep it beside
    PublishedPart.objects.bulk_create(
        [
            PublishedPart(
                period_id=ids[period.start],
                trend_from_id=ids[shown_from.start],
                trend_start=shown_from.start,
                segments=segments,
                facts=facts,
                **key,
            )
        ],
        ignore_conflicts=True,  # another request rendered it first: theirs stands, and is the same
    )


@dataclass(frozen=True)
class ActionOnPage:
    """An action as a summary page lists it: the action as it is now, and the team's voice on it in the page's
    period as published (None if it had not started by then)."""

    action: TeamAction
    voice: VoiceFigures | None


def actions_on_page(actions: Iterable[TeamAction], part: Part, period: Period) -> list[ActionOnPage]:
    voices = part.facts["voices"]
    return [
        ActionOnPage(a, voice_figures(voices, a.pk) if period_of(a.starts_on, period.kind) <= period else None)
        for a in actions
    ]


class ActionsOnPage:
    """The actions a summary page lists, as read beside its access check (assessments/leads/access.py,
    TEAM_ACTIONS_BESIDE and SERVICE_ACTIONS_BESIDE), for this page's stored part and period. Iterating
    gives each as an ActionOnPage, made only when asked: the page keeps its whole list of actions rendered for
    `shown` (assessments/leads/views/summaries.py, kept_fragment), a digest of everything the
    list shows: every column of every action and of its team, the team's voice on each in the page's period (with
    the group size its words name), the period, and today's date (for the reviews that fall due)."""

    def __init__(self, read: RowsAsRead, part: Part, period: Period) -> None:
        self.read, self.part, self.period = read, part, period

    @cached_property
    def items(self) -> list[ActionOnPage]:
        return actions_on_page(actions_from_rows(self.read.rows), self.part, self.period)

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.read)

    @cached_property
    def _started(self) -> list[int]:
        """The actions that had started by the page's period: those the team's voice in it is about."""
        kind = self.period.kind
        ids, starts = self.read.column(ACTION_ID), self.read.column(ACTION_STARTS_ON)
        return [pk for pk, starts_on in zip(ids, starts, strict=True) if period_of(starts_on, kind) <= self.period]

    @property
    def withheld(self) -> bool:
        """Whether the auditor withheld the team's voice on any of them in the page's period."""
        voices = self.part.facts["voices"]
        return any(voice_withheld(voices, pk) for pk in self._started)

    @cached_property
    def shown(self) -> str:
        """The digest the kept list is found by: the actions as the database sent them (every column of each and of
        its team), so a read whose list is kept makes none of them into values."""
        voices = self.part.facts["voices"]
        said = {pk: voices["voices"].get(str(pk)) for pk in self._started}
        digest = hashlib.sha256(self.read.text.encode())
        digest.update(repr((said, voices["share_min_group_size"], self.period.key, timezone.localdate())).encode())
        return digest.hexdigest()


def page_withholds(part: Part, actions: ActionsOnPage) -> bool:
    """Whether the page shows a figure the auditor withheld: among its stored parts, or the team's voice on an
    action in its period."""
    return part.withholds or actions.withheld


def parts_of_other_versions_purge() -> int:
    """Delete the stored parts rendered by other templates, code or settings than this process's (the nightly purge
    runs it): after a release they are never read again. Returns how many were deleted."""
    deleted, _ = PublishedPart.objects.exclude(version=parts_version()).delete()
    return deleted
