import gc
import os

# Playwright runs an event loop in the test thread; Django's ORM refuses to run
# there unless told it is safe (it is: tests are single-threaded).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# A fixed key for sealing private words in tests (it guards nothing: never use it anywhere else). The settings may
# be read before this file, so tests/conftest.py puts it in place for each test; the variable is also for the
# subprocesses some tests start with DEBUG off, which refuse to start without one.
TEST_PRIVATE_WORDS_KEY = "dGVzdHMtb25seS1wcml2YXRlLXdvcmRzLWtleS0zMmI="
os.environ.setdefault("PRIVATE_WORDS_KEYS", TEST_PRIVATE_WORDS_KEY)


# How the run is ordered and which tests are slow: tests/run_order.py.
pytest_plugins = ["tests.run_order"]


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
