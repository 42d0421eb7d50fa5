import os

import pytest

# Playwright runs an event loop in the test thread; Django's ORM refuses to run
# there unless told it is safe (it is: tests are single-threaded).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _test_settings(settings):
    """Two production settings that get in the way of ordinary tests; tests/web/test_security.py covers both.

    Argon2 takes about 0.1 s per password by design, and tests create hundreds of users. Login throttling
    (django-axes) refuses `client.login()`, which passes no request; tests about throttling switch it back on.
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *settings.PASSWORD_HASHERS]
    settings.AXES_ENABLED = False


def pytest_collection_modifyitems(config, items):
    """Under `pytest -n 2 --dist loadgroup` (make test), the browser tests share one worker, so Chromium and the
    live server never compete with each other; the rest of the suite runs beside them in the other worker."""
    for item in items:
        if item.nodeid.startswith("tests/browser/"):
            item.add_marker(pytest.mark.xdist_group("browser"))
