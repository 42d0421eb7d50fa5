"""How the suite is ordered and marked for a run: a pytest plugin (the root conftest.py lists it in `pytest_plugins`),
using pytest's and pytest-xdist's public interfaces only.

`make` runs pytest with `-n 2 --dist loadfile --no-loadscope-reorder`: each test module runs whole in one of the two
processes, and modules are handed out in the order of the collection, which this plugin sets. So a browser module
keeps its world (built once) and its browser in one process, and so does every module that builds its world once
(`module_db`). The previous way, a scheduler subclass overriding a private method of xdist's LoadGroupScheduling,
was needed only because xdist 3.8's `xdist_group` mark has no effect under pytest 9.2 (pytest-dev/pytest-xdist#1386);
`loadfile` needs no mark. Without xdist (`-p no:xdist`) the same order is simply run in one process.

Tests that need the test OpenID Connect provider (the `oidc_provider` fixture: a Node process and a live server)
are marked `slow` here, so that a new one cannot forget it.
"""

from __future__ import annotations

import pytest

# Browser modules are handed out first: pytest-django puts tests with a live server last, where a one-test browser
# module (5 to 7 s) left one process busy after the other had finished. Then the modules that take longest, so that
# the last modules handed out are short and both processes finish together. Paths from the rootdir.
LONGEST_FIRST = [
    # make test-slow's
    "tests/web/test_restore_drill.py",
    "tests/web/test_cluster_failover.py",
    "tests/leads/test_auditor_oracle.py",
    "tests/leads/test_oracle_finds_todays_leaks.py",
    "tests/leads/test_anonymity_over_time.py",
    "tests/web/test_fuzz_forms.py",
    "tests/core/test_feedback.py",
    "tests/web/test_serve.py",
    # make test-fast's (measured with --durations)
    "tests/leads/test_summaries.py",
    "tests/web/test_access_matrix.py",
    "tests/leads/test_reidentification.py",
    "tests/leads/test_move_obstacles.py",
    "tests/leads/test_auditor.py",
    "tests/leads/test_team_voice.py",
    "tests/practitioner/test_checkin_flow.py",
]
SLOW_FIXTURES = {"oidc_provider"}


def module_of(item: pytest.Item) -> str:
    return item.nodeid.split("::")[0]


def pytest_itemcollected(item: pytest.Item) -> None:
    """Marked as each test is collected, before `-m` chooses among them."""
    if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
        item.add_marker(pytest.mark.slow)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """After pytest-django's own ordering (and `-m`, `-k`): browser modules first, then the longest."""
    place = {path: n for n, path in enumerate(LONGEST_FIRST)}
    # A stable sort: each module's tests stay together and in their order.
    items.sort(
        key=lambda item: (not module_of(item).startswith("tests/browser/"), place.get(module_of(item), len(place)))
    )
