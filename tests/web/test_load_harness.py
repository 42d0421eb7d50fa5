"""The load test cannot drift from the app: its walk (loadtest/walk.py, what every simulated practitioner does) sends
a check-in through the pages as they are, from sign-in to "Check-in sent", and loadtest/verify.py judges what was
stored by the app's own rules, so it calls whole what the app stores whole and nothing else."""

from __future__ import annotations

import csv
import io
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from assessments.core.framework import DOES_NOT_APPLY, PHASES
from assessments.core.steps import STEPS
from assessments.models import Answer, CheckIn, DimensionScore, Question, Reflection
from assessments.practitioner.checkins import checkin_start, checkin_submit
from devtools.answers import answer_every_step
from loadtest import verify
from loadtest.walk import Answers, Page, Walk, WalkError, complete_checkin, follow, sign_in
from tests.cast import PASSWORD
from tests.clients import WalkingClient
from tests.server_env import app_process_env

ROOT = Path(__file__).resolve().parents[2]


def walked(username: str, answers: Answers | None = None, browser: WalkingClient | None = None) -> dict:
    """A check-in sent by the load test's walk, and its acknowledgement as the locustfile records it."""
    browser = browser or WalkingClient()
    sign_in(browser, username, PASSWORD)
    walk = complete_checkin(browser, answers or Answers(random.Random(29)), Walk())
    return {"username": username, "sent": walk.sent.url, "posts": walk.posts}


def test_the_walk_sends_a_whole_check_in_through_every_page_of_the_app(practitioner, question_set):
    ack = walked(practitioner.username)

    checkin = CheckIn.objects.get(user=practitioner)
    assert checkin.is_submitted
    assert ack["sent"] == reverse("practitioner:checkin_sent", args=[checkin.pk])
    # Every page of the app's step list, in order, each sent once: the walk followed the pages, not a list of its own.
    steps = [reverse("practitioner:checkin_step", args=[checkin.pk, s.slug]) for s in STEPS]
    assert [url for url, _ in ack["posts"]] == [reverse("practitioner:checkin_begin"), *steps]
    # Stored whole: every statement answered as sent, a reflection for each phase, all seven dimensions scored.
    assert Answer.objects.filter(checkin=checkin).count() == Question.objects.filter(question_set=question_set).count()
    sent_answers = {name[2:]: value for _, fields in ack["posts"] for name, value in fields if name.startswith("q_")}
    assert {str(q): str(v) for q, v in Answer.objects.filter(checkin=checkin).values_list("question", "value")} == (
        sent_answers
    )
    assert {r.phase for r in Reflection.objects.filter(checkin=checkin)} == {p.slug for p in PHASES}
    assert DimensionScore.objects.filter(checkin=checkin).count() == 7
    assert verify.check_acknowledged([ack]) == ([], 1)
    assert verify.check_nothing_half_stored() == []


def test_the_walk_carries_on_with_a_draft_when_an_answer_was_lost(practitioner, question_set):
    class LosesTheSecondPage(WalkingClient):
        """The server saves the second page, but its answer never reaches the client."""

        posts = 0

        def post(self, url, data, *, name=""):
            page = super().post(url, data, name=name)
            self.posts += 1
            if self.posts == 3:  # the start, the first page, then this one
                raise WalkError("no answer")
            return page

    browser = LosesTheSecondPage()
    sign_in(browser, practitioner.username, PASSWORD)
    browser.posts = 0
    walk = Walk()
    with pytest.raises(WalkError):
        complete_checkin(browser, Answers(random.Random(1)), walk)
    assert CheckIn.objects.get(user=practitioner).steps_completed == 2

    complete_checkin(browser, Answers(random.Random(2)), walk)  # "Carry on with your check-in", from the third page

    ack = {"username": practitioner.username, "sent": walk.sent.url, "posts": walk.posts}
    assert verify.check_acknowledged([ack]) == ([], 1)


