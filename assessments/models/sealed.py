"""Private words sealed at rest: text only its author may read, stored encrypted in the database and bound to its
place (docs/adr/0003 and 0008; the token itself is assessments/models/seal_format.py).

A model with sealed fields inherits HoldsSealedWords, which gives each row a random identity (`sealed_id`) set when
the row is made, and names its owner on each field (`owner="user"`): the words are sealed for that table, column,
row and owner, so a token copied elsewhere by someone with write access to the database does not open. Such words
read as empty, as if nothing were written, and a warning is logged without them; never the other person's words.

A token has a fresh random nonce, so the same words never give the same token: a sealed field cannot be filtered,
searched or sorted on, and asking to raises an error rather than quietly matching nothing. Nor can it be written by
`update()` or `bulk_update()`, which do not know the row: save the object. An empty value is stored empty.

A token that no key opens raises SealError naming PRIVATE_WORDS_KEYS: the app never shows a token as if it were words.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django.apps import apps
from django.core import checks
from django.core.exceptions import FieldError
from django.db import connection, models, transaction
from django.db.models.query_utils import DeferredAttribute

from assessments.models.seal_format import (
    KEYS_VARIABLE,
    Misplaced,
    SealError,
    has_its_key,
    is_current,
    is_first_format,
    place,
    seal,
    sealed_length,
    unopenable,
    unseal,
)

__all__ = ["KEYS_VARIABLE", "SealError", "HoldsSealedWords", "SealedCharField", "SealedTextField", "sealed_length"]

logger = logging.getLogger(__name__)


class HoldsSealedWords(models.Model):
    """A row whose words are bound to it. Its identity is random and set when the object is made, before the insert
    (an AutoField's pk is not known until after it), so every way of saving, bulk_create too, seals for the row."""

    sealed_id = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)

    class Meta:
        abstract = True


class _Stored:
    """A token as read from the database, opened when the attribute is first read (the row's identity is known then).
    Not a string: if one escapes through values() or values_list(), it cannot be shown as words by mistake."""

    __slots__ = ("token",)

    def __init__(self, token: str):
        self.token = token

    def __repr__(self) -> str:
        return "<sealed words>"

    def __str__(self) -> str:
        raise TypeError("Sealed words are read through their model instance, not values() or values_list().")


class _Token(str):
    """Words already sealed for their row by pre_save, on their way to the database."""


class _SealedAttribute(DeferredAttribute):
    """Opens the stored token on first read, for the instance it belongs to; a data descriptor, so it always runs."""

    field: _Sealed

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if isinstance(value, _Stored):
            value = instance.__dict__[self.field.attname] = self.field.open_for(instance, value.token)
        return value

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = value


# For the type checker, the mixin is the field it is mixed into (its super() calls reach models.Field).
if TYPE_CHECKING:
    _FieldBase = models.Field
else:
    _FieldBase = object


class _Sealed(_FieldBase):
    """What both sealed fields share: seal for the row on the way in, open for the row on the way out, refuse
    lookups. `owner` names the foreign key to whom the words belong (the user, or the check-in or move they are of)."""

    descriptor_class = _SealedAttribute

    def __init__(self, *args: Any, owner: str = "", **kwargs: Any):
        self.owner = owner  # blank only in migrations made before words were bound (0007)
        super().__init__(*args, **kwargs)

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        if not issubclass(self.model, HoldsSealedWords) or not self.owner:
            errors.append(
                checks.Error(
                    f"{self.model.__name__}.{self.name} is sealed, so its model must inherit HoldsSealedWords and "
                    "the field must name its owner (owner='user', say).",
                    obj=self,
                    id="assessments.E003",
                )
            )
        return errors

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        return name, path, args, {**kwargs, "owner": self.owner}

    def place_of(self, instance: models.Model) -> bytes:
        owner = getattr(instance, _concrete(self.model, self.owner).attname)
        return place(self.model._meta.db_table, self.column, cast(HoldsSealedWords, instance).sealed_id, owner)

    def open_for(self, instance: models.Model, token: str) -> str:
        try:
            return unseal(token, self.place_of(instance))
        except Misplaced:
            logger.warning(
                "The private words in %s.%s (id %s) were sealed for another row or column, or altered: "
                "they are shown as empty.",
                self.model.__name__,
                self.name,
                instance.pk,
            )
            return ""

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        return _Stored(value)

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if not value:
            return value
        return _Token(seal(value, self.place_of(model_instance)))

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return value
        if isinstance(value, _Token):
            return str(value)
        raise FieldError(
            f"{self.model.__name__}.{self.name} is sealed for its row, so it is written by saving the object "
            "(save(), create() or bulk_create()), not by update() or bulk_update()."
        )

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
    row: str  # the sealed_id column
    owner: str  # the owner's column

    def place(self, row: object, owner: object) -> bytes:
        return place(self.table, self.column, row, owner)


