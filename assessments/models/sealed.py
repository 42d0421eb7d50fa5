"""Private words sealed at rest: text only its author may read, stored encrypted in the database.

A sealed field holds a Fernet token (AES-128-CBC with an HMAC-SHA256, from the `cryptography` package) made with
the first key of PRIVATE_WORDS_KEYS, and opens tokens made with any key in it, so a new key can be put first while
older rows stay readable; `manage.py reseal_private_words` then moves every row onto the new key, after which the
older keys can be removed. The keys are separate from SECRET_KEY (docs/adr/0003-private-words-sealed-at-rest.md).

A token has a fresh random IV, so the same words never give the same token: a sealed field cannot be filtered,
searched or sorted on, and asking to raises an error rather than quietly matching nothing. An empty value is stored
empty (the row says only that nothing was written).

A token that no key opens raises SealError naming the variable: the app never shows a token as if it were words.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, cast

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import connection, models, transaction

KEYS_VARIABLE = "PRIVATE_WORDS_KEYS"


class SealError(ImproperlyConfigured):
    """A sealed value that no key in PRIVATE_WORDS_KEYS opens: a wrong or missing key, never the person's fault."""


def unopenable(where: str = "") -> SealError:
    return SealError(
        f"A private entry{where} could not be opened with any key in {KEYS_VARIABLE}. The key it was sealed with is "
        f"missing or wrong: put that key back in {KEYS_VARIABLE} (newest first, comma-separated). "
        "See docs/deploy.md, 'Encryption keys'."
    )


@lru_cache(maxsize=8)
def _sealer(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def sealer() -> MultiFernet:
    """Seals with the newest key, opens with any. Cached per key list, so changing the setting takes effect."""
    return _sealer(tuple(settings.PRIVATE_WORDS_KEYS))


def seal(text: str) -> str:
    return sealer().encrypt(text.encode()).decode("ascii")


def unseal(token: str) -> str:
    try:
        return sealer().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeError):
        raise unopenable() from None


