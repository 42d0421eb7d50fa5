"""Fixtures and hooks only: the cast, the client, the settings every test runs with, rows kept for a module, and the
OpenID Connect provider. Each fixture is a thin call to the helper module that holds what it builds (TESTING.md,
"Layout"); tests import helpers from those modules, never from here."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache, caches

from assessments.models import QuestionSet, Service, Team
from assessments.practitioner.questions import question_set_load
from tests import cast
from tests.clients import BrowserClient
from tests.fast_settings import use_test_settings
from tests.module_rows import rows_for_module
from tests.oidc import ProviderProcess, provider_running


@pytest.fixture(autouse=True)
def _test_settings(settings):
    use_test_settings(settings)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The organisation sign-in's throttle counts in the cache (assessments/web/sign_in.py): none from other tests. Nor
    pieces of pages another test rendered under its own settings (templates/base.html, docs/adr/0018), nor the stored
    parts it read (each test's database starts empty, so a part kept from another test would be for rows not there)."""
    cache.clear()
    caches["template_fragments"].clear()
    caches["published_parts"].clear()


@pytest.fixture
def client() -> BrowserClient:
    return BrowserClient()


# --- the cast (tests/cast.py) ---------------------------------------------------------------------------------------


@pytest.fixture
def question_set(db) -> QuestionSet:
    """The active question set, loaded as `manage.py load_questions` loads it."""
    return question_set_load()[0]


@pytest.fixture
def service(db) -> Service:
    return cast.new_service()


@pytest.fixture
def team(service) -> Team:
    return cast.new_team(service)


@pytest.fixture
def other_team(service) -> Team:
    return cast.new_team(service, "South team")


@pytest.fixture
def practitioner(team, question_set) -> User:
    return cast.new_practitioner(team)


@pytest.fixture
def teammate(team, question_set) -> User:
    return cast.new_teammate(team)


@pytest.fixture
def lead(team) -> User:
    return cast.new_lead(team)


@pytest.fixture
def service_lead(service) -> User:
    return cast.new_service_lead(service)


@pytest.fixture
def other_lead(other_team) -> User:
    return cast.new_other_lead(other_team)


@pytest.fixture
def outsider(db) -> User:
    return cast.new_outsider()


@pytest.fixture
def admin_user(db) -> User:
    return cast.new_admin()


@pytest.fixture(scope="module")
def module_db(django_db_setup, django_db_blocker):
    """`build(builder)`: rows built once for every test in the module (tests/module_rows.py)."""
    with rows_for_module(django_db_blocker) as build:
        yield build


@pytest.fixture(scope="session")
def oidc_provider(live_server, tmp_path_factory) -> Iterator[ProviderProcess]:
    """The test OpenID Connect provider (tests/oidc.py), started once per test session."""
    with provider_running(live_server.url, tmp_path_factory.mktemp("oidc")) as provider:
        yield provider
