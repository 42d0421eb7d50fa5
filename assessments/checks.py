"""System checks that need the database: run by `migrate` and `manage.py check --database default`."""

from __future__ import annotations

from django.core import checks
from django.core.exceptions import ImproperlyConfigured


@checks.register(checks.Tags.database)
def summary_period_unchanged(app_configs, databases=None, **kwargs) -> list[checks.CheckMessage]:
    if not databases:
        return []
    from assessments.figures.publication import refuse_a_changed_period_kind

    try:
        refuse_a_changed_period_kind()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="assessments.E001")]
    return []


@checks.register(checks.Tags.database)
def private_words_open(app_configs, databases=None, **kwargs) -> list[checks.CheckMessage]:
    """A wrong PRIVATE_WORDS_KEYS stops `migrate` and `check --database default` before anyone reads a page."""
    if not databases:
        return []
    from django.db import DatabaseError, connection
    from django.db.migrations.recorder import MigrationRecorder

    from assessments.models.sealed import KEYS_VARIABLE, first_unopenable

    try:
        if ("assessments", "0007_seal_private_words") not in MigrationRecorder(connection).applied_migrations():
            return []  # the words are not sealed yet: `migrate` is about to seal them
        label = first_unopenable()
    except DatabaseError:
        return []  # no database yet: nothing stored to open
    if label is None:
        return []
    return [
        checks.Error(
            f"The private words in {label} cannot be opened with any key in {KEYS_VARIABLE}.",
            hint=f"Put the key they were sealed with back in {KEYS_VARIABLE} (newest first, comma-separated); "
            f"on a laptop without {KEYS_VARIABLE}, the key is the one in .private_words_key. "
            "See docs/deploy.md, 'Encryption keys'.",
            id="assessments.E002",
        )
    ]
