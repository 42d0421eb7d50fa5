import os

import pytest

# Playwright runs an event loop in the test thread; Django's ORM refuses to run
# there unless told it is safe (it is: tests are single-threaded).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# A fixed key for sealing private words in tests (it guards nothing: never use it anywhere else). The settings are
# loaded before this file, so the fixture below puts it in place; the variable is for the subprocesses some tests
# start with DEBUG off, which refuse to start without one.
TEST_PRIVATE_WORDS_KEY = "dGVzdHMtb25seS1wcml2YXRlLXdvcmRzLWtleS0zMmI="
os.environ.setdefault("PRIVATE_WORDS_KEYS", TEST_PRIVATE_WORDS_KEY)


@pytest.fixture(autouse=True)
def _test_settings(settings):
    """Two production settings that get in the way of ordinary tests; tests/web/test_security.py covers both.

    Argon2 takes about 0.1 s per password by design, and tests create hundreds of users. Login throttling
    (django-axes) refuses `client.login()`, which passes no request; tests about throttling switch it back on.
    Private words are sealed with the fixed test key (or PRIVATE_WORDS_KEYS, if the run sets it).
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *settings.PASSWORD_HASHERS]
    settings.AXES_ENABLED = False
    settings.PRIVATE_WORDS_KEYS = [key.strip() for key in os.environ["PRIVATE_WORDS_KEYS"].split(",") if key.strip()]


# Modules whose tests take seconds each (servers started in a subprocess, weeks of simulated nights, hypothesis).
# They run first, so that the last tests handed out to the two workers are short and both finish together.
SLOW_MODULES_FIRST = [
    "tests/web/test_serve.py",
    "tests/leads/test_anonymity_over_time.py",
    "tests/web/test_security.py",
    "tests/leads/test_reidentification.py",
    "tests/leads/test_summaries.py",
    "tests/web/test_fuzz_forms.py",
]


def pytest_collection_modifyitems(config, items):
    """Under `pytest -n 2 --dist loadgroup` (make test), each browser module runs whole in one worker (its world,
    built once, and its browser stay with it) and the rest of the suite fills in around them, slow modules first
    (each module's tests stay together and in order)."""
    for item in items:
        if item.nodeid.startswith("tests/browser/"):
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))
    first = {path: n for n, path in enumerate(SLOW_MODULES_FIRST)}
    items.sort(key=lambda item: first.get(item.nodeid.split("::")[0], len(first)))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """`--dist loadgroup`, keeping each browser module together even where xdist cannot see the mark.

    With pytest 9.2, xdist 3.8 writes the group into a node id field pytest no longer reads
    (pytest-dev/pytest-xdist#1386), so the mark above has no effect. This scheduler finds the group from the path
    as well. The largest work units are handed out first (xdist's default --loadscope-reorder). One group for all
    the browser tests kept one worker busy for 70 s while the other ran out of work (123 s in all, quiet machine);
    a group per module lets both workers share them (103 s)."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    class BrowserGroupScheduling(LoadGroupScheduling):
        def _split_scope(self, nodeid: str) -> str:
            if nodeid.startswith("tests/browser/"):
                return nodeid.split("::")[0]
            return super()._split_scope(nodeid)

    return BrowserGroupScheduling(config, log)
