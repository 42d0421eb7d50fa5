"""The cast: a service, a team, a practitioner, a teammate, a lead, a service lead and an outsider."""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from contextlib import nullcontext
from datetime import UTC, datetime, time, timedelta
from urllib.parse import urlencode

import pytest
import time_machine
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone

from assessments.core.periods import Period, latest_shown_period
from assessments.core.steps import STEPS
from assessments.models import CheckIn, Membership, QuestionSet, Role, Service, ServiceLead, Team
from assessments.practitioner.checkins import checkin_save_step, checkin_start, checkin_submit
from assessments.practitioner.questions import question_set_load, questions_by_phase

PASSWORD = "a-long-test-password-1"
# The cast joined their teams long ago, so their check-ins count in every period a test uses (a practitioner
# counts in a team's figures from the first whole period after joining).
JOINED = datetime(2023, 1, 2, 9, 0, tzinfo=UTC)


FORM = "application/x-www-form-urlencoded"


class BrowserClient(Client):
    """Posts a dict as a browser posts a form without a file input: URL-encoded.

    Django's test client sends multipart bodies by default, and the app refuses every multipart body with a 413 (it
    takes no uploads: tests/web/test_request_limits.py), so tests post what a browser would.
    """

    def post(self, path, data=None, content_type=FORM, **extra):
        if content_type == FORM and not isinstance(data, str | bytes):
            data = urlencode(data or {}, doseq=True)
        return super().post(path, data, content_type=content_type, **extra)


@pytest.fixture
def client() -> BrowserClient:
    return BrowserClient()


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def make_user(username: str, **extra) -> User:
    return User.objects.create_user(username=username, password=PASSWORD, email=f"{username}@example.nhs.uk", **extra)


# --- the cast -----------------------------------------------------------------------------------------------------
# Each fixture below builds one member of the cast with the function beside it. Worlds built once per module (see
# `module_db`) call the functions, so both kinds of test meet the same people.


def new_service() -> Service:
    return Service.objects.create(name="Riverside Talking Therapies")


def new_team(service: Service, name: str = "North team") -> Team:
    return Team.objects.create(service=service, name=name)


def new_member(team: Team, username: str, first_name: str, role: str = Role.PRACTITIONER, joined=JOINED) -> User:
    """A new person in `team`; `joined=None` means they joined just now."""
    user = make_user(username, first_name=first_name)
    Membership.objects.create(user=user, team=team, role=role, **({"created_at": joined} if joined else {}))
    return user


def new_practitioner(team: Team) -> User:
    return new_member(team, "priya", "Priya")


def new_teammate(team: Team) -> User:
    return new_member(team, "tom", "Tom")


def new_lead(team: Team) -> User:
    return new_member(team, "leah", "Leah", Role.LEAD, joined=None)


def new_other_lead(other_team: Team) -> User:
    return new_member(other_team, "oscar", "Oscar", Role.LEAD, joined=None)


def new_admin() -> User:
    return User.objects.create_superuser("ada", "ada@example.nhs.uk", PASSWORD)


@pytest.fixture
def question_set(db) -> QuestionSet:
    return question_set_load()[0]


@pytest.fixture
def service(db) -> Service:
    return new_service()


@pytest.fixture
def team(service) -> Team:
    return new_team(service)


@pytest.fixture
def other_team(service) -> Team:
    return new_team(service, "South team")


@pytest.fixture
def practitioner(team, question_set) -> User:
    return new_practitioner(team)


@pytest.fixture
def teammate(team, question_set) -> User:
    return new_teammate(team)


@pytest.fixture
def lead(team) -> User:
    return new_lead(team)


@pytest.fixture
def service_lead(service) -> User:
    """Leads the whole service: sees every team's summary and the service's own."""
    user = make_user("sasha", first_name="Sasha")
    ServiceLead.objects.create(user=user, service=service)
    return user


@pytest.fixture
def other_lead(other_team) -> User:
    return new_other_lead(other_team)


@pytest.fixture
def outsider(db) -> User:
    return make_user("olive", first_name="Olive")