def test_the_walk_stops_where_a_page_refuses_what_was_sent(practitioner, question_set):
    class AddsAStatement(WalkingClient):
        def post(self, url, data, *, name=""):
            return super().post(url, [*data, ("q_999999", "3")], name=name)

    browser = AddsAStatement()
    sign_in(browser, practitioner.username, PASSWORD)
    with pytest.raises(WalkError, match="not part of this step"):
        complete_checkin(browser, Answers(), Walk())
    assert not CheckIn.objects.filter(user=practitioner, status=CheckIn.Status.SUBMITTED).exists()


def test_a_wrong_password_stops_the_walk(practitioner):
    with pytest.raises(WalkError, match="password is not right"):
        sign_in(WalkingClient(), practitioner.username, "not the password")


def test_a_profile_is_one_link_from_the_acknowledgement(practitioner, question_set):
    browser = WalkingClient()
    sign_in(browser, practitioner.username, PASSWORD)
    walk = complete_checkin(browser, Answers(), Walk())
    profile = follow(browser, walk.sent, "See your profile")
    checkin = CheckIn.objects.get(user=practitioner)
    assert profile == Page(200, reverse("practitioner:checkin_detail", args=[checkin.pk]), profile.text)


# --- verify.py judges by the app's rules -----------------------------------------------------------------------------


def test_verify_calls_a_check_in_with_blanks_whole_as_the_app_stores_it(practitioner, question_set):
    """Half the statements left blank: some dimensions have too few answers for a score, and the app stores none."""
    ack = walked(practitioner.username, Answers(random.Random(7), blank=0.5))
    checkin = CheckIn.objects.get(user=practitioner)
    answered = set(Answer.objects.filter(checkin=checkin).values_list("question__dimension", flat=True))
    scored = set(DimensionScore.objects.filter(checkin=checkin).values_list("dimension", flat=True))
    assert answered - scored, "with this seed, some dimension has answers but too few for a score"
    assert verify.check_acknowledged([ack]) == ([], 1)
    assert verify.check_nothing_half_stored() == []


def sent_with(user, team, answer) -> CheckIn:
    return checkin_submit(checkin=answer_every_step(checkin_start(user=user, team=team), answer))


def test_verify_calls_whole_what_the_app_sends_with_blanks_and_does_not_apply(practitioner, team, question_set):
    """One statement of four answered in a dimension (no score), statements that are not scored answered, and
    "does not apply": each is whole by the app's rule, though each has answers in a dimension without a score."""
    first = Question.objects.filter(question_set=question_set, dimension="individual_challenges", kind="scored")[0]
    sent_with(practitioner, team, lambda q: 4 if q.dimension != "individual_challenges" or q == first else None)
    sent_with(practitioner, team, lambda q: DOES_NOT_APPLY if q.does_not_apply else 2)
    sent_with(practitioner, team, lambda q: None if q.is_scored else 3)

    scores = DimensionScore.objects.values_list("checkin", flat=True)
    assert [len([s for s in scores if s == c.pk]) for c in CheckIn.objects.order_by("pk")] == [6, 7, 0]
    assert verify.check_nothing_half_stored() == []


def test_verify_finds_a_check_in_stored_half_by_the_apps_rule(practitioner, team, question_set):
    whole = sent_with(practitioner, team, lambda q: 5)
    missing = sent_with(practitioner, team, lambda q: 5)
    DimensionScore.objects.filter(checkin=missing, dimension="systemic_pressures").delete()
    changed = sent_with(practitioner, team, lambda q: 5)
    DimensionScore.objects.filter(checkin=changed, dimension="work_boundaries").update(score=50)
    first = Question.objects.filter(question_set=question_set, dimension="individual_challenges", kind="scored")[0]
    too_few = sent_with(
        practitioner, team, lambda q: 4 if q.dimension != "individual_challenges" or q == first else None
    )
    DimensionScore.objects.create(checkin=too_few, dimension="individual_challenges", score=75, answered=1)

    problems = verify.check_nothing_half_stored()

    assert problems == [
        f"sent check-in {missing.pk}: its scores are not what its answers give "
        "(missing: ['systemic_pressures']; not due: none; different: none)",
        f"sent check-in {changed.pk}: its scores are not what its answers give "
        "(missing: none; not due: none; different: ['work_boundaries'])",
        f"sent check-in {too_few.pk}: its scores are not what its answers give "
        "(missing: none; not due: ['individual_challenges']; different: none)",
    ]
    assert str(whole.pk) not in " ".join(problems)


