import gc
import os

import pytest

# Playwright runs an event loop in the test thread; Django's ORM refuses to run
# there unless told it is safe (it is: tests are single-threaded).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# A fixed key for sealing private words in tests (it guards nothing: never use it anywhere else). The settings may
# be read before this file, so tests/conftest.py puts it in place for each test; the variable is also for the
# subprocesses some tests start with DEBUG off, which refuse to start without one.
TEST_PRIVATE_WORDS_KEY = "dGVzdHMtb25seS1wcml2YXRlLXdvcmRzLWtleS0zMmI="
os.environ.setdefault("PRIVATE_WORDS_KEYS", TEST_PRIVATE_WORDS_KEY)


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
    (each module's tests stay together and in order).

    Every browser module is handed out before the rest. pytest-django (whose hook runs before this one) puts tests
    with a live server after the others, so xdist's largest-first order left the one-test browser modules (5 to 7 s
    each) to the end, where one worker ran three of them while the other had finished (a 9 s tail on a 104 s run).
    The order is set here, in each worker's own collection, because xdist hands out tests by their place in it."""
    for item in items:
        if item.nodeid.startswith("tests/browser/"):
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))
    first = {path: n for n, path in enumerate(SLOW_MODULES_FIRST)}
    items.sort(
        key=lambda item: (
            not item.nodeid.startswith("tests/browser/"),
            first.get(item.nodeid.split("::")[0], len(first)),
        )
    )


def pytest_collection_finish(session):
    """Python's cyclic garbage collector, tuned for a test run: what is loaded by now (Django, Playwright,
    hypothesis, every test module) stays for the whole run, so it is frozen out of the collector's reach, and the
    youngest generation is collected after 10,000 new objects rather than 700. The ORM makes many short-lived
    objects: in one process the collector ran 6,800 times for about 4 s, and now runs about 600 times for under 2 s.
    Three runs of the whole suite each way, taking turns: 98.4, 103.3, 103.0 s before; 96.0, 96.5, 99.5 s after.
    Nothing a test checks depends on when the collector runs."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


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
