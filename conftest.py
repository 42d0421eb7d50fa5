import os

import pytest

# Playwright runs an event loop in the test thread; Django's ORM refuses to run
# there unless told it is safe (it is: tests are single-threaded).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 takes about 0.1 s per password by design; tests create hundreds. Production settings are tested apart."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *settings.PASSWORD_HASHERS]
