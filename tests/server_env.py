"""The environment and settings a server process of the app would start with."""

from __future__ import annotations

import os
import re
import runpy
import secrets
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
SETTINGS_FILE = ROOT / "resilience_site" / "settings.py"


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
        **variables,
    }


def app_process_env(env: Mapping[str, str]) -> dict[str, str]:
    """This process's environment for a new process of the app, with `env` over it. Without the tests' permission
    for the ORM inside Playwright's event loop: a server never has it."""
    inherited = {name: value for name, value in os.environ.items() if name != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {**inherited, "DJANGO_SETTINGS_MODULE": "resilience_site.settings", **env}


class Served:
    """scripts/serve running in a new process: its address, and every line it has written to stderr so far."""

    def __init__(self, process: subprocess.Popen, url: str, lines: list[str]) -> None:
        self.process, self.url, self.lines = process, url, lines


@contextmanager
def serving(env: Mapping[str, str], *, timeout: float = 90) -> Iterator[Served]:
    """scripts/serve as `make serve` runs it (gunicorn, DEBUG off unless `env` says), on any free port, with `env`
    over this process's environment; stopped at the end. Its stderr is read all along, so a full pipe never blocks
    it."""
    process = subprocess.Popen(
        [str(ROOT / "scripts" / "serve")],
        cwd=ROOT,
        env=app_process_env({"PY": sys.executable, "PORT": "0", **env}),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []
    listening = threading.Event()

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            lines.append(line)
            if "Listening at: " in line:
                listening.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        if not listening.wait(timeout):
            raise AssertionError(f"the server did not start listening within {timeout:.0f} s:\n{''.join(lines)}")
        url = next(re.search(r"Listening at: (http://\S+)", line)[1] for line in lines if "Listening at: " in line)
        yield Served(process, url, lines)
    finally:
        process.terminate()
        process.wait(timeout=30)
        reader.join(timeout=10)
        if process.stderr is not None:
            process.stderr.close()
