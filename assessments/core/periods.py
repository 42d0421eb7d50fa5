"""Fixed calendar periods for team summaries: months or quarters, nothing else.

Summaries only ever use these fixed periods, never a custom date range, so two
overlapping summaries can never be subtracted to reveal one person.
A check-in belongs to the period of its submit date (in the site's time zone).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import TypeVar

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

MONTH = "month"
QUARTER = "quarter"
KINDS = (MONTH, QUARTER)

# How many periods a trend shows.
TREND_LENGTH = 12

_MONTH_KEY = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")
_QUARTER_KEY = re.compile(r"([0-9]{4})-Q([1-4])")


@dataclass(frozen=True, order=True)
class Period:
    kind: str
    start: date

    @property
    def months(self) -> int:
        return 1 if self.kind == MONTH else 3

    @property
    def key(self) -> str:
        if self.kind == MONTH:
            return f"{self.start.year:04d}-{self.start.month:02d}"
        return f"{self.start.year:04d}-Q{(self.start.month - 1) // 3 + 1}"

    @property
    def end(self) -> date:
        """The first day after the period."""
        return add_months(self.start, self.months)

    @property
    def label(self) -> str:
        if self.kind == MONTH:
            return date_format(self.start, "F Y")
        return _("%(quarter)s %(year)s (%(first)s to %(last)s)") % {
            "quarter": f"Q{(self.start.month - 1) // 3 + 1}",
            "year": self.start.year,
            "first": date_format(self.start, "F"),
            "last": date_format(add_months(self.start, 2), "F"),
        }

    @property
    def short_label(self) -> str:
        return _short_label(self.kind, self.start, get_language())

    def previous(self) -> Period:
        return Period(self.kind, add_months(self.start, -self.months))

    def next(self) -> Period:
        return Period(self.kind, self.end)

    def __str__(self) -> str:
        return self.key


@lru_cache(maxsize=4096)
def _short_label(kind: str, start: date, language: str | None) -> str:
    # Formatting dates is slow, and a page labels the same dozen periods many times.
    return date_format(start, "M Y") if kind == MONTH else Period(kind, start).key


DateOrTime = TypeVar("DateOrTime", date, datetime)


def add_months(value: DateOrTime, months: int) -> DateOrTime:
    """The same day (and time) `months` calendar months later, or earlier when negative.

    The day is clamped to the month's length: a month before 31 March is 28 (or 29) February.
    """
    year, month = divmod(value.year * 12 + value.month - 1 + months, 12)
    day = min(value.day, calendar.monthrange(year, month + 1)[1])
    return value.replace(year=year, month=month + 1, day=day)


def kept_since(value: DateOrTime) -> DateOrTime:
    """The first day (or moment) still kept at `value`: the same day RETENTION_MONTHS calendar months before.

    Sent check-ins from before it are deleted (practitioner/retention.py), and a period that ends by it has no
    figures (figures/publication.py): both read the cut-off here.
    """
    return add_months(value, -settings.RETENTION_MONTHS)


def configured_kind() -> str:
    return settings.SUMMARY_PERIOD


def period_of(day: date | datetime, kind: str | None = None) -> Period:
    """The period a date falls in. Datetimes are read in the site's time zone."""
    kind = kind or configured_kind()
    if isinstance(day, datetime):
        day = timezone.localdate(day)
    month = day.month if kind == MONTH else (day.month - 1) // 3 * 3 + 1
    return Period(kind, date(day.year, month, 1))


def current_period(kind: str | None = None) -> Period:
    return period_of(timezone.localdate(), kind)


def latest_shown_period(kind: str | None = None) -> Period:
    """The newest period a summary may show: the last one that has ended.

    While a period is still open its figures change with every check-in, so a lead who reads the page just
    before and just after one person submits could work out that person's answers by subtraction. Once the
    period has ended its figures change only when someone deletes a check-in.
    """
    return current_period(kind).previous()


def parse_period(key: str, kind: str | None = None) -> Period | None:
    """A period from its URL key ("2026-11" or "2026-Q4"), or None if the key is not one of ours."""
    kind = kind or configured_kind()
    pattern = _MONTH_KEY if kind == MONTH else _QUARTER_KEY
    match = pattern.fullmatch(key or "")
    if match is None:
        return None
    year = int(match.group(1))
    if year < 2000:
        return None
    month = int(match.group(2)) if kind == MONTH else (int(match.group(2)) - 1) * 3 + 1
    return Period(kind, date(year, month, 1))


def trend_periods(period: Period, length: int = TREND_LENGTH) -> list[Period]:
    """The `length` periods ending with `period`, oldest first."""
    return list(_trend_periods(period, length))


@lru_cache(maxsize=1024)
def _trend_periods(period: Period, length: int) -> tuple[Period, ...]:
    # Worked out on every read of a summary, and the same for every read of the period's.
    periods = [period]
    while len(periods) < length:
        periods.append(periods[-1].previous())
    return tuple(periods[::-1])
