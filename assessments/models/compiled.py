"""Queries the ORM builds once per process and that run as the SQL it built after: for the few reads on every lead
page (docs/adr/0018).

Building a queryset (its filters, joins and subqueries) and compiling it to SQL cost a lead page more than running
its queries did: about 1 ms each, for SQL that is the same on every request but for a person's or a team's id. A
`CompiledQuery` asks the ORM for that SQL once, with a marker value in place of each id, and afterwards runs the
same SQL with the real ids in their places, applying the ORM's own converters to what comes back. The rule a query
states (who may read what) stays written once, as a queryset; tests/leads/test_compiled_queries.py checks that each
compiled query returns what its queryset returns.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models import QuerySet

# Each name's marker: an integer no id reaches, and which no query states as a constant.
_MARKER_BASE = -7_352_000_000_000
# The ids a 64-bit key can hold: outside them nothing can match (the ORM's lookups say the same, without asking).
_ID_RANGE = range(-(2**63), 2**63)


class CompiledQuery:
    """`build(**ids)` returns a `values_list` queryset of plain fields; `rows(**ids)` returns its rows as tuples."""

    def __init__(self, build: Callable[..., QuerySet], *names: str) -> None:
        self._build = build
        self._names = names
        self._compiled: dict[str, tuple[str, list[tuple[str | None, Any]], list]] = {}
        self._lock = threading.Lock()

    def _compile(self, alias: str) -> tuple[str, list[tuple[str | None, Any]], list]:
        markers = {_MARKER_BASE - i: name for i, name in enumerate(self._names)}
        queryset = self._build(**{name: value for value, name in markers.items()}).using(alias)
        fields = getattr(queryset, "_fields", None)
        if fields is None or queryset.query.annotation_select or queryset.query.extra_select:
            raise ImproperlyConfigured("A compiled query must be a values_list of plain fields.")
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        # Where each value goes: a name's marker is that name's id; anything else is a constant of the query.
        slots = [(markers.get(p) if type(p) is int else None, p) for p in params]
        missing = set(self._names) - {name for name, _ in slots}
        if missing:
            raise ImproperlyConfigured(f"A compiled query does not use {sorted(missing)}.")
        expressions = [column for column, _sql, _alias in compiler.select]
        if len(expressions) != len(fields):
            raise ImproperlyConfigured("A compiled query selects other columns than its fields.")
        return sql, slots, expressions

    def rows(self, using: str = DEFAULT_DB_ALIAS, **ids: int) -> list[tuple]:
        if set(ids) != set(self._names) or not all(type(v) is int for v in ids.values()):
            raise TypeError(f"A compiled query takes the integer ids {self._names}, not {ids!r}.")
        if any(v not in _ID_RANGE for v in ids.values()):
            return []
        connection = connections[using]
        key = f"{using}:{connection.vendor}"
        compiled = self._compiled.get(key)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.setdefault(key, self._compile(using))
        sql, slots, expressions = compiled
        with connection.cursor() as cursor:
            cursor.execute(sql, [p if name is None else ids[name] for name, p in slots])
            rows = cursor.fetchall()
        converters = []
        for i, expression in enumerate(expressions):
            found = connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
            if found:
                converters.append((i, found, expression))
        if not converters or not rows:
            return [tuple(row) for row in rows]
        converted = []
        for row in rows:
            values = list(row)
            for i, functions, expression in converters:
                for function in functions:
                    values[i] = function(values[i], expression, connection)
            converted.append(tuple(values))
        return converted


class CompiledInsert:
    """One row into a model's table, its SQL written once from the model's own fields; each value is prepared by its
    field, as the ORM prepares it (a foreign key takes the id)."""

    def __init__(self, model: type[models.Model], *names: str) -> None:
        self._fields: list[models.Field] = []
        for name in names:
            field = model._meta.get_field(name)
            if not isinstance(field, models.Field) or not field.column:
                raise ImproperlyConfigured(f"{name} is not a column of {model.__name__}.")
            self._fields.append(field)
        self._table = model._meta.db_table
        self._sql: dict[str, str] = {}

    def insert(self, using: str = DEFAULT_DB_ALIAS, **values: Any) -> None:
        connection = connections[using]
        sql = self._sql.get(connection.vendor)
        if sql is None:
            quote = connection.ops.quote_name
            columns = ", ".join(quote(str(f.column)) for f in self._fields)
            marks = ", ".join(["%s"] * len(self._fields))
            sql = self._sql[connection.vendor] = f"INSERT INTO {quote(self._table)} ({columns}) VALUES ({marks})"  # noqa: S608 - names from the model, values bound
        params = [f.get_db_prep_save(values[f.name], connection) for f in self._fields]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
