"""Rows built once for every test in a module, as Django's `setUpTestData` builds them once per TestCase class."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.test import override_settings

from tests.fast_settings import FAST_PASSWORD_HASHERS, TEST_WORDS_KEYS


@contextmanager
def rows_for_module(django_db_blocker) -> Iterator[Callable[[Callable[[], Any]], Any]]:
    """Yields `build(builder)`: it runs `builder()` inside a transaction that stays open until the module's last test
    has run and is then rolled back. Every test of the module sees the rows; what a test changes is still rolled back
    at its end, since pytest-django's transaction per test nests inside this one. For modules whose tests use `db`
    only: `transactional_db` and `live_server` commit and flush, which would end it. Hand each test a
    `copy.deepcopy` of what `build` returned (as `setUpTestData` does), so an object changed in memory by one test
    (`force_login` sets `last_login`, say) is fresh for the next.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()

    def build(builder):
        # The autouse settings fixture is per test, so it has not run yet: hash passwords fast and seal words with
        # the tests' keys here too (a run whose settings were read before the root conftest.py set the key, under
        # `python -m cProfile -m pytest` say, would otherwise seal this module's words under another).
        with (
            django_db_blocker.unblock(),
            override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS, PRIVATE_WORDS_KEYS=TEST_WORDS_KEYS),
        ):
            return builder()

    try:
        yield build
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
