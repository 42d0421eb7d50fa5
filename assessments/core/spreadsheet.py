"""Writing CSV files that are safe to open in a spreadsheet.

A cell that begins with = + - or @ is read by Excel, LibreOffice and Google Sheets as a formula, and so is one
that begins with a tab, carriage return or line feed followed by one. A formula can fetch a web address with the
rest of the sheet in it, or run a command. Anyone who can type a value that lands in one of our files (a team
name, a statement, a person's own words) could plant one. Following OWASP's advice on "CSV injection", every CSV
the app writes goes through safe_cell, which puts an apostrophe in front: the spreadsheet then shows the text as
it was typed and runs nothing.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Protocol

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")

# A plain number such as -2 or +0.5 is shown as that number and cannot run anything, so it is left as it is:
# figures in an export stay numbers a spreadsheet can add up.
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?", re.ASCII)

Cell = str | int | float | None


class _Writable(Protocol):
    def write(self, text: str, /) -> object: ...


def safe_cell(value: str) -> str:
    """The text to write in a CSV cell, with an apostrophe in front if a spreadsheet would take it for a formula."""
    if value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def _cell(value: Cell) -> str | int | float:
    if value is None:
        return ""
    # Numbers are written by the csv module as digits, which no spreadsheet reads as a formula.
    return value if isinstance(value, int | float) else safe_cell(str(value))


def csv_rows(out: _Writable, header: Iterable[str], rows: Iterable[Iterable[Cell]]) -> None:
    """Write a header and rows to `out` (a file, a StringIO or an HttpResponse), every text cell made safe."""
    writer = csv.writer(out)
    writer.writerow([safe_cell(h) for h in header])
    writer.writerows([_cell(v) for v in row] for row in rows)
