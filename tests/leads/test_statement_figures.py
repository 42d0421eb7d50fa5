"""Statement-level figures: what each counting check-in passes on, and what leads may see of it."""

from datetime import timedelta

from django.utils import timezone

from assessments.core.framework import DIMENSIONS_BY_SLUG
from assessments.models import CheckIn, Question, StatementEntry
from assessments.practitioner.checkins import checkin_delete
from tests.conftest import submit_checkin

ALL_KINDS = {"hp_worn_out": 5, "hp_low": 5, "leave_thoughts": 4, "worked_over": 3, "supervision_happened": 2}


def test_only_systemic_frequency_and_intention_statements_are_passed_on(practitioner, team, question_set):
    submit_checkin(practitioner, team, ALL_KINDS)
    codes = set(StatementEntry.objects.values_list("code", flat=True))
    passed = {
        q.code
        for q in question_set.questions.all()
        if q.kind in ("frequency", "intention") or (q.kind == "scored" and DIMENSIONS_BY_SLUG[q.dimension].is_systemic)
    }
    assert codes == passed
    assert not codes & {"hp_worn_out", "hp_low"}  # how the person is never leaves them
    assert not codes & set(Question.objects.filter(dimension="individual_values").values_list("code", flat=True))
    # One entry per period kind (month and quarter), each holding the answer.
    assert set(StatementEntry.objects.filter(code="leave_thoughts").values_list("value", flat=True)) == {4}


def test_statement_entries_follow_the_counting_check_in_and_go_with_it(practitioner, team, question_set):
    earlier = submit_checkin(practitioner, team, {"worked_over": 1}, when=timezone.now() - timedelta(minutes=30))
    later = submit_checkin(practitioner, team, {"worked_over": 5})
    assert set(StatementEntry.objects.filter(code="worked_over").values_list("value", flat=True)) == {5}
    checkin_delete(checkin=CheckIn.objects.get(pk=later.pk))
    assert set(StatementEntry.objects.filter(code="worked_over").values_list("value", flat=True)) == {1}
    checkin_delete(checkin=CheckIn.objects.get(pk=earlier.pk))
    assert not StatementEntry.objects.exists()
