"""System checks that need the database: run by `migrate` and `manage.py check --database default`."""

from __future__ import annotations

from django.core import checks
from django.core.exceptions import ImproperlyConfigured


@checks.register(checks.Tags.database)
def summary_period_unchanged(app_configs, databases=None, **kwargs) -> list[checks.CheckMessage]:
    if not databases:
        return []
    from assessments.leads.publication import refuse_a_changed_period_kind

    try:
        refuse_a_changed_period_kind()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="assessments.E001")]
    return []
