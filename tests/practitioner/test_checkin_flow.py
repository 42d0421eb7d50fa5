"""The check-in from start to profile: drafts, resume, submit, and every kind of bad input."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from assessments.core.steps import QUESTION_STEPS
from assessments.models import Answer, CheckIn, DimensionScore, PractitionerProfile, Question, QuestionSet, Reflection
from assessments.practitioner.checkins import checkin_start
from devtools.answers import answer_every_step
from tests.checkins import post_every_step, questions_for, step_post
from tests.clients import BrowserClient


@pytest.fixture
def client_p(client, practitioner):
    client.force_login(practitioner)
    return client


def start(client) -> CheckIn:
    response = client.post(reverse("practitioner:checkin_begin"))
    assert response.status_code == 302
    return CheckIn.objects.get(status=CheckIn.Status.DRAFT)


def step_url(checkin: CheckIn, slug: str) -> str:
    return reverse("practitioner:checkin_step", args=[checkin.pk, slug])


# The pages a check-in walks through: one per phase of the model, in its order.
PAGES = ["challenges", "values", "coping"]


def legend(text: str) -> str:
    return f"<legend[^>]*>{re.escape(text.replace(chr(39), '&#x27;'))}</legend>"


def test_starting_a_check_in_opens_the_first_of_three_pages_with_one_progress_signal_and_plain_headings(client_p):
    response = client_p.post(reverse("practitioner:checkin_begin"), follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Page 1 of 3" in html and "What has been hard at work</h1>" in html
    assert ">How the work has been for you</h2>" in html and ">What the service asks of you</h2>" in html
    # One progress signal: no step count, no bar of the model's phases, no "Part 1 of 3" in the model's terms.
    assert "Step 1 of" not in html and "progress-steps" not in html and "Part 1 of 3" not in html
    assert "Individual challenges" not in html and "Work-related challenges" not in html


def test_the_pages_follow_the_model_one_phase_each_and_every_statement_once(client_p, question_set):
    checkin = start(client_p)
    post_every_step(client_p, checkin, question_set)
    assert [s.slug for s in QUESTION_STEPS] == PAGES
    asked = []
    for step in QUESTION_STEPS:
        slug = step.slug
        html = client_p.get(step_url(checkin, slug)).content.decode()
        mine = questions_for(question_set, slug)
        assert mine and {q.dimension for q in mine} == {d.slug for d in step.phase.dimensions}
        for q in mine:
            assert re.search(legend(q.text), html)
        # Five answers each, and one more where a statement offers "does not apply".
        assert html.count('type="radio"') == sum(len(q.answer_choices) for q in mine)
        asked += [q.pk for q in mine]
    assert sorted(asked) == sorted(question_set.questions.values_list("pk", flat=True))


def test_every_phases_page_has_the_reflection_box_and_it_says_it_is_private(client_p, question_set):
    checkin = start(client_p)
    post_every_step(client_p, checkin, question_set)
    with_box = [
        slug
        for slug in PAGES
        if "Your private reflection (optional)" in client_p.get(step_url(checkin, slug)).content.decode()
    ]
    assert with_box == PAGES
    html = client_p.get(step_url(checkin, "challenges")).content.decode()
    assert "Nobody else reads this, not your lead and not your supervisor." in html
    assert "You can enter up to 5,000 characters" in html
    assert "Is there a moment from the last 4 weeks that has stayed with you?" in html


def test_a_link_to_one_dimensions_page_from_when_each_had_a_page_opens_its_phases_page(client_p, question_set):
    checkin = start(client_p)
    post_every_step(client_p, checkin, question_set)
    for old, phase in [
        ("individual-challenges", "challenges"),
        ("systemic-pressures", "challenges"),
        ("systemic-values", "values"),
        ("work-boundaries", "coping"),
    ]:
        response = client_p.get(step_url(checkin, old))
        assert response.status_code == 302 and response.headers["Location"] == step_url(checkin, phase)


def test_starting_twice_resumes_the_same_draft(client_p):
    first = start(client_p)
    client_p.post(reverse("practitioner:checkin_begin"))
    assert CheckIn.objects.filter(status=CheckIn.Status.DRAFT).count() == 1
    assert CheckIn.objects.get(status=CheckIn.Status.DRAFT).pk == first.pk


def test_saving_a_step_stores_answers_and_the_private_reflection(client_p, question_set):
    checkin = start(client_p)
    body = step_post(question_set, PAGES[0], 4, reflection="A hard risk call on Tuesday.")
    response = client_p.post(step_url(checkin, PAGES[0]), body)
    assert response.headers["Location"] == step_url(checkin, "values")
    phase_one = questions_for(question_set, PAGES[0])
    assert Answer.objects.filter(checkin=checkin, value=4).count() == len(phase_one)
    assert Reflection.objects.get(checkin=checkin, phase="challenges").text == "A hard risk call on Tuesday."
    checkin.refresh_from_db()
    assert checkin.steps_completed == 1


def test_going_back_to_change_answers_keeps_the_reflection_and_clearing_the_box_removes_it(client_p, question_set):
    checkin = start(client_p)
    client_p.post(step_url(checkin, PAGES[0]), step_post(question_set, PAGES[0], 4, reflection="Kept."))
    client_p.post(step_url(checkin, PAGES[1]), step_post(question_set, PAGES[1], 4, reflection="Also kept."))
    page = client_p.get(step_url(checkin, PAGES[0])).content.decode()
    assert "Kept." in page  # the box opens with the words in it, so saving the page again sends them back
    client_p.post(step_url(checkin, PAGES[0]), step_post(question_set, PAGES[0], 2, reflection="Kept."))
    assert Reflection.objects.get(checkin=checkin, phase="challenges").text == "Kept."
    client_p.post(step_url(checkin, PAGES[0]), step_post(question_set, PAGES[0], 2, reflection=""))
    assert list(Reflection.objects.filter(checkin=checkin).values_list("phase", flat=True)) == ["values"]


def test_words_sent_to_a_page_that_does_not_ask_for_them_are_not_kept(client_p, question_set):
    checkin = start(client_p)
    body = step_post(question_set, PAGES[0], 3, values="Slipped in.")
    assert client_p.post(step_url(checkin, PAGES[0]), body).status_code == 302
    assert all(not profile.values for profile in PractitionerProfile.objects.all())


def test_statements_can_be_left_unanswered(client_p, question_set):
    checkin = start(client_p)
    response = client_p.post(step_url(checkin, PAGES[0]), {})
    assert response.status_code == 302
    assert checkin.answers.count() == 0
    checkin.refresh_from_db()
    assert checkin.steps_completed == 1


def test_save_and_finish_later_then_resume_from_another_device(client_p, client, practitioner, question_set):
    checkin = start(client_p)
    response = client_p.post(step_url(checkin, PAGES[0]), step_post(question_set, PAGES[0], 2, save_and_leave="1"))
    assert response.headers["Location"] == reverse("site:home")

    other_device = BrowserClient()
    other_device.force_login(practitioner)
    home = other_device.get(reverse("site:home")).content.decode()
    assert "Carry on with your check-in" in home
    assert step_url(checkin, "values") in home
    page = other_device.get(step_url(checkin, PAGES[0])).content.decode()
    first_q = questions_for(question_set, PAGES[0])[0]
    assert f'name="q_{first_q.pk}" value="2" id="id_q_{first_q.pk}_1" checked' in page


def test_a_draft_is_deleted_only_after_a_page_that_asks_first(client_p, question_set):
    checkin = start(client_p)
    client_p.post(step_url(checkin, PAGES[0]), step_post(question_set, PAGES[0], 4))
    home = client_p.get(reverse("site:home")).content.decode()
    discard = reverse("practitioner:checkin_discard", args=[checkin.pk])
    assert f'<a href="{discard}">Delete this draft</a>' in home  # a link to the question, not a button that deletes
    assert f'action="{discard}"' not in home
    page = client_p.get(discard)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Are you sure you want to delete your draft check-in?" in html
    assert "Yes, delete this draft" in html and f'href="{reverse("site:home")}">No, keep it' in html
    assert CheckIn.objects.filter(pk=checkin.pk).exists() and Answer.objects.exists()  # asking deletes nothing
    response = client_p.post(discard)
    assert response.headers["Location"] == reverse("site:home")
    assert not CheckIn.objects.filter(pk=checkin.pk).exists()
    assert Answer.objects.count() == 0


def test_the_review_step_lists_answers_and_submitting_stores_scores(client_p, question_set):
    checkin = start(client_p)
    post_every_step(client_p, checkin, question_set, value=4)
    review = client_p.get(step_url(checkin, "review")).content.decode()
    asked = question_set.questions.count()
    assert "<title>Check your answers" in review and "Check your answers</h1>" in review
    assert f"You answered {asked} of {asked} statements." in review
    assert "Agree" in review and "You have not answered any statements" not in review
    # Send comes before the answers, which wait behind an expander for each page.
    assert review.index("Send my check-in") < review.index('class="nhsuk-details')
    assert review.count('class="nhsuk-details app-review-page"') == len(PAGES)
    response = client_p.post(step_url(checkin, "review"))
    assert response.headers["Location"] == reverse("practitioner:checkin_sent", args=[checkin.pk])
    checkin.refresh_from_db()
    assert checkin.is_submitted and checkin.submitted_at is not None
    scores = dict(DimensionScore.objects.filter(checkin=checkin).values_list("dimension", "score"))
    # "Agree" everywhere: 75 on every dimension. The newest question set has no reverse-keyed statement (in v2,
    # agreeing that "I had a say in decisions…" counted as disagreeing and pulled its dimension down).
    assert not question_set.questions.filter(reverse_keyed=True).exists()
    assert scores == {slug: 75.0 for slug in scores} and len(scores) == 7


def test_values_named_in_phase_two_are_kept_and_shown_back_next_time(client_p, question_set):
    checkin = start(client_p)
    for slug in PAGES:
        extra = {"values": "Helping people feel heard"} if slug == "values" else {}
        assert client_p.post(step_url(checkin, slug), step_post(question_set, slug, **extra)).status_code == 302
    assert PractitionerProfile.objects.get().values == "Helping people feel heard"
    client_p.post(step_url(checkin, "review"))

    second = start(client_p)
    client_p.post(step_url(second, PAGES[0]), step_post(question_set, PAGES[0]))
    page = client_p.get(step_url(second, "values")).content.decode()
    assert "Helping people feel heard" in page


# --- immutability and ownership ---------------------------------------------------------------


@pytest.fixture
def submitted(client_p, question_set) -> CheckIn:
    checkin = start(client_p)
    post_every_step(client_p, checkin, question_set, value=3)
    client_p.post(step_url(checkin, "review"))
    checkin.refresh_from_db()
    return checkin


def test_a_submitted_check_in_cannot_be_changed(client_p, question_set, submitted):
    before = list(Answer.objects.filter(checkin=submitted).values_list("question_id", "value"))
    response = client_p.post(step_url(submitted, PAGES[0]), step_post(question_set, PAGES[0], 5), follow=True)
    assert response.status_code == 200
    assert "can no longer be changed" in response.content.decode()
    assert list(Answer.objects.filter(checkin=submitted).values_list("question_id", "value")) == before


def test_submitting_twice_changes_nothing(client_p, submitted):
    submitted_at = submitted.submitted_at
    client_p.post(step_url(submitted, "review"))
    submitted.refresh_from_db()
    assert submitted.submitted_at == submitted_at
    assert DimensionScore.objects.filter(checkin=submitted).count() == 7


def test_a_submitted_check_in_cannot_be_discarded(client_p, submitted):
    for method in (client_p.get, client_p.post):
        response = method(reverse("practitioner:checkin_discard", args=[submitted.pk]))
        assert response.headers["Location"] == reverse("practitioner:checkin_detail", args=[submitted.pk])
    assert CheckIn.objects.filter(pk=submitted.pk).exists()


@pytest.mark.parametrize("name", ["checkin_detail", "checkin_step_get", "checkin_step_post", "checkin_discard"])
def test_another_persons_check_in_answers_404(client, teammate, question_set, submitted, name):
    client.force_login(teammate)
    if name == "checkin_detail":
        response = client.get(reverse("practitioner:checkin_detail", args=[submitted.pk]))
    elif name == "checkin_step_get":
        response = client.get(step_url(submitted, PAGES[0]))
    elif name == "checkin_step_post":
        response = client.post(step_url(submitted, PAGES[0]), step_post(question_set, PAGES[0], 5))
    else:
        response = client.post(reverse("practitioner:checkin_discard", args=[submitted.pk]))
        assert client.get(reverse("practitioner:checkin_discard", args=[submitted.pk])).status_code == 404
    assert response.status_code == 404
    assert CheckIn.objects.filter(pk=submitted.pk, status="submitted").exists()


def test_posting_to_someone_elses_draft_answers_404_and_changes_nothing(client, practitioner, teammate, question_set):
    client.force_login(practitioner)
    draft = start(client)
    client.force_login(teammate)
    response = client.post(step_url(draft, PAGES[0]), step_post(question_set, PAGES[0], 5))
    assert response.status_code == 404
    assert draft.answers.count() == 0


def test_signed_out_visitors_are_sent_to_sign_in(client, practitioner, question_set):
    response = client.get(reverse("site:home"))
    assert response.status_code == 302 and reverse("login") in response.headers["Location"]


# --- bad input: a clear message, nothing changed, never a 500 --------------------------------


@pytest.mark.parametrize("bad_value", ["6", "0", "-1", "three", "3.5", "", "1e3", "\x00"])
def test_values_off_the_scale_or_not_numbers_are_refused(client_p, question_set, bad_value):
    checkin = start(client_p)
    q = questions_for(question_set, PAGES[0])[0]
    body = step_post(question_set, PAGES[0], 3)
    body[f"q_{q.pk}"] = bad_value
    response = client_p.post(step_url(checkin, PAGES[0]), body)
    if bad_value == "":
        # An empty value means "not answered", which is allowed.
        assert response.status_code == 302
        assert not Answer.objects.filter(checkin=checkin, question=q).exists()
        return
    assert response.status_code == 200
    assert "Please choose one of the options" in response.content.decode()
    assert checkin.answers.count() == 0
    checkin.refresh_from_db()
    assert checkin.steps_completed == 0


def _unknown_question(question_set: QuestionSet) -> dict:
    return {"q_999999": "3"}


def _question_from_another_phase(question_set: QuestionSet) -> dict:
    return {f"q_{questions_for(question_set, 'coping')[0].pk}": "3"}


def _question_from_the_next_page(question_set: QuestionSet) -> dict:
    return {f"q_{questions_for(question_set, 'values')[0].pk}": "3"}


def _question_from_another_version(question_set: QuestionSet) -> dict:
    v2 = QuestionSet.objects.create(version=question_set.version + 1, title="Next")
    stranger = Question.objects.create(question_set=v2, code="x", dimension="systemic_pressures", text="New", order=1)
    return {f"q_{stranger.pk}": "4"}


def _question_answered_twice(question_set: QuestionSet) -> dict:
    return {f"q_{questions_for(question_set, PAGES[0])[0].pk}": ["2", "5"]}


@pytest.mark.parametrize(
    "tampering, message",
    [
        pytest.param(_unknown_question, "not part of this step", id="an unknown question id"),
        pytest.param(_question_from_another_phase, "not part of this step", id="a question from another phase"),
        pytest.param(_question_from_the_next_page, "not part of this step", id="a question from the next page"),
        pytest.param(_question_from_another_version, "not part of this step", id="a question from another version"),
        pytest.param(_question_answered_twice, "answered more than once", id="a question id twice"),
    ],
)
def test_a_tampered_step_is_refused_and_saves_nothing(client_p, question_set, tampering, message):
    checkin = start(client_p)
    body = {**step_post(question_set, PAGES[0], 3), **tampering(question_set)}
    response = client_p.post(step_url(checkin, PAGES[0]), body)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert checkin.answers.count() == 0


def test_a_step_posted_out_of_order_is_refused(client_p, question_set):
    checkin = start(client_p)
    response = client_p.post(step_url(checkin, PAGES[-1]), step_post(question_set, PAGES[-1], 4), follow=True)
    assert "Please answer the earlier parts" in response.content.decode()
    assert response.redirect_chain[-1][0] == step_url(checkin, PAGES[0])
    assert checkin.answers.count() == 0


def test_the_review_cannot_be_submitted_before_every_phase(client_p, question_set):
    checkin = start(client_p)
    for slug in PAGES[:-1]:  # every page but the last
        client_p.post(step_url(checkin, slug), step_post(question_set, slug))
    response = client_p.post(step_url(checkin, "review"), follow=True)
    assert "Please answer the earlier parts" in response.content.decode()
    checkin.refresh_from_db()
    assert not checkin.is_submitted


def test_an_unknown_step_is_404(client_p):
    checkin = start(client_p)
    assert client_p.get(step_url(checkin, "phase-nine")).status_code == 404


def test_a_reflection_over_five_thousand_characters_is_refused(client_p, question_set):
    checkin = start(client_p)
    body = step_post(question_set, PAGES[0], 3, reflection="x" * 5001)
    response = client_p.post(step_url(checkin, PAGES[0]), body)
    assert response.status_code == 200
    assert "Your reflection must be 5,000 characters or fewer. It has 5001" in response.content.decode()
    assert checkin.answers.count() == 0 and checkin.reflections.count() == 0


def test_a_reflection_of_exactly_five_thousand_characters_is_kept(client_p, question_set):
    checkin = start(client_p)
    client_p.post(step_url(checkin, PAGES[0]), step_post(question_set, PAGES[0], 3, reflection="y" * 5000))
    assert len(checkin.reflections.get().text) == 5000


def test_a_draft_tampered_with_before_submit_is_refused(client_p, question_set):
    checkin = start(client_p)
    post_every_step(client_p, checkin, question_set)
    v2 = QuestionSet.objects.create(version=question_set.version + 1, title="Next")
    stranger = Question.objects.create(question_set=v2, code="x", dimension="systemic_pressures", text="New", order=1)
    Answer.objects.create(checkin=checkin, question=stranger, value=5)
    response = client_p.post(step_url(checkin, "review"), follow=True)
    assert "could not be checked" in response.content.decode()
    checkin.refresh_from_db()
    assert not checkin.is_submitted
    assert DimensionScore.objects.count() == 0


def test_a_person_without_a_team_cannot_start(client, outsider, question_set):
    client.force_login(outsider)
    response = client.post(reverse("practitioner:checkin_begin"), follow=True)
    assert response.status_code == 200
    assert CheckIn.objects.count() == 0


def test_a_person_in_two_teams_chooses_one_of_their_own(client, practitioner, other_team, service, question_set):
    from assessments.models import Membership, Role, Team

    Membership.objects.create(user=practitioner, team=other_team, role=Role.PRACTITIONER)
    foreign = Team.objects.create(service=service, name="Not mine")
    client.force_login(practitioner)
    assert "Which team is this check-in for?" in client.get(reverse("site:home")).content.decode()
    client.post(reverse("practitioner:checkin_begin"), {"team": foreign.pk})
    assert CheckIn.objects.count() == 0
    client.post(reverse("practitioner:checkin_begin"), {"team": other_team.pk})
    assert CheckIn.objects.get().team == other_team


@pytest.mark.parametrize("past_checkins", [0, 6])
def test_home_step_and_review_pages_use_a_fixed_number_of_queries(
    client_p, question_set, past_checkins, django_assert_num_queries
):
    for _ in range(past_checkins):
        earlier = start(client_p)
        post_every_step(client_p, earlier, question_set)
        client_p.post(step_url(earlier, "review"))
    checkin = start(client_p)
    post_every_step(client_p, checkin, question_set)
    # Every check-in page: the session, the user, the draft, the page's statements, the draft's answers to them.
    page = 5
    expected = {
        # The session, the user, the teams, the draft, the newest sent check-in and (when there is one) its scores,
        # the team actions, the profile, the moves, and the team and service for the check-in's start.
        reverse("site:home"): 10 + (1 if past_checkins else 0),
        step_url(checkin, "challenges"): page + 2,  # the moves to review above the statements; the reflection
        step_url(checkin, "values"): page + 3,  # the values named before, the draft's own; the reflection
        step_url(checkin, "coping"): page + 1,  # the phase's reflection
        step_url(checkin, "review"): page + 1,  # every answer and reflection, and the statements
    }
    assert list(expected)[1:-1] == [step_url(checkin, slug) for slug in PAGES]
    for url, queries in expected.items():
        with django_assert_num_queries(queries):
            assert client_p.get(url).status_code == 200


def test_values_over_a_thousand_characters_are_refused_in_plain_words_and_nothing_is_saved(client_p, question_set):
    checkin = start(client_p)
    client_p.post(step_url(checkin, PAGES[0]), step_post(question_set, PAGES[0]))
    body = step_post(question_set, "values", 4, values="v" * 1001)
    response = client_p.post(step_url(checkin, "values"), body)
    assert response.status_code == 200
    assert "Your values must be 1000 characters or fewer. They have 1001." in response.content.decode()
    assert not Answer.objects.filter(checkin=checkin, question__dimension="individual_values").exists()
    assert all(not profile.values for profile in PractitionerProfile.objects.all())


def test_changing_one_page_from_check_your_answers_goes_straight_back_there(client_p, question_set):
    checkin = start(client_p)
    post_every_step(client_p, checkin, question_set, value=3)
    review = client_p.get(step_url(checkin, "review")).content.decode()
    change = f'href="{step_url(checkin, "coping")}?change=1"'
    assert change in review
    page = client_p.get(step_url(checkin, "coping") + "?change=1").content.decode()
    assert 'name="change" value="1"' in page and "Save and go back to your answers" in page
    assert f'class="nhsuk-back-link" href="{step_url(checkin, "review")}"' in page
    body = step_post(question_set, "coping", 5, change="1")
    response = client_p.post(step_url(checkin, "coping"), body)
    assert response.headers["Location"] == step_url(checkin, "review")
    changed = Answer.objects.filter(checkin=checkin, question__dimension="work_boundaries")
    assert set(changed.values_list("value", flat=True)) == {5}
    # A draft not yet gone through to the end carries on forwards, even when asked to go back.
    CheckIn.objects.filter(pk=checkin.pk).update(steps_completed=1)
    response = client_p.post(step_url(checkin, "values"), step_post(question_set, "values", change="1"))
    assert response.headers["Location"] == step_url(checkin, "coping")


def test_the_demo_and_test_builder_leaves_a_draft_exactly_as_saving_every_page_does(
    client_p, practitioner, teammate, team, question_set
):
    """devtools/answers.py writes the pages' end state directly (the demo, the benchmark and most tests build their
    check-ins with it): it must leave the same rows as a person saving each page, blanks and words included."""

    def answer(question: Question) -> int | None:
        return None if question.order % 5 == 0 else 1 + question.order % 5

    reflections = {"challenges": "  A long week.  ", "values": "", "coping": "Walked at lunch."}
    by_pages = start(client_p)
    for step in QUESTION_STEPS:
        data = {f"q_{q.pk}": str(answer(q)) for q in questions_for(question_set, step.slug) if answer(q)}
        if step.closes_phase:
            data["reflection"] = reflections[step.phase.slug]
        if step.asks_values:
            data["values"] = " Being honest. "
        response = client_p.post(step_url(by_pages, step.slug), data)
        assert response.status_code == 302, (step.slug, response.content)

    built = answer_every_step(
        checkin_start(user=teammate, team=team), answer, reflections=reflections, values=" Being honest. "
    )

    def rows(checkin: CheckIn) -> tuple:
        checkin.refresh_from_db()
        return (
            checkin.status,
            checkin.steps_completed,
            sorted(Answer.objects.filter(checkin=checkin).values_list("question_id", "value")),
            sorted((r.phase, r.text) for r in Reflection.objects.filter(checkin=checkin)),
            PractitionerProfile.objects.get(user=checkin.user).values,
        )

    assert rows(built) == rows(by_pages)
    assert rows(built)[3] == [("challenges", "A long week."), ("coping", "Walked at lunch.")]
    assert len(rows(built)[2]) < question_set.questions.count()  # some left blank, as a person may
