"""Question set v3, the newest edition, beside v2: what it asks, what a v2 check-in keeps, trends and team figures
that compare by dimension across the two, and the "does not apply" answer."""

import csv
import io
import json
import re
from collections import Counter
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from assessments.core.framework import DIMENSIONS, DIMENSIONS_BY_SLUG, DOES_NOT_APPLY, StatementKind
from assessments.core.periods import latest_shown_period
from assessments.core.steps import STEP_OF_DIMENSION
from assessments.models import Answer, CheckIn, Question, StatementEntry
from assessments.practitioner.checkins import CheckInError, checkin_save_step, checkin_start, checkin_submit
from assessments.practitioner.questions import (
    DEFAULT_QUESTION_FILE,
    FIRST_EDITION_FILE,
    SECOND_EDITION_FILE,
    QuestionSetError,
    active_question_set,
    question_set_activate,
    question_set_load,
)
from devtools.answers import answer_every_step
from tests.conftest import contributions, submit_checkin

V3 = json.loads(DEFAULT_QUESTION_FILE.read_text())
V2 = json.loads(SECOND_EDITION_FILE.read_text())
V3_BY_CODE = {q["code"]: q for q in V3["questions"]}
V2_BY_CODE = {q["code"]: q for q in V2["questions"]}
NOT_PLANNED = "No supervision was planned"


def _html(client, user, name, *args) -> str:
    client.force_login(user)
    return client.get(reverse(name, args=args)).content.decode()


# --- what v3 asks ---------------------------------------------------------------------------------------------------


def test_v3_is_what_a_new_install_starts_on(db):
    call_command("load_questions", stdout=StringIO())
    assert active_question_set().version == 3 == V3["version"]


def test_an_install_an_administrator_keeps_on_v2_stays_on_v2_when_v3_arrives(db):
    v2, _ = question_set_load(path=SECOND_EDITION_FILE)
    question_set_activate(question_set=v2)  # what the admin's "Make active" does
    call_command("load_questions", stdout=StringIO())  # as `make serve` does at every start, now shipping v3
    assert active_question_set() == v2
    assert Question.objects.filter(question_set__version=3).count() == len(V3["questions"])


def test_v3_asks_no_more_than_v2_with_the_same_kinds_and_one_recall_window(question_set):
    assert question_set.version == 3
    assert question_set.questions.count() == len(V3["questions"]) <= len(V2["questions"])
    kinds = Counter(question_set.questions.values_list("kind", flat=True))
    assert kinds == {StatementKind.SCORED: 29, StatementKind.WELLBEING: 2, StatementKind.FREQUENCY: 2, "intention": 1}
    scored = Counter(question_set.questions.filter(kind="scored").values_list("dimension", flat=True))
    assert set(scored) == {d.slug for d in DIMENSIONS} and min(scored.values()) >= 3
    assert all(q.source for q in question_set.questions.all())
    assert V3["recall"] == V2["recall"] == "the last 4 weeks"


def test_v3_has_no_reverse_keyed_statement(question_set):
    """Agreeing always means more of what the dimension measures: a quoted answer can never read the wrong way."""
    assert not question_set.questions.filter(reverse_keyed=True).exists()
    assert not any("reverse" in q for q in V3["questions"])


def test_what_the_service_controls_is_no_longer_scored_as_the_persons(question_set):
    """The domain review §2: having a say, breaks, session timing and control of one's time were set by the service
    but scored as the person's (or the wrong way round). v3 asks the service's part as a pressure of the service,
    and the person's part only where it is theirs ("when my diary had room")."""
    codes = set(question_set.questions.values_list("code", flat=True))
    assert not codes & {"sp_say", "ico_breaks", "wb_to_time", "wb_own_time", "ic_organising", "sv_no_blame"}
    not_asked = question_set.questions.get(code="sp_not_asked")
    assert not_asked.dimension == "systemic_pressures" and not not_asked.reverse_keyed
    assert question_set.questions.get(code="sp_phone").dimension == "systemic_pressures"  # telephone load
    assert question_set.questions.get(code="ico_took_breaks").text.startswith("When my diary had room")
    # A belief anyone can answer, with or without an incident in the last 4 weeks.
    assert question_set.questions.get(code="sv_fair").text.startswith("I trusted that if I made a mistake")
    # Leaving because of how work is, not the planned move to high-intensity training.
    leave = question_set.questions.get(kind="intention")
    assert leave.code == "leave_because_of_work" and "because of how work is for you" in leave.text


