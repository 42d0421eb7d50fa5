"""Queries the ORM builds once per process and that run as the SQL it built after: for the few reads on every lead
page (docs/adr/0018).

Building a queryset (its filters, joins and subqueries) and compiling it to SQL cost a lead page more than running
its queries did: about 1 ms each, for SQL that is the same on every request but for a person's or a team's id. A
`CompiledQuery` asks the ORM for that SQL once, with a marker value in place of each id, and afterwards runs the
same SQL with the real ids in their places, applying the ORM's own converters to what comes back. The rule a query
states (who may read what) stays written once, as a queryset; tests/leads/test_compiled_queries.py checks that each
compiled query returns what its queryset returns.

On PostgreSQL each compiled statement is also prepared on the server, once per database connection (`_execute`):
planning the access check took longer than running it. Behind a pooler that moves statements between connections
(PgBouncer in transaction mode, which docs/deploy.md already rules out) a prepared statement can vanish; the read
then runs as plain SQL, and DATABASE_PREPARED_STATEMENTS=false turns preparing off.

A compiled query may also carry `JSONRows`: a list read in the same statement, beside its row (a summary page's
actions beside its access check), as JSON the database builds and this module reads back into the values the ORM
would give. A statement fewer on every read; the same test checks the list against the ORM's, field by field.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
from collections.abc import Callable
from datetime import UTC
from functools import cached_property
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models
from django.db.models import QuerySet, Subquery, TextField, Window
from django.db.models.functions import JSONArray, RowNumber
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

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
        annotations = set(queryset.query.annotation_select)
        if fields is None or queryset.query.extra_select or not annotations <= set(fields):
            raise ImproperlyConfigured("A compiled query must be a values_list of fields (and of JSONRows).")
        if any(not isinstance(queryset.query.annotations[a], JSONRows) for a in annotations):
            raise ImproperlyConfigured("A compiled query's only annotations are JSONRows.")
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        if [column_alias for _column, _sql, column_alias in compiler.select] != list(fields):
            raise ImproperlyConfigured("A compiled query selects other columns than its fields, or in another order.")
        # Where each value goes: a name's marker is that name's id; anything else is a constant of the query.
        slots = [(markers.get(p) if type(p) is int else None, p) for p in params]
        missing = set(self._names) - {name for name, _ in slots}
        if missing:
            raise ImproperlyConfigured(f"A compiled query does not use {sorted(missing)}.")
        expressions = [column for column, _sql, _alias in compiler.select]
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
            _execute(connection, cursor, sql, [p if name is None else ids[name] for name, p in slots])
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


logger = logging.getLogger(__name__)

# Where a connection (Django's, one per thread) notes the statements prepared on it, with the driver's connection they
# were prepared on: a new driver connection (after a restart, say) starts with none.
_PREPARED_ATTRIBUTE = "_compiled_prepared"


def _prepared_on(connection, raw) -> set[str]:
    noted = getattr(connection, _PREPARED_ATTRIBUTE, None)
    if noted is None or noted[0] is not raw:
        noted = (raw, set())
        setattr(connection, _PREPARED_ATTRIBUTE, noted)
    return noted[1]


def forget_prepared(connection) -> None:
    """Forget which statements this connection has prepared (the server may still have them)."""
    if hasattr(connection, _PREPARED_ATTRIBUTE):
        delattr(connection, _PREPARED_ATTRIBUTE)


_PLACEHOLDER = re.compile(r"%[s%]")


def _prepared_form(sql: str) -> tuple[str, str]:
    """A statement's name (from its text, so one name is only ever one statement, on whatever connection) and its
    text with $1, $2, ... where the driver would put each value."""
    numbers = iter(range(1, sql.count("%s") + 1))
    text = _PLACEHOLDER.sub(lambda m: "%" if m[0] == "%%" else f"${next(numbers)}", sql)
    return "compiled_" + hashlib.sha256(sql.encode()).hexdigest()[:24], text


def _execute(connection, cursor, sql: str, params: list) -> None:
    """`cursor.execute(sql, params)`, as a statement prepared on the server where that is safe: PostgreSQL, outside
    a transaction (a statement that fails there harms nothing), with DATABASE_PREPARED_STATEMENTS on."""
    raw = connection.connection
    if (
        connection.vendor != "postgresql"
        or raw is None
        or connection.in_atomic_block
        or not getattr(settings, "DATABASE_PREPARED_STATEMENTS", True)
    ):
        cursor.execute(sql, params)
        return
    from psycopg2 import errors  # type: ignore[import-untyped]  # noqa: PLC0415 - only where it is the database

    name, text = _prepared_form(sql)
    prepared = _prepared_on(connection, raw)
    if name not in prepared:
        try:
            with raw.cursor() as own:  # bookkeeping, as Django's own time zone and health checks are
                own.execute(f"PREPARE {name} AS {text}")
        except errors.DuplicatePreparedStatement:
            pass  # prepared before on this server connection: the same name is the same statement
        prepared.add(name)
    try:
        cursor.execute(f"EXECUTE {name}({', '.join(['%s'] * len(params))})" if params else f"EXECUTE {name}", params)
    except DatabaseError as exc:
        if not isinstance(exc.__cause__, errors.InvalidSqlStatementName):
            raise
        # Gone from under us (a pooler handed the statement to another server connection): plain SQL this time.
        logger.warning("A prepared statement was not found on its connection; running it unprepared.")
        prepared.discard(name)
        cursor.execute(sql, params)


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
            _execute(connection, cursor, sql, params)


class _JSONRow(JSONArray):
    """A row as a JSON array. On PostgreSQL as `json`, not Django's `jsonb` with a cast for each value: the row is only
    text on its way to the page, and building jsonb took the access check a fifth longer."""

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSON_BUILD_ARRAY", **extra_context)


class JSONRows(Subquery):
    """Every row of an ordered queryset, as one JSON text beside each row of the query it annotates: so that a page's
    one row and the list beside it come in one statement (a compiled query may carry it). `read(text)` gives the
    rows back as tuples of Python values, in the queryset's order, as `values_list(*fields)` would give them.

    Each row is a JSON array of `fields`, numbered by ROW_NUMBER() over the queryset's own ordering: the database
    orders them as the ORM would (its collation included), and the order survives an aggregate that keeps none."""

    output_field = TextField()

    def __init__(self, queryset: QuerySet, *fields: str) -> None:
        ordering = queryset.query.order_by
        if not ordering:
            raise ImproperlyConfigured("JSONRows needs an ordered queryset.")
        self._converters = [_json_converter(_field_at(queryset.model, path)) for path in fields]
        numbered = (
            queryset.order_by()
            .annotate(json_row=_JSONRow(*fields), row_number=Window(RowNumber(), order_by=list(ordering)))  # type: ignore[arg-type]
            .values("json_row", "row_number")
        )
        super().__init__(numbered)

    def as_sql(self, compiler, connection, template=None, **extra_context):
        inner, params = super().as_sql(compiler, connection, **extra_context)
        if connection.vendor == "postgresql":
            numbered = 'json_build_array(r."row_number", r."json_row") ORDER BY r."row_number"'
            rows = f"COALESCE(json_agg({numbered}), '[]')::text"
        else:
            rows = """COALESCE(json_group_array(json_array(r."row_number", json(r."json_row"))), '[]')"""
        return f"(SELECT {rows} FROM {inner} r)", params

    def read(self, text: str) -> RowsAsRead:
        """The rows in `text`, made into values only when asked."""
        return RowsAsRead(text, self._converters)


class RowsAsRead:
    """Rows read beside a query (JSONRows): the JSON as the database sent it (`text`, which names every value: a
    digest of it stands for them all), and the rows made from it only when asked, whole or one column at a time."""

    def __init__(self, text: str, converters: list[Callable[[Any], Any]]) -> None:
        self.text = text
        self._converters = converters

    @cached_property
    def _values(self) -> list[list]:
        return [row for _n, row in sorted(json.loads(self.text), key=lambda pair: pair[0])]

    @cached_property
    def rows(self) -> list[tuple]:
        return [
            tuple(None if v is None else convert(v) for convert, v in zip(self._converters, row, strict=True))
            for row in self._values
        ]

    def column(self, index: int) -> list:
        convert = self._converters[index]
        return [None if row[index] is None else convert(row[index]) for row in self._values]

    def __len__(self) -> int:
        return len(self._values)


def _aware(value: str):
    parsed = parse_datetime(value)
    if parsed is None:
        raise ValueError(f"not a date and time: {value!r}")
    return parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=UTC)  # SQLite keeps UTC, without saying


def _date(value: str):
    parsed = parse_date(value)
    if parsed is None:
        raise ValueError(f"not a date: {value!r}")
    return parsed


def _field_at(model: type[models.Model], path: str) -> models.Field:
    """The field a values_list path names ("team__name", "service_id")."""
    *relations, last = path.split("__")
    for name in relations:
        model = model._meta.get_field(name).related_model  # type: ignore[assignment]
    field = model._meta.pk if last == "pk" else model._meta.get_field(last)
    if not isinstance(field, models.Field):
        raise ImproperlyConfigured(f"{path} is not a column.")
    return field


def _json_converter(field: models.Field) -> Callable[[Any], Any]:
    """How a field comes back from JSON as the ORM gives it; a field of another kind is refused."""
    if isinstance(field, models.ForeignKey):
        field = field.target_field
    if isinstance(field, models.DateTimeField):
        return _aware
    if isinstance(field, models.DateField):
        return _date
    if isinstance(field, models.BooleanField):
        return bool
    if isinstance(field, models.IntegerField):
        return int
    if isinstance(field, models.CharField | models.TextField):
        return str
    raise ImproperlyConfigured(f"JSONRows cannot read back a {type(field).__name__}.")
