"""Question set v2 beside v1: its kinds of statement, its recall window, and trends that span both versions.

v3 is the newest edition (tests/practitioner/test_question_set_v3.py); a service can still run v2, so these tests
load v2 and make it active, as such a service has it.
"""

import json
import re
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from assessments.core.framework import DIMENSIONS, StatementKind
from assessments.models import CheckIn, DimensionScore, QuestionSet
from assessments.practitioner.questions import FIRST_EDITION_FILE, SECOND_EDITION_FILE, question_set_load
from tests.conftest import contributions, submit_checkin

V2 = json.loads(SECOND_EDITION_FILE.read_text())
V1 = json.loads(FIRST_EDITION_FILE.read_text())
NOT_SCORED = {"hp_worn_out": 5, "hp_low": 5, "leave_thoughts": 5, "worked_over": 5, "supervision_happened": 1}


@pytest.fixture
def question_set(db) -> QuestionSet:
    """v2, active (this module's own: the cast's question set is the newest edition)."""
    return question_set_load(path=SECOND_EDITION_FILE)[0]


def test_v2_loads_beside_v1_and_v1_check_ins_keep_v1(practitioner, team, question_set):
    assert question_set.version == 2 and question_set.is_active
    v1, created = question_set_load(path=FIRST_EDITION_FILE)  # an older service: v1 in use
    old = submit_checkin(practitioner, team, when=timezone.now() - timedelta(days=40))
    question_set_load(path=SECOND_EDITION_FILE)  # then v2 arrives
    new = submit_checkin(practitioner, team)
    assert created and old.question_set == v1 and new.question_set == question_set
    assert QuestionSet.objects.get(is_active=True) == question_set
    assert set(QuestionSet.objects.values_list("version", flat=True)) == {1, 2}


def test_a_persons_trend_spans_both_versions_by_dimension(client, practitioner, team, question_set):
    question_set_load(path=FIRST_EDITION_FILE)
    submit_checkin(practitioner, team, {"systemic_pressures": 2}, when=timezone.now() - timedelta(days=40))
    question_set_load(path=SECOND_EDITION_FILE)
    latest = submit_checkin(practitioner, team, {"systemic_pressures": 4})
    client.force_login(practitioner)
    html = client.get(reverse("practitioner:trends")).content.decode()
    # Both check-ins are points on the line, whatever version each was answered on.
    assert html.count("25</td>") >= 1 and html.count("75</td>") >= 1
    profile = client.get(reverse("practitioner:checkin_detail", args=[latest.pk])).content.decode()
    assert "up 50" in profile  # v1's 25 to v2's 75 on the same dimension


def test_statements_that_are_not_scored_never_move_a_dimension_score(practitioner, teammate, team, question_set):
    calm = submit_checkin(practitioner, team)
    with_extremes = submit_checkin(teammate, team, NOT_SCORED)
    scores = lambda c: dict(DimensionScore.objects.filter(checkin=c).values_list("dimension", "score"))  # noqa: E731
    assert scores(calm) == scores(with_extremes) == {d.slug: 50.0 for d in DIMENSIONS}
    assert with_extremes.answers.filter(question__code__in=NOT_SCORED).count() == len(NOT_SCORED)


def test_v2_has_the_kinds_the_research_asks_for_each_mapped_to_a_dimension_and_a_source(question_set):
    kinds = Counter(question_set.questions.values_list("kind", flat=True))
    assert kinds[StatementKind.FREQUENCY] == 2 and kinds[StatementKind.INTENTION] == 1
    # "One or two optional statements about how the person is": v2 has these two.
    wellbeing = question_set.questions.filter(kind=StatementKind.WELLBEING).values_list("code", flat=True)
    assert sorted(wellbeing) == ["hp_low", "hp_worn_out"]
    assert all(q.source for q in question_set.questions.all())
    scored = Counter(question_set.questions.filter(kind="scored").values_list("dimension", flat=True))
    assert set(scored) == {d.slug for d in DIMENSIONS} and min(scored.values()) >= 3
    assert question_set.questions.filter(code="sp_say", reverse_keyed=True).exists()  # autonomy, worded positively


def test_v2_splits_v1s_double_barrelled_statements_and_rewords_sv_future():
    v2_from = Counter(q.get("from_v1") for q in V2["questions"])
    assert v2_from["ss_supervision"] == 2  # case-management and clinical supervision, asked apart
    assert v2_from["sv_culture"] == 2  # the manager, and the team
    texts = {q["code"]: q["text"] for q in V2["questions"]}
    assert "or the next one I want" in texts["sv_future"]  # moving on to high-intensity training is not poor culture
    v1_codes = {q["code"] for q in V1["questions"]}
    assert set(v2_from) - {None} <= v1_codes


def test_every_v2_statement_is_documented_with_its_dimension_and_source():
    doc = (Path(settings.BASE_DIR) / "docs" / "question-set.md").read_text()
    for q in V2["questions"]:
        assert re.search(rf"`{q['code']}`", doc), q["code"]
    assert "cognitive interview" in doc.lower()
    assert f"{len(V2['questions'])} statements" in doc


def test_frequency_answers_are_shown_in_their_own_words(client, practitioner, team, question_set):
    checkin = submit_checkin(practitioner, team, {"worked_over": 4, "supervision_happened": 2})
    client.force_login(practitioner)
    body = client.get(reverse("practitioner:export_csv")).content.decode()
    assert "Several times a week" in body and "Less than half" in body
    assert CheckIn.objects.get(pk=checkin.pk).question_set == question_set


def test_how_the_person_is_and_the_intention_to_leave_never_reach_a_lead(client, lead, team, question_set):
    contributions(team, 6, NOT_SCORED)
    client.force_login(lead)
    pages = [client.get(reverse("leads:team_summary_current", args=[team.pk]), follow=True)]
    html = "".join(p.content.decode() for p in pages)
    assert "6 of 6 members took part this period." in html
    for code in ("hp_worn_out", "hp_low"):
        text = question_set.questions.get(code=code).text
        assert text not in html and code not in html
    # The intention to leave is a team figure only, and six answers are below the share threshold: no share shown.
    leave = question_set.questions.get(code="leave_thoughts").text
    assert html.count(leave) == 1
    after = html.split(leave, 1)[1][:300]
    assert "Shares are shown when at least 10 people answered" in after and "%" not in after
