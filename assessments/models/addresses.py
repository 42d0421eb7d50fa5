"""When an email address from outside (an organisation's sign-in, an invite) is the same as one stored here.

Two addresses are the same when they are equal after lower-casing A to Z, and nothing else. Unicode case mapping
is not used anywhere, in Python or in the database: it makes different addresses equal. PostgreSQL's UPPER() (which
Django's `iexact` uses) turns the long s `ſ` into `S` and the dotless `ı` into `I`, and Python's lower() turns the
Kelvin sign `K` into `k`, so `ſol@…` would reach the account of `sol@…`. A provider may verify such an address for
whoever holds it; it is still someone else's.
"""

from __future__ import annotations

import string

from django.db.models import F, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Replace
from django.db.models.lookups import Exact

from assessments.core.mailboxes import ascii_lower


def _ascii_lowered(field: str) -> Combinable:
    """core/mailboxes.ascii_lower in SQL: one REPLACE per letter. The same on SQLite and PostgreSQL, whatever the
    database's locale, where LOWER() and UPPER() are not."""
    expression: Combinable = F(field)
    for letter in string.ascii_uppercase:
        expression = Replace(expression, Value(letter), Value(letter.lower()))
    return expression


def same_address(field: str, address: str) -> Exact:
    """A filter for rows whose `field` is the same address as `address`: `queryset.filter(same_address(...))`."""
    return Exact(_ascii_lowered(field), ascii_lower(address))
