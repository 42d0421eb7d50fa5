"""Scoring a sent check-in: reverse-keyed statements and the half-answered rule, as a person and a lead see them."""

import json

from django.urls import reverse

from assessments.models import DimensionScore, Question, SummaryEntry
from assessments.practitioner.checkins import checkin_start, checkin_submit
from assessments.practitioner.questions import question_set_load
from devtools.answers import answer_every_step


def _send(user, team, value_of) -> object:
    return checkin_submit(checkin=answer_every_step(checkin_start(user=user, team=team), value_of))


def test_a_reverse_keyed_statement_scores_the_other_way(practitioner, team, question_set, tmp_path):
    """A set where one boundaries statement is worded negatively: agreeing with it means weaker boundaries."""
    data = {
        "version": 90,
        "title": "Test set with a reverse-keyed statement",
        "questions": [
            {"code": "wb_leave", "dimension": "work_boundaries", "text": "I can leave work behind me."},
            {"code": "wb_over", "dimension": "work_boundaries", "text": "I often work over my hours.", "reverse": True},
        ],
    }
    path = tmp_path / "set.json"
    path.write_text(json.dumps(data))
    question_set_load(path=path)
    assert Question.objects.get(code="wb_over").reverse_keyed
    # Strongly agree with both: good boundaries on one, working over on the other. They cancel out.
    checkin = _send(practitioner, team, lambda q: 5)
    assert DimensionScore.objects.get(checkin=checkin, dimension="work_boundaries").score == 50.0
    checkin = _send(practitioner, team, lambda q: 1 if q.code == "wb_over" else 5)
    assert DimensionScore.objects.get(checkin=checkin, dimension="work_boundaries").score == 100.0


def test_a_dimension_with_too_few_answers_has_no_score_and_does_not_count_for_leads(
    client, practitioner, team, question_set
):
    pressures = list(Question.objects.filter(question_set=question_set, dimension="systemic_pressures", kind="scored"))
    assert len(pressures) > 2  # so one answer is fewer than half
    only_one = pressures[0].pk

    def value_of(q):
        if q.dimension == "systemic_pressures":
            return 5 if q.pk == only_one else None
        return 3

    checkin = _send(practitioner, team, value_of)
    scored = set(DimensionScore.objects.filter(checkin=checkin).values_list("dimension", flat=True))
    assert "systemic_pressures" not in scored and "work_boundaries" in scored
    entry = SummaryEntry.objects.filter(user=practitioner).first()
    assert entry.score_systemic_pressures is None and entry.score_work_boundaries == 50.0
    client.force_login(practitioner)
    html = client.get(reverse("practitioner:checkin_detail", args=[checkin.pk])).content.decode()
    assert html.count(">Not enough answers</p>") == 1  # that dimension alone; the others have scores
    assert "fewer than half of its statements were answered" in html