def test_the_missing_constructs_of_the_domain_review_are_asked(question_set):
    texts = dict(question_set.questions.values_list("code", "text"))
    assert "distress I heard from patients" in texts["ic_distress"]  # the emotional weight of the work
    assert "What matters to me in this work helped me decide" in texts["iv_motivator"]  # values as a motivator
    assert "I had done what I could" in texts["wb_done_what_i_can"]  # compartmentalising
    assert "telephone" in texts["sp_phone"]  # telephone load


def test_a_code_kept_from_v2_means_exactly_what_it_meant_in_v2():
    """Team figures add a statement's answers up across question sets by its code, and trends read the frequencies
    by code: so a code kept from v2 keeps its words, kind, scale and dimension, and a reworded statement gets a new
    code (its v2 code in `from_v2`)."""
    for code, q in V3_BY_CODE.items():
        if code in V2_BY_CODE:
            before = V2_BY_CODE[code]
            for key in ("text", "dimension", "kind", "scale", "reverse"):
                assert q.get(key) == before.get(key), (code, key)
        if q.get("from_v2") and q["from_v2"] != code:
            assert q["text"] != V2_BY_CODE[q["from_v2"]]["text"], code


def test_every_v3_statement_is_documented_beside_v2_with_its_seed_passage():
    doc = (Path(settings.BASE_DIR) / "docs" / "question-set.md").read_text()
    v3_part = doc.split("## Every statement of v3", 1)[1].split("\n## ", 1)[0]
    for q in V3["questions"]:
        row = next((line for line in v3_part.splitlines() if f"`{q['code']}`" in line), None)
        assert row is not None, q["code"]
        assert re.search(r"\b00[023]\b", row) and "“" in row, q["code"]  # a seed file and a short quote from it
    for q in V2["questions"]:
        assert f"`{q['code']}`" in doc, q["code"]
    assert f"{len(V3['questions'])} statements" in doc and "cognitive interview" in doc.lower()


# --- a v2 check-in keeps v2 -----------------------------------------------------------------------------------------


def test_a_v2_draft_started_before_v3_arrives_keeps_v2_to_the_end(client, practitioner, team):
    v2, _ = question_set_load(path=SECOND_EDITION_FILE)
    draft = checkin_start(user=practitioner, team=team)
    v3, _ = question_set_load()  # an administrator moves the service on while the draft is open
    assert active_question_set() == v3
    step = STEP_OF_DIMENSION["individual_challenges"]
    html = _html(client, practitioner, "practitioner:checkin_step", draft.pk, step.slug)
    assert "I met situations at work that nothing before had prepared me for." in html  # v2's words, not v3's
    assert "my training and experience had not prepared me for" not in html
    sent = checkin_submit(checkin=answer_every_step(draft, lambda q: 3 if q.is_scored else None))
    assert sent.question_set == v2 and sent.scores.count() == len(DIMENSIONS)
    assert submit_checkin(practitioner, team).question_set == v3  # the next one starts on v3


# --- "does not apply" -----------------------------------------------------------------------------------------------


