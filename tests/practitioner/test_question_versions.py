"""Editing questions must not change the meaning of past check-ins."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from assessments.core.framework import PHASES, get_dimension
from assessments.core.steps import STEPS_BY_SLUG
from assessments.models import Question, QuestionSet
from assessments.practitioner.questions import (
    DEFAULT_QUESTION_FILE,
    FIRST_EDITION_FILE,
    SECOND_EDITION_FILE,
    active_question_set,
    question_set_activate,
    question_set_load,
    questions_by_step,
)
from tests.admin_forms import admin_form
from tests.conftest import submit_checkin


def test_loading_the_question_set_twice_changes_nothing(question_set):
    count = Question.objects.count()
    again, created = question_set_load()
    assert not created and again == question_set and Question.objects.count() == count


def test_each_statement_is_asked_on_its_phases_page_dimension_by_dimension(question_set):
    grouped = questions_by_step(question_set)
    assert [STEPS_BY_SLUG[slug].phase.slug for slug in grouped] == [p.slug for p in PHASES]
    for slug, questions in grouped.items():
        step = STEPS_BY_SLUG[slug]
        order = [d.slug for d in step.dimensions]
        assert questions and [order.index(q.dimension) for q in questions] == sorted(
            order.index(q.dimension) for q in questions
        )
        assert all(q.phase_slug == step.phase.slug == get_dimension(q.dimension).phase_slug for q in questions)
    assert sum(len(qs) for qs in grouped.values()) == question_set.questions.count()


def test_a_check_in_keeps_the_version_it_was_answered_on(practitioner, team, question_set):
    checkin = submit_checkin(practitioner, team, {})
    v2 = QuestionSet.objects.create(version=question_set.version + 1, title="Second edition")
    QuestionSet.objects.filter(pk=question_set.pk).update(is_active=False)
    QuestionSet.objects.filter(pk=v2.pk).update(is_active=True)
    checkin.refresh_from_db()
    assert checkin.question_set == question_set


def test_the_admin_locks_the_wording_of_a_version_in_use(client, admin_user, practitioner, team, question_set):
    submit_checkin(practitioner, team, {})
    client.force_login(admin_user)
    question = question_set.questions.first()
    url = reverse("admin:assessments_questionset_change", args=[question_set.pk])
    html = client.get(url).content.decode()
    assert 'name="questions-0-text"' not in html  # shown read-only
    assert question.text.replace("'", "&#x27;") in html


@pytest.mark.parametrize(
    ("edition", "kept"),
    [
        (SECOND_EDITION_FILE, {"reverse_keyed": True}),  # which way each statement scores
        (DEFAULT_QUESTION_FILE, {"does_not_apply": "No supervision was planned"}),  # its "does not apply" answer
    ],
)
def test_the_admin_can_copy_a_version_to_edit(client, admin_user, question_set, edition, kept):
    original, _ = question_set_load(path=edition, activate=False)
    client.force_login(admin_user)
    client.post(
        reverse("admin:assessments_questionset_changelist"),
        {"action": "copy_to_new_version", "_selected_action": [original.pk]},
    )
    copy = QuestionSet.objects.get(version=max(original.version, question_set.version) + 1)
    assert not copy.is_active
    fields = ["code", "dimension", "text", "order", "reverse_keyed", "kind", "scale", "source", "does_not_apply"]
    assert list(copy.questions.values_list(*fields)) == list(original.questions.values_list(*fields))
    assert copy.questions.filter(**kept).exists()


def _activate_in_the_admin(client, question_set: QuestionSet) -> None:
    response = client.post(
        reverse("admin:assessments_questionset_changelist"),
        {"action": "make_active", "_selected_action": [question_set.pk]},
    )
    assert response.status_code == 302


def test_the_active_box_on_the_admin_form_changes_nothing(client, admin_user, question_set):
    v1, _ = question_set_load(path=FIRST_EDITION_FILE, activate=False)
    client.force_login(admin_user)
    url = reverse("admin:assessments_questionset_change", args=[v1.pk])
    client.post(url, {**admin_form(client, url), "is_active": "on"})
    assert active_question_set() == question_set


def test_starting_the_server_keeps_the_set_an_administrator_made_active(client, admin_user, question_set):
    v1, _ = question_set_load(path=FIRST_EDITION_FILE, activate=False)
    client.force_login(admin_user)
    _activate_in_the_admin(client, v1)
    call_command("load_questions", stdout=StringIO())  # as `make serve` does at every start
    assert active_question_set() == v1
    assert QuestionSet.objects.filter(is_active=True).count() == 1


def test_on_a_fresh_database_the_loader_makes_the_newest_edition_active(db):
    QuestionSet.objects.all().delete()
    call_command("load_questions", stdout=StringIO())
    assert active_question_set().version == 3


def test_the_loader_makes_a_set_active_when_none_is(question_set):
    QuestionSet.objects.update(is_active=False)
    call_command("load_questions", stdout=StringIO())
    assert active_question_set() == question_set


def test_the_admin_and_the_function_make_a_set_active_alike(client, admin_user, question_set):
    v1, _ = question_set_load(path=FIRST_EDITION_FILE, activate=False)
    client.force_login(admin_user)
    _activate_in_the_admin(client, v1)
    by_admin = list(QuestionSet.objects.values_list("version", "title", "is_active"))
    question_set_activate(question_set=question_set)
    question_set_activate(question_set=v1)
    assert list(QuestionSet.objects.values_list("version", "title", "is_active")) == by_admin
    assert by_admin == [(3, question_set.title, False), (1, v1.title, True)]
