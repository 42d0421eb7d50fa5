"""The cast: a service, a team, a practitioner, a teammate, a lead and an outsider."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from assessments.core.framework import DIMENSIONS_BY_SLUG
from assessments.models import Membership, QuestionSet, Role, Service, Team
from assessments.practitioner.questions import question_set_load

PASSWORD = "a-long-test-password-1"


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def make_user(username: str, **extra) -> User:
    return User.objects.create_user(username=username, password=PASSWORD, email=f"{username}@example.nhs.uk", **extra)


@pytest.fixture
def question_set(db) -> QuestionSet:
    return question_set_load()[0]


@pytest.fixture
def service(db) -> Service:
    return Service.objects.create(name="Riverside Talking Therapies")


@pytest.fixture
def team(service) -> Team:
    return Team.objects.create(service=service, name="North team")


@pytest.fixture
def other_team(service) -> Team:
    return Team.objects.create(service=service, name="South team")


@pytest.fixture
def practitioner(team, question_set) -> User:
    user = make_user("priya", first_name="Priya")
    Membership.objects.create(user=user, team=team, role=Role.PRACTITIONER)
    return user


@pytest.fixture
def teammate(team, question_set) -> User:
    user = make_user("tom", first_name="Tom")
    Membership.objects.create(user=user, team=team, role=Role.PRACTITIONER)
    return user


@pytest.fixture
def lead(team) -> User:
    user = make_user("leah", first_name="Leah")
    Membership.objects.create(user=user, team=team, role=Role.LEAD)
    return user


@pytest.fixture
def other_lead(other_team) -> User:
    user = make_user("oscar", first_name="Oscar")
    Membership.objects.create(user=user, team=other_team, role=Role.LEAD)
    return user


@pytest.fixture
def outsider(db) -> User:
    return make_user("olive", first_name="Olive")


@pytest.fixture
def admin_user(db) -> User:
    return User.objects.create_superuser("ada", "ada@example.nhs.uk", PASSWORD)


def questions_for(question_set: QuestionSet, phase_slug: str):
    return [q for q in question_set.questions.all() if DIMENSIONS_BY_SLUG[q.dimension].phase_slug == phase_slug]


def step_post(question_set: QuestionSet, phase_slug: str, value: int | None = 3, **extra) -> dict:
    """A valid POST body answering every statement of a phase with one value."""
    data = {f"q_{q.pk}": str(value) for q in questions_for(question_set, phase_slug)} if value else {}
    data.update({"reflection": "", **extra})
    return data


# Every signed-in request saves the session, so the 30-minute idle timeout slides. Inside a test's
# transaction that save is an UPDATE wrapped in a savepoint: three statements. Query pins add it explicitly.
SESSION_SAVE = 3
