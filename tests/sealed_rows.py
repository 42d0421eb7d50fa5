"""Sealed words as the database holds them, for tests that play someone with access to it: read a column's raw
token, write one with a raw UPDATE, or write words in the first format (Fernet) as the previous release did."""

from __future__ import annotations

from cryptography.fernet import Fernet
from django.db import connection
from django.test import override_settings

from assessments.models.seal_format import has_its_key


def _column(model, field: str) -> tuple[str, str]:
    q = connection.ops.quote_name
    return q(model._meta.db_table), q(model._meta.get_field(field).column)


def raw_value(model, pk: int, field: str) -> str:
    table, column = _column(model, field)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def raw_set(model, pk: int, field: str, value: str) -> None:
    """What someone with write access to the database can do: put any stored value into any row."""
    table, column = _column(model, field)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, pk])


def write_first_format(model, pk: int, field: str, words: str, key: str) -> str:
    """Store `words` in a row as the previous release sealed them (a Fernet token, bound to nothing)."""
    token = Fernet(key).encrypt(words.encode()).decode()
    raw_set(model, pk, field, token)
    return token


def sealed_under(token: str, key: str) -> bool:
    """Whether `key` alone holds the key this token was sealed with, in either format."""
    with override_settings(PRIVATE_WORDS_KEYS=[key]):
        return has_its_key(token)
