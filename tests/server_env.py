"""The environment and settings a server process of the app would start with."""

from __future__ import annotations

import os
import runpy
import secrets
from collections.abc import Mapping
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

SETTINGS_FILE = Path(__file__).resolve().parents[1] / "resilience_site" / "settings.py"


def settings_read(env: Mapping[str, str], *, drop: tuple[str, ...] = ()) -> SimpleNamespace:
    """The settings module run afresh in this process, with `env` over this process's environment (less the names
    in `drop`): what a server starting with that environment reads. A bad value raises the ImproperlyConfigured
    that stops start-up; tests/web/test_accounts.py shows it ending a real process with its message. The settings
    the tests run on are untouched. (A new Python process for each of these cost about a second of CPU.)"""
    environ = {name: value for name, value in os.environ.items() if name not in drop}
    with mock.patch.dict(os.environ, {**environ, **env}, clear=True):
        return SimpleNamespace(**runpy.run_path(str(SETTINGS_FILE)))


def production_env(tmp_path: Path, **variables: str) -> dict[str, str]:
    """The variables a production server starts with (DEBUG off, a secret key and host of its own, a database in
    tmp_path), with `variables` over them: for settings_read, or beside os.environ for a new process."""
    return {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "checkin.example.nhs.uk",
        "SITE_URL": "https://checkin.example.nhs.uk",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        **variables,
    }


def app_process_env(env: Mapping[str, str]) -> dict[str, str]:
    """This process's environment for a new process of the app, with `env` over it. Without the tests' permission
    for the ORM inside Playwright's event loop: a server never has it."""
    inherited = {name: value for name, value in os.environ.items() if name != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {**inherited, "DJANGO_SETTINGS_MODULE": "resilience_site.settings", **env}
