"""The settings every test runs with: fast password hashing, no login throttling, the tests' key for private words,
static files by their plain names."""

from __future__ import annotations

import os

# The keys tests seal private words with: the fixed test key the root conftest.py sets, or PRIVATE_WORDS_KEYS if the
# run sets it.
TEST_WORDS_KEYS = [key.strip() for key in os.environ["PRIVATE_WORDS_KEYS"].split(",") if key.strip()]

# Argon2 takes about 0.1 s per password by design, and tests create hundreds of users.
FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def use_test_settings(settings) -> None:
    """Two production settings that get in the way of ordinary tests; tests/web/test_security.py covers both.

    Passwords are hashed fast (Argon2 stays second, so its hashes still check). Login throttling (django-axes)
    refuses `client.login()`, which passes no request; tests about throttling switch it back on. Private words are
    sealed with TEST_WORDS_KEYS. `live_server` serves static files by their unhashed names, so storage is plain.
    """
    settings.PASSWORD_HASHERS = [*FAST_PASSWORD_HASHERS, *settings.PASSWORD_HASHERS]
    settings.AXES_ENABLED = False
    settings.PRIVATE_WORDS_KEYS = TEST_WORDS_KEYS
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
