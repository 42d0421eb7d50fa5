"""Statement-level figures: what each counting check-in passes on, and what leads may see of it."""

import csv
import io
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from assessments.core.framework import DIMENSIONS_BY_SLUG
from assessments.models import CheckIn, Question, StatementEntry
from assessments.practitioner.checkins import checkin_delete
from tests.conftest import contributions, people_in, shown_moment, spread, submit_checkin

ALL_KINDS = {"hp_worn_out": 5, "hp_low": 5, "leave_because_of_work": 4, "worked_over": 3, "supervision_happened": 2}


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
    assert set(StatementEntry.objects.filter(code="leave_because_of_work").values_list("value", flat=True)) == {4}


def test_statement_entries_follow_the_counting_check_in_and_go_with_it(practitioner, team, question_set):
    earlier = submit_checkin(practitioner, team, {"worked_over": 1}, when=timezone.now() - timedelta(minutes=30))
    later = submit_checkin(practitioner, team, {"worked_over": 5})
    assert set(StatementEntry.objects.filter(code="worked_over").values_list("value", flat=True)) == {5}
    checkin_delete(checkin=CheckIn.objects.get(pk=later.pk))
    assert set(StatementEntry.objects.filter(code="worked_over").values_list("value", flat=True)) == {1}
    checkin_delete(checkin=CheckIn.objects.get(pk=earlier.pk))
    assert not StatementEntry.objects.exists()


def _team_page(client, lead, team):
    client.force_login(lead)
    return client.get(reverse("leads:team_summary_current", args=[team.pk]), follow=True)


def test_a_lead_sees_each_systemic_statement_and_the_hotspot_names_the_one_that_drives_it(
    client, lead, team, question_set
):
    # Twelve colleagues under high pressure: two in three strongly agree the caseload is relentless, half strongly
    # agree with each other pressure (and half are neutral);
    # for half of them all planned supervision went ahead, for the others about half of it.
    for i, person in enumerate(people_in(team, 12)):
        answers = spread({"systemic_pressures": 4, "supervision_happened": 4}, i, 12)
        default = answers.pop("default")
        submit_checkin(person, team, {**answers, "sp_volume": 5 if i < 8 else 2}, default=default, when=shown_moment())
    page = _team_page(client, lead, team)
    html = page.content.decode()
    volume = question_set.questions.get(code="sp_volume").text
    assert "Mostly: 67% of the 12 who answered agreed that “" + volume in html
    assert "67% agreed, 33% disagreed (12 answered)" in html
    assert "About half 50%" in html and "All of it 50%" in html  # a frequency, in its own words, not in a dimension
    period = page.resolver_match.kwargs["period"]
    body = client.get(reverse("leads:team_summary_statements_export", args=[team.pk, period])).content.decode()
    rows = {r["code"]: r for r in csv.DictReader(io.StringIO(body)) if r["scope"] == "North team"}
    assert rows["sp_volume"]["answered"] == "12" and rows["sp_volume"]["answer_5"] == "67"
    assert "hp_low" not in rows and "ic_risk" not in rows  # how a person is, and individual statements: never


def test_below_the_share_threshold_a_statement_says_why_and_shows_no_share(client, lead, team, question_set):
    contributions(team, 9, {"sp_volume": 5})
    html = _team_page(client, lead, team).content.decode()
    volume = question_set.questions.get(code="sp_volume").text
    after = html.split(volume, 1)[1][:250]
    assert "Shares are shown when at least 10 people answered" in after and "%" not in after
    assert "Mostly:" not in html