def test_supervision_that_was_not_planned_is_said_back_and_not_read_as_missed(client, practitioner, team, question_set):
    missed = submit_checkin(practitioner, team, {"supervision_happened": 1}, when=timezone.now() - timedelta(days=9))
    not_planned = submit_checkin(practitioner, team, {"supervision_happened": DOES_NOT_APPLY})
    card = "This is worth raising"
    assert card in _html(client, practitioner, "practitioner:checkin_detail", missed.pk)
    html = _html(client, practitioner, "practitioner:checkin_detail", not_planned.pk)
    assert NOT_PLANNED in html and card not in html and "supervision that mostly did not go ahead" not in html
    # A lead's figures count it as a blank: it is no answer on the scale.
    assert not StatementEntry.objects.filter(entry__checkin=not_planned, code="supervision_happened").exists()


def test_the_check_in_page_offers_does_not_apply_only_where_the_statement_does(
    client, practitioner, team, question_set
):
    draft = checkin_start(user=practitioner, team=team)
    answer_every_step(draft, lambda q: None)
    support = question_set.questions.get(code="supervision_happened")
    worked_over = question_set.questions.get(code="worked_over")
    url = reverse("practitioner:checkin_step", args=[draft.pk, STEP_OF_DIMENSION["systemic_support"].slug])
    html = _html(
        client, practitioner, "practitioner:checkin_step", draft.pk, STEP_OF_DIMENSION["systemic_support"].slug
    )
    assert NOT_PLANNED in html
    client.post(url, {f"q_{support.pk}": str(DOES_NOT_APPLY)})
    assert Answer.objects.get(checkin=draft, question=support).value == DOES_NOT_APPLY
    # Sent for a statement that does not offer it: refused, and nothing on the page is saved.
    boundaries = reverse("practitioner:checkin_step", args=[draft.pk, STEP_OF_DIMENSION["work_boundaries"].slug])
    response = client.post(boundaries, {f"q_{worked_over.pk}": "0"})
    assert response.status_code == 200 and "Please choose one of the options" in response.content.decode()
    assert not Answer.objects.filter(checkin=draft, question=worked_over).exists()


@pytest.mark.parametrize("code", ["sp_volume", "worked_over", "hp_low"])
def test_a_forged_does_not_apply_is_refused_by_the_write_itself(practitioner, team, question_set, code):
    draft = checkin_start(user=practitioner, team=team)
    answer_every_step(draft, lambda q: None)
    question = question_set.questions.get(code=code)
    step = STEP_OF_DIMENSION[question.dimension]
    with pytest.raises(CheckInError):
        checkin_save_step(checkin=CheckIn.objects.get(pk=draft.pk), step=step, answers={question.pk: DOES_NOT_APPLY})
    assert not Answer.objects.filter(checkin=draft, question=question).exists()


def test_a_scored_statement_cannot_offer_does_not_apply(db, tmp_path, question_set):
    edition = {**V3, "version": 99, "questions": [{**V3_BY_CODE["sp_volume"], "does_not_apply": "No patients"}]}
    path = tmp_path / "questions_v99.json"
    path.write_text(json.dumps(edition))
    with pytest.raises(QuestionSetError):
        question_set_load(path=path)
    assert not Question.objects.filter(question_set__version=99).exists()
    scored = question_set.questions.get(code="sp_volume")
    scored.does_not_apply = "No patients"
    with pytest.raises(ValidationError):
        scored.full_clean()


# --- across versions, by dimension ----------------------------------------------------------------------------------


def test_a_persons_trend_runs_on_from_v2_to_v3_one_line_per_dimension(client, practitioner, team, question_set):
    now = timezone.now()
    question_set_load(path=FIRST_EDITION_FILE)
    submit_checkin(practitioner, team, {"systemic_pressures": 1}, when=now - timedelta(days=70))
    question_set_load(path=SECOND_EDITION_FILE)
    submit_checkin(practitioner, team, {"systemic_pressures": 2, "worked_over": 4}, when=now - timedelta(days=40))
    question_set_activate(question_set=question_set)
    latest = submit_checkin(practitioner, team, {"systemic_pressures": 4, "supervision_happened": DOES_NOT_APPLY})
    html = _html(client, practitioner, "practitioner:trends")
    assert html.count('<svg class="trend-chart"') == len(DIMENSIONS)  # one line each, whatever the version
    table = re.search(r'<table[^>]*>.*?id="table-challenges".*?</table>', html, flags=re.DOTALL).group(0)
    cells = re.findall(r'<td[^>]*>(?:<span class="nhsuk-table__heading"[^>]*>[^<]*</span>)?([^<]*)</td>', table)
    assert cells[1::2] == ["0", "25", "75"]  # systemic pressures at v1, v2 and v3
    profile = _html(client, practitioner, "practitioner:checkin_detail", latest.pk)
    assert "up 50" in profile  # v2's 25 to v3's 75 on the same dimension