def sealed_length(max_characters: int) -> int:
    """The longest token for text of up to `max_characters` (4 bytes each in UTF-8, at worst)."""
    plain = 4 * max_characters
    token = 1 + 8 + 16 + (plain // 16 + 1) * 16 + 32  # version, time, IV, AES-CBC with padding, HMAC
    return 4 * -(-token // 3)  # url-safe base64


# For the type checker, the mixin is the field it is mixed into (its super() calls reach models.Field).
if TYPE_CHECKING:
    _FieldBase = models.Field
else:
    _FieldBase = object


class _Sealed(_FieldBase):
    """What both sealed fields share: seal on the way in, open on the way out, refuse lookups."""

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        return unseal(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return value
        return seal(value)

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        raise FieldError(
            f"{self.model.__name__}.{self.name} is sealed at rest, so it cannot be filtered or searched on "
            f"(__{lookup_name}). Filter on another column."
        )

    def get_transform(self, lookup_name):
        raise FieldError(f"{self.model.__name__}.{self.name} is sealed at rest, so it has no __{lookup_name}.")


class SealedTextField(_Sealed, models.TextField):
    """A TextField whose contents are sealed at rest. `max_length` limits the words, as on a TextField."""


class SealedCharField(_Sealed, models.CharField):
    """A CharField whose contents are sealed at rest. `max_length` limits the words (forms and validation); the
    column is sized for the longest token of that many characters, so the database still bounds it."""

    def db_type_parameters(self, connection):
        return {**super().db_type_parameters(connection), "max_length": sealed_length(cast(int, self.max_length))}

    def cast_db_type(self, connection):
        return self.db_type(connection)


# --- Finding and re-sealing every sealed value ----------------------------------------------------------------------


@dataclass(frozen=True)
class SealedColumn:
    label: str  # Model.field, for messages
    table: str
    pk: str
    column: str


def sealed_columns() -> list[SealedColumn]:
    """Every sealed field of every installed model, so a new one is covered without being listed here."""
    return [
        SealedColumn(f"{model.__name__}.{field.name}", model._meta.db_table, model._meta.pk.column, field.column)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, _Sealed)
    ]


def _raw_batches(col: SealedColumn, batch_size: int) -> Iterator[list[tuple[int, str]]]:
    """The stored tokens of one column, a batch at a time in pk order, read as the bytes on disk."""
    q = connection.ops.quote_name
    last = None
    while True:
        where = f"WHERE {q(col.pk)} > %s " if last is not None else ""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {q(col.pk)}, {q(col.column)} FROM {q(col.table)} {where}ORDER BY {q(col.pk)} LIMIT %s",
                [*([last] if last is not None else []), batch_size],
            )
            rows = cursor.fetchall()
        if not rows:
            return
        last = rows[-1][0]
        yield rows


def reseal_all(*, batch_size: int = 500) -> dict[str, dict[str, int]]:
    """Seal every stored value under the newest key. Returns, per field, how many rows were resealed and how many
    were under the newest key already.

    Safe on a live database: each batch is its own short transaction, and a row is rewritten only if it still holds
    the token just read (a person saving it meanwhile has sealed it under the newest key already). Running it again
    does nothing more. A token no key opens stops the run with SealError naming the row, never its contents.
    """
    newest = Fernet(settings.PRIVATE_WORDS_KEYS[0])
    every = sealer()
    q = connection.ops.quote_name
    counts: dict[str, dict[str, int]] = {}
    for col in sealed_columns():
        done = counts[col.label] = {"resealed": 0, "already": 0}
        update = f"UPDATE {q(col.table)} SET {q(col.column)} = %s WHERE {q(col.pk)} = %s AND {q(col.column)} = %s"
        for rows in _raw_batches(col, batch_size):
            with transaction.atomic():
                for pk, token in rows:
                    if not token:
                        continue
                    try:
                        newest.decrypt(token.encode("ascii"))
                    except InvalidToken:
                        pass
                    else:
                        done["already"] += 1
                        continue
                    try:
                        fresh = every.rotate(token.encode("ascii")).decode("ascii")
                    except InvalidToken:
                        raise unopenable(f" ({col.label}, id {pk})") from None
                    with connection.cursor() as cursor:
                        cursor.execute(update, [fresh, pk, token])
                        done["resealed"] += cursor.rowcount
    return counts


# How many rows of each sealed column the start-up check opens: the oldest, the newest, and the rest spread evenly
# by primary key between them. Rows are resealed when written, so rows under an older key are mostly the older ones.
SAMPLE_ROWS = 8


def _sample(col: SealedColumn) -> list[tuple[int, str]]:
    """Up to SAMPLE_ROWS stored tokens of one column across its whole history: each an index lookup on the pk."""
    q = connection.ops.quote_name
    written = f"{q(col.column)} <> ''"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MIN({q(col.pk)}), MAX({q(col.pk)}) FROM {q(col.table)} WHERE {written}")
        low, high = cursor.fetchone()
        if low is None:
            return []
        if isinstance(low, int) and isinstance(high, int):
            points = sorted({low + (high - low) * i // (SAMPLE_ROWS - 1) for i in range(SAMPLE_ROWS)})
        else:
            points = [low, high]
        sample: dict[int, str] = {}
        for point in points:
            cursor.execute(
                f"SELECT {q(col.pk)}, {q(col.column)} FROM {q(col.table)} WHERE {q(col.pk)} >= %s AND {written} "
                f"ORDER BY {q(col.pk)} LIMIT 1",
                [point],
            )
            row = cursor.fetchone()
            if row is not None:
                sample[row[0]] = row[1]
    return list(sample.items())


def first_unopenable() -> str | None:
    """The first sealed field with a stored value no key opens, for the start-up check; None if all open.

    Not only the newest row: a key set that opens the newest rows but not older ones would pass, and pages showing
    the older words would fail later. It opens a sample across each column's whole history (_sample).
    """
    for col in sealed_columns():
        for pk, token in _sample(col):
            try:
                sealer().decrypt(token.encode("ascii"))
            except (InvalidToken, UnicodeError):
                return f"{col.label} (id {pk})"
    return None
