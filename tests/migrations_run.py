"""The database at an earlier migration, for the tests of a data migration."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.apps.registry import Apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


@contextmanager
def schema_at(target: list[tuple[str, str]]) -> Iterator[Apps]:
    """The database migrated back to `target`, and the models as they were then (to write rows as the previous
    release did). On leaving, whatever happened, it is migrated forward to the newest migration again."""
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        migrate(target)
        yield MigrationExecutor(connection).loader.project_state(target).apps
    finally:
        migrate(leaves)


def migrate(target: list[tuple[str, str]]) -> None:
    """Migrate the database forward or back to `target`, with a fresh look at the migration graph."""
    MigrationExecutor(connection).migrate(target)