def test_trends_say_back_working_over_and_supervision_in_the_persons_words(client, practitioner, team, question_set):
    now = timezone.now()
    question_set_load(path=FIRST_EDITION_FILE)
    submit_checkin(practitioner, team, when=now - timedelta(days=70))
    question_set_activate(question_set=question_set)
    submit_checkin(practitioner, team, {"worked_over": 4, "supervision_happened": 2}, when=now - timedelta(days=40))
    submit_checkin(practitioner, team, {"worked_over": 5, "supervision_happened": DOES_NOT_APPLY})
    html = _html(client, practitioner, "practitioner:trends")
    table = html.split('id="table-frequencies"', 1)[1].split("</table>", 1)[0]
    cells = re.findall(r'<td[^>]*>(?:<span class="nhsuk-table__heading"[^>]*>[^<]*</span>)?([^<]*)</td>', table)
    assert cells == [
        "Not asked then",  # v1 did not ask either
        "Not asked then",
        "Several times a week",
        "Less than half",
        "Most days",
        NOT_PLANNED,
    ]
    assert "Working over, and supervision that went ahead" in html
    assert "more overtime went with more burnout" in html


def test_a_teammates_frequencies_never_reach_my_trends(client, practitioner, teammate, team, question_set):
    submit_checkin(practitioner, team, {"worked_over": 1})
    submit_checkin(teammate, team, {"worked_over": 5, "supervision_happened": 1})
    html = _html(client, practitioner, "practitioner:trends")
    assert "Not at all" in html and "Most days" not in html and "None of it" not in html


def _csv(client, name, *args) -> list[dict]:
    return list(csv.DictReader(io.StringIO(client.get(reverse(name, args=args)).content.decode())))


def test_a_team_on_two_editions_gets_figures_by_dimension_and_statements_only_among_those_asked_them(
    client, lead, team, question_set
):
    """Twelve colleagues sent on v2, twelve on v3, in one period: the dimensions are figures of all 24; a statement
    both editions ask word for word counts all 24; a statement only one asked counts only the 12 asked it, and v2's
    reverse-keyed "I had a say" is never pooled with v3's "made without asking me"."""
    question_set_load(path=SECOND_EDITION_FILE)
    contributions(team, 12, {"systemic_pressures": 3, "leave_thoughts": 2, "sp_say": 3}, prefix="two")
    question_set_activate(question_set=question_set)
    contributions(team, 12, {"systemic_pressures": 3, "leave_because_of_work": 2, "sp_not_asked": 3}, prefix="three")
    client.force_login(lead)
    period = latest_shown_period().key
    dimensions = {
        r["dimension"]: r
        for r in _csv(client, "leads:team_summary_export", team.pk, period)
        if r["period"] == period and r["scope"] == team.name
    }
    pressures = dimensions[str(DIMENSIONS_BY_SLUG["systemic_pressures"].name)]
    assert pressures["people"] == "24" and pressures["mean"] == "50.0", pressures
    statements = {
        r["code"]: r["answered"]
        for r in _csv(client, "leads:team_summary_statements_export", team.pk, period)
        if r["period"] == period and r["scope"] == team.name
    }
    assert statements["sp_volume"] == "24"  # the same words in both editions
    assert statements["sp_say"] == "12" and statements["sp_not_asked"] == "12"
    assert statements["leave_thoughts"] == "12" and statements["leave_because_of_work"] == "12"