@pytest.fixture
def admin_user(db) -> User:
    return new_admin()


FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def module_db(django_db_setup, django_db_blocker):
    """Rows built once for every test in a module, as Django's `setUpTestData` builds them once per TestCase class.

    Yields `build(builder)`: it runs `builder()` inside a transaction that stays open until the module's last test
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
        # The autouse settings fixtures are per test, so they have not run yet: hash passwords fast here too.
        with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS):
            return builder()

    yield build
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


def questions_for(question_set: QuestionSet, phase_slug: str):
    return questions_by_phase(question_set).get(phase_slug, [])


def step_post(question_set: QuestionSet, phase_slug: str, value: int | None = 3, **extra) -> dict:
    """A valid POST body answering every statement of a phase with one value."""
    data = {f"q_{q.pk}": str(value) for q in questions_for(question_set, phase_slug)} if value else {}
    data.update({"reflection": "", **extra})
    return data


# Every signed-in request saves the session, so the 30-minute idle timeout slides. Inside a test's
# transaction that save is an UPDATE wrapped in a savepoint: three statements. Query pins add it explicitly.
SESSION_SAVE = 3
# Every signed-in page's menu asks once what this person can use (assessments/web/context_processors.py).
MENU = 1


# --- building check-ins through the real write path ------------------------------------------------------------

_SECONDS = itertools.count()


def moment_in(period: Period) -> datetime:
    """A moment inside `period` (its third day, mid-afternoon), one second later at each call."""
    start = timezone.make_aware(datetime.combine(period.start, time(14, 37)))
    return start + timedelta(days=2, seconds=next(_SECONDS))


def shown_moment() -> datetime:
    """A moment in the newest period leads can see (the last one that has ended)."""
    return moment_in(latest_shown_period())


def submit_checkin(
    user: User,
    team: Team,
    values: Mapping[str, int] | None = None,
    *,
    default: int = 3,
    when: datetime | None = None,
    reflections: Mapping[str, str] | None = None,
) -> CheckIn:
    """A sent check-in: every statement answered with its dimension's value in `values` (else `default`).

    `reflections` maps a phase slug to its private reflection. With `when`, the whole check-in is written with
    the clock at that moment (time-machine, as the tests across time move it), so it is sent then and counts in
    that moment's periods exactly as a real send then would.
    """
    values, reflections = values or {}, reflections or {}
    with time_machine.travel(when, tick=False) if when is not None else nullcontext():
        checkin = checkin_start(user=user, team=team)
        by_phase = questions_by_phase(checkin.question_set)
        for step in STEPS[:3]:
            answers = {q.pk: values.get(q.dimension, default) for q in by_phase[step.slug]}
            checkin_save_step(checkin=checkin, step=step, answers=answers, reflection=reflections.get(step.slug, ""))
        return checkin_submit(checkin=checkin)


def people_in(team: Team, count: int, prefix: str | None = None) -> list[User]:
    """`count` new practitioners in the team."""
    prefix = prefix or f"t{team.pk}p"
    users = [make_user(f"{prefix}{i}") for i in range(count)]
    Membership.objects.bulk_create(
        Membership(user=u, team=team, role=Role.PRACTITIONER, created_at=JOINED) for u in users
    )
    return users


def contributions(team: Team, count: int, values=None, when=None, prefix=None) -> list[User]:
    """`count` new practitioners who each sent one check-in, by default in the newest period leads can see."""
    users = people_in(team, count, prefix)
    for user in users:
        submit_checkin(user, team, values, when=when or shown_moment())
    return users


def chart_svg(html: str, chart_id: str) -> str:
    """The one line chart on a page whose title has the id `<chart_id>-title` (see partials/line_chart.html)."""
    charts = re.findall(r"<svg\b.*?</svg>", html, flags=re.DOTALL)
    found = [svg for svg in charts if f'aria-labelledby="{chart_id}-title"' in svg]
    assert len(found) == 1, (chart_id, len(found))
    return found[0]