def test_verify_finds_every_demo_check_in_whole(question_set):
    call_command("seed_demo", stdout=io.StringIO())
    assert CheckIn.objects.filter(status=CheckIn.Status.SUBMITTED).count() > 100
    assert verify.check_nothing_half_stored() == []


def test_verify_reports_an_acknowledged_check_in_that_is_lost_altered_or_still_a_draft(practitioner, question_set):
    ack = walked(practitioner.username)
    checkin = CheckIn.objects.get(user=practitioner)

    Answer.objects.filter(checkin=checkin, value__gt=1).update(value=1)
    problems, whole = verify.check_acknowledged([ack])
    assert whole == 0 and problems[0] == f"check-in {checkin.pk}: stored answers differ from the ones sent"

    Reflection.objects.filter(checkin=checkin, phase="coping").delete()
    assert f"check-in {checkin.pk}: stored reflections differ from the ones sent" in verify.check_acknowledged([ack])[0]

    CheckIn.objects.filter(pk=checkin.pk).update(status="draft", submitted_at=None)
    assert f"check-in {checkin.pk} was acknowledged but is still a draft" in verify.check_acknowledged([ack])[0]

    pk = checkin.pk
    checkin.delete()
    assert verify.check_acknowledged([ack]) == ([f"check-in {pk} was acknowledged but is not stored"], 0)


def test_verify_does_not_take_any_page_for_an_acknowledgement(practitioner, question_set):
    ack = {**walked(practitioner.username), "sent": reverse("site:home")}
    assert verify.check_acknowledged([ack]) == (["priya was told / acknowledged a check-in; it does not"], 0)


# --- locust itself ----------------------------------------------------------------------------------------------------


@pytest.mark.slow  # locust in a new process for ten seconds, against a live server
@pytest.mark.django_db(transaction=True)
def test_locust_sends_check_ins_for_ten_seconds_with_no_failure(live_server, question_set, tmp_path):
    """One simulated practitioner: the live server shares the tests' in-memory SQLite database between its threads,
    and two requests at once meet "database table is locked" (the app's friendly 503, a failure here). Many at once
    is what make loadtest does, on PostgreSQL."""
    from loadtest.seed_users import seed

    seed(practitioners=8, teams=2)
    env = app_process_env(
        {
            "LOADTEST_ACK_FILE": str(tmp_path / "acks.jsonl"),
            "LOADTEST_OUTAGE_FILE": str(tmp_path / "outage.json"),
            "LOADTEST_EXPECT_OUTAGE": "0",
        }
    )
    locust = Path(sys.executable).parent / "locust"
    run = subprocess.run(
        [str(locust), "-f", str(ROOT / "loadtest" / "locustfile.py"), "--headless", "-u", "1", "-r", "1", "-t", "10s",
         "--host", live_server.url, "--only-summary", "--csv", str(tmp_path / "locust"), "--stop-timeout", "10"],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip

    with open(tmp_path / "locust_stats.csv") as stats:
        total = next(row for row in csv.DictReader(stats) if row["Name"] == "Aggregated")
    acks = [json.loads(line) for line in (tmp_path / "acks.jsonl").read_text().splitlines()]
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert int(total["Failure Count"]) == 0 and int(total["Request Count"]) > 0
    assert len(acks) > 0
    assert verify.check_acknowledged(acks) == ([], len(acks))