def _concrete(model: type[models.Model], name: str) -> Any:
    """A concrete field of the model by name (its column and attname are set)."""
    return model._meta.get_field(name)


def sealed_columns() -> list[SealedColumn]:
    """Every sealed field of every installed model, so a new one is covered without being listed here."""
    return [
        SealedColumn(
            f"{model.__name__}.{field.name}",
            model._meta.db_table,
            model._meta.pk.column,
            field.column,
            _concrete(model, "sealed_id").column,
            _concrete(model, field.owner).column,
        )
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, _Sealed)
    ]


def _raw_batches(col: SealedColumn, batch_size: int) -> Iterator[list[tuple[Any, ...]]]:
    """(pk, sealed_id, owner, token) of one column's written rows, a batch at a time in pk order, as stored."""
    q = connection.ops.quote_name
    last = None
    while True:
        after = f"AND {q(col.pk)} > %s " if last is not None else ""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {q(col.pk)}, {q(col.row)}, {q(col.owner)}, {q(col.column)} FROM {q(col.table)} "
                f"WHERE {q(col.column)} <> '' {after}ORDER BY {q(col.pk)} LIMIT %s",
                [*([last] if last is not None else []), batch_size],
            )
            rows = cursor.fetchall()
        if not rows:
            return
        last = rows[-1][0]
        yield rows


def reseal_all(*, batch_size: int = 500, dry_run: bool = False) -> dict[str, dict[str, int]]:
    """Seal every stored value in the current format under the newest key: rows of the first format (Fernet) and
    rows under an older key. Every row is opened, so this also finds words sealed for another row or column (copied
    there, or altered): they are left as they are (they read as empty) and counted, their ids logged. Returns, per
    field, how many rows were resealed (or would be, on a dry run), already current, and found misplaced.

    Safe on a live database: each batch is its own short transaction, and a row is rewritten only if it still holds
    the token just read (a person saving it meanwhile has sealed it anew already). Running it again does nothing
    more. A token no key opens stops the run with SealError naming the row, never its contents.
    """
    q = connection.ops.quote_name
    counts: dict[str, dict[str, int]] = {}
    for col in sealed_columns():
        done = counts[col.label] = {"resealed": 0, "already": 0, "misplaced": 0}
        update = f"UPDATE {q(col.table)} SET {q(col.column)} = %s WHERE {q(col.pk)} = %s AND {q(col.column)} = %s"
        for rows in _raw_batches(col, batch_size):
            with transaction.atomic():
                for pk, row, owner, token in rows:
                    where = col.place(row, owner)
                    try:
                        words = unseal(token, where)
                    except SealError:
                        raise unopenable(f" ({col.label}, id {pk})") from None
                    except Misplaced:
                        logger.warning("%s (id %s) was sealed for another row or column: left as it is.", col.label, pk)
                        done["misplaced"] += 1
                        continue
                    if is_current(token):
                        done["already"] += 1
                        continue
                    if dry_run:
                        done["resealed"] += 1
                        continue
                    with connection.cursor() as cursor:
                        cursor.execute(update, [seal(words, where), pk, token])
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


@dataclass(frozen=True)
class SampleFindings:
    unopenable: str | None  # the first "Model.field (id N)" sealed under a key not in PRIVATE_WORDS_KEYS
    first_format: str | None  # the first one still in the first format, bound to no row


def sample_findings() -> SampleFindings:
    """What the start-up check reports: a sample across each column's whole history (_sample), not only the newest
    row, since a key set that opens the newest rows but not older ones would pass, and pages showing the older
    words would fail later. It checks whether a key we hold sealed each token, in either format."""
    unopenable_at = first_format_at = None
    for col in sealed_columns():
        for pk, token in _sample(col):
            if unopenable_at is None and not has_its_key(token):
                unopenable_at = f"{col.label} (id {pk})"
            if first_format_at is None and is_first_format(token):
                first_format_at = f"{col.label} (id {pk})"
    return SampleFindings(unopenable_at, first_format_at)
