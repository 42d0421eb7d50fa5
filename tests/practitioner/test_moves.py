"""Resilient moves: chosen after a profile, reviewed at the next check-in, visible to their author alone."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.core.framework import DIMENSIONS, SYSTEMIC_DIMENSIONS
from assessments.core.move_catalogue import CATALOGUE, dimensions_by_need, suggestions_for
from assessments.models import CheckIn, MoveReview, ResilientMove
from assessments.models.private import MOVE_TEXT_MAX_LENGTH
from assessments.practitioner import moves
from assessments.practitioner.checkins import checkin_start
from assessments.practitioner.forms import MovesChooseForm
from assessments.practitioner.moves import MoveError, moves_choose, moves_review
from tests.checkins import questions_for, submit_checkin

COPING = ("individual_coping", "work_boundaries", "systemic_support")
RAISING_WORDS = ("lead", "supervis", "peer", "team", "colleague")


def first_page(draft) -> str:
    """The check-in's first page."""
    return reverse("practitioner:checkin_step", args=[draft.pk, "challenges"])


def review_page(draft) -> str:
    """The page a new check-in opens with when there are moves to look back on."""
    return reverse("practitioner:moves_review", args=[draft.pk])


def test_the_catalogue_has_at_least_four_moves_for_every_dimension_and_unique_keys():
    for d in DIMENSIONS:
        assert len([m for m in CATALOGUE if m.dimension_slug == d.slug]) >= 4, d.slug
    assert len({m.key for m in CATALOGUE}) == len(CATALOGUE)


@pytest.mark.parametrize(
    "words",
    [
        ("hard or risky call", "talk it through"),  # a debrief after a hard or risk call
        ("start a peer space yourself",),
        ("i have done what i can",),  # compartmentalising
        ("start each session", "when it ends"),  # structuring sessions
        ("gp", "occupational health", "employee assistance", "practitioner health"),  # help for oneself
        ("after an incident", "debrief"),
    ],
)
def test_the_catalogue_has_the_moves_the_research_names(words):
    texts = [str(m.text).lower() for m in CATALOGUE]
    assert any(all(word in text for word in words) for text in texts), words


def test_the_catalogue_includes_values_connection_exercises():
    values_moves = [str(m.text) for m in CATALOGUE if m.dimension_slug == "individual_values"]
    assert any("made a difference" in text for text in values_moves)


@pytest.mark.parametrize("dimension", [d.slug for d in SYSTEMIC_DIMENSIONS])
def test_moves_for_systemic_dimensions_are_about_raising_it_not_trying_harder(dimension):
    for move in [m for m in CATALOGUE if m.dimension_slug == dimension]:
        text = str(move.text).lower()
        assert any(word in text for word in RAISING_WORDS), text
        assert "try harder" not in text and "self-care" not in text


def test_suggestions_start_with_what_needs_attention_in_my_own_results():
    scores = {d.slug: 50.0 for d in DIMENSIONS} | {"systemic_pressures": 100.0, "work_boundaries": 10.0}
    order = [d.slug for d in dimensions_by_need(scores)]
    assert order[:2] == ["systemic_pressures", "work_boundaries"]
    calm = {d.slug: 50.0 for d in DIMENSIONS} | {"individual_coping": 0.0}
    assert suggestions_for(calm)[0][0].slug == "individual_coping"
    assert suggestions_for(calm)[0][1] is True


@pytest.fixture
def sent(practitioner, team):
    return submit_checkin(practitioner, team, {"systemic_pressures": 5}, when=timezone.now() - timedelta(days=14))


def test_the_choose_page_puts_raising_systemic_pressure_first_for_high_pressure(client, practitioner, sent):
    client.force_login(practitioner)
    html = client.get(reverse("practitioner:moves_choose", args=[sent.pk])).content.decode()
    first_group = html.split("<fieldset")[1]
    assert "Pressures and demands of the service" in first_group
    assert "raising it with others, not about trying harder" in first_group


def test_choosing_two_moves_saves_them_for_me(client, practitioner, sent):
    client.force_login(practitioner)
    response = client.post(
        reverse("practitioner:moves_choose", args=[sent.pk]),
        {"moves": ["pressure-raise-with-lead"], "own": "Walk at lunch"},
    )
    assert response.headers["Location"] == reverse("practitioner:checkin_detail", args=[sent.pk])
    moves = ResilientMove.objects.filter(user=practitioner).order_by("pk")
    assert [(m.catalogue_key, m.dimension) for m in moves] == [
        ("pressure-raise-with-lead", "systemic_pressures"),
        ("", ""),
    ]
    assert moves[1].text == "Walk at lunch" and moves[0].chosen_from == sent


def test_choosing_more_than_three_moves_is_refused_and_saves_nothing(client, practitioner, sent):
    client.force_login(practitioner)
    keys = [m.key for m in CATALOGUE[:4]]
    response = client.post(reverse("practitioner:moves_choose", args=[sent.pk]), {"moves": keys})
    assert response.status_code == 400
    assert "no more than 3" in response.content.decode()
    assert ResilientMove.objects.count() == 0


def test_open_moves_count_towards_the_limit_of_three(client, practitioner, sent):
    moves_choose(user=practitioner, checkin=sent, catalogue_keys=[m.key for m in CATALOGUE[:2]])
    client.force_login(practitioner)
    response = client.post(
        reverse("practitioner:moves_choose", args=[sent.pk]), {"moves": [m.key for m in CATALOGUE[2:4]]}
    )
    assert response.status_code == 400
    assert "no more than 1" in response.content.decode()
    assert ResilientMove.objects.count() == 2
    with pytest.raises(MoveError):
        moves_choose(user=practitioner, checkin=sent, catalogue_keys=[m.key for m in CATALOGUE[2:4]])


def test_choosing_nothing_or_an_unknown_move_or_an_overlong_own_move_is_refused(client, practitioner, sent):
    client.force_login(practitioner)
    url = reverse("practitioner:moves_choose", args=[sent.pk])
    assert "at least one move" in client.post(url, {}).content.decode()
    assert client.post(url, {"moves": ["not-a-move"]}).status_code == 400
    assert client.post(url, {"own": "x" * 201}).status_code == 400
    assert ResilientMove.objects.count() == 0


def test_the_limits_in_the_messages_are_the_limits_enforced(practitioner, sent, monkeypatch):
    monkeypatch.setattr(moves, "MAX_OPEN_MOVES", 2)
    with pytest.raises(MoveError, match="up to 2 moves at a time"):
        moves_choose(user=practitioner, checkin=sent, catalogue_keys=[m.key for m in CATALOGUE[:3]])
    monkeypatch.setattr(moves, "MOVE_TEXT_MAX_LENGTH", 20)
    with pytest.raises(MoveError, match="under 20 characters"):
        moves_choose(user=practitioner, checkin=sent, catalogue_keys=[], own_text="x" * 21)
    (move,) = moves_choose(user=practitioner, checkin=sent, catalogue_keys=[CATALOGUE[0].key])
    monkeypatch.setattr(moves, "MOVE_NOTE_MAX_LENGTH", 30)
    with pytest.raises(MoveError, match="under 30 characters"):
        moves_review(user=practitioner, reviews={move.pk: ("helped", "x" * 31, "")})
    help_text = str(MovesChooseForm.base_fields["own"].help_text)
    assert help_text.endswith(f"Up to {MOVE_TEXT_MAX_LENGTH} characters.")


def test_moves_cannot_be_chosen_from_someone_elses_check_in(client, teammate, sent):
    client.force_login(teammate)
    assert client.get(reverse("practitioner:moves_choose", args=[sent.pk])).status_code == 404
    assert (
        client.post(reverse("practitioner:moves_choose", args=[sent.pk]), {"moves": [CATALOGUE[0].key]}).status_code
        == 404
    )
    assert ResilientMove.objects.count() == 0


def _next_draft(client, practitioner) -> CheckIn:
    client.force_login(practitioner)
    client.post(reverse("practitioner:checkin_begin"))
    return CheckIn.objects.get(user=practitioner, status=CheckIn.Status.DRAFT)


def test_the_next_check_in_opens_with_a_review_of_my_moves_on_its_own_page(client, practitioner, sent):
    moves_choose(user=practitioner, checkin=sent, catalogue_keys=["pressure-raise-with-lead"])
    client.force_login(practitioner)
    response = client.post(reverse("practitioner:checkin_begin"))
    draft = CheckIn.objects.get(user=practitioner, status=CheckIn.Status.DRAFT)
    assert response.headers["Location"] == review_page(draft)
    html = client.get(review_page(draft)).content.decode()
    assert "How did your moves go?</h1>" in html
    assert "Tell your lead about one specific pressure" in html
    assert f'href="{first_page(draft)}">Skip this and start the check-in' in html
    # Skipped: the first page offers it again, in one line, and keeps the check-in's own page short.
    page = client.get(first_page(draft)).content.decode()
    assert "Page 1 of 3" in page and "Tell your lead about one specific pressure" not in page
    assert f'href="{review_page(draft)}">Look back at how your moves went (optional)' in page


def test_a_check_in_without_moves_to_look_back_on_opens_at_its_first_page(client, practitioner, sent):
    client.force_login(practitioner)
    response = client.post(reverse("practitioner:checkin_begin"))
    draft = CheckIn.objects.get(user=practitioner, status=CheckIn.Status.DRAFT)
    assert response.headers["Location"] == first_page(draft)
    assert client.get(review_page(draft)).headers["Location"] == first_page(draft)
    assert "Look back at how your moves went" not in client.get(first_page(draft)).content.decode()


def test_reviewing_moves_records_each_outcome_and_note(client, practitioner, sent):
    a, b = moves_choose(
        user=practitioner, checkin=sent, catalogue_keys=["pressure-raise-with-lead", "selfcare-lunch-away"]
    )
    draft = _next_draft(client, practitioner)
    response = client.post(
        reverse("practitioner:moves_review", args=[draft.pk]),
        {
            f"outcome_{a.pk}": "helped",
            f"note_{a.pk}": "My lead listened.",
            f"outcome_{b.pk}": "not_yet",
            f"obstacle_{b.pk}": "diary_full",
        },
    )
    assert response.headers["Location"] == reverse("practitioner:checkin_step", args=[draft.pk, "challenges"])
    assert [(r.move_id, r.outcome, r.note, r.obstacle) for r in MoveReview.objects.order_by("move_id")] == [
        (a.pk, "helped", "My lead listened.", ""),
        (b.pk, "not_yet", "", "diary_full"),
    ]
    # Reviewed in this check-in: it is not offered again, even for "not yet".
    assert "Look back at how your moves went" not in client.get(first_page(draft)).content.decode()
    assert client.get(review_page(draft)).headers["Location"] == first_page(draft)


def test_a_move_reviewed_not_yet_is_asked_about_again_at_the_check_in_after(client, practitioner, team, sent):
    (move,) = moves_choose(user=practitioner, checkin=sent, catalogue_keys=["selfcare-lunch-away"])
    MoveReview.objects.create(move=move, outcome="not_yet", created_at=timezone.now() - timedelta(days=7))
    draft = _next_draft(client, practitioner)
    assert "How did your moves go?" in client.get(review_page(draft)).content.decode()


def test_reviewing_someone_elses_move_is_404_and_changes_nothing(client, practitioner, teammate, team, sent):
    (move,) = moves_choose(user=practitioner, checkin=sent, catalogue_keys=["selfcare-lunch-away"])
    submit_checkin(teammate, team, {})
    draft = _next_draft(client, teammate)
    response = client.post(reverse("practitioner:moves_review", args=[draft.pk]), {f"outcome_{move.pk}": "dropped"})
    assert response.status_code == 404
    assert MoveReview.objects.count() == 0


def test_reviewing_through_someone_elses_draft_is_404(client, practitioner, teammate, team, sent):
    (move,) = moves_choose(user=practitioner, checkin=sent, catalogue_keys=["selfcare-lunch-away"])
    their_draft = checkin_start(user=teammate, team=team)
    client.force_login(practitioner)
    response = client.post(
        reverse("practitioner:moves_review", args=[their_draft.pk]), {f"outcome_{move.pk}": "helped"}
    )
    assert response.status_code == 404
    assert MoveReview.objects.count() == 0


@pytest.mark.parametrize(
    "body, message, target",
    [
        ({"note_{pk}": "x" * 501, "outcome_{pk}": "helped"}, "500 characters", "id_note_{pk}"),
        ({"outcome_{pk}": "brilliant"}, "Please choose one of the options", "id_outcome_{pk}_0"),
        (
            {"note_{pk}": "a note but no outcome"},
            "Choose how it went, so that we can keep your answer",
            "id_outcome_{pk}_0",
        ),
        ({"outcome_{pk}": ""}, "Choose how at least one move went", "id_outcome_{pk}_0"),
        (
            {"outcome_{pk}": "dropped", "obstacle_{pk}": "the-weather"},
            "Please choose one of the options",
            "id_obstacle_{pk}_0",
        ),
        ({"obstacle_{pk}": "forgot"}, "Choose how it went, so that we can keep your answer", "id_outcome_{pk}_0"),
    ],
)
def test_a_bad_review_shows_the_page_again_with_a_linked_error_and_saves_nothing(
    client, practitioner, sent, body, message, target
):
    (move,) = moves_choose(user=practitioner, checkin=sent, catalogue_keys=["selfcare-lunch-away"])
    draft = _next_draft(client, practitioner)
    data = {k.format(pk=move.pk): v for k, v in body.items()}
    response = client.post(reverse("practitioner:moves_review", args=[draft.pk]), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert "<title>Error: How did your moves go?" in html
    assert f'href="#{target.format(pk=move.pk)}"' in html and f'id="{target.format(pk=move.pk)}"' in html
    assert MoveReview.objects.count() == 0


def test_an_error_on_the_look_back_keeps_every_choice_made_on_the_page(client, practitioner, sent):
    first, second = moves_choose(user=practitioner, checkin=sent, catalogue_keys=[CATALOGUE[0].key, CATALOGUE[1].key])
    draft = _next_draft(client, practitioner)
    data = {
        f"outcome_{first.pk}": "not_yet",
        f"obstacle_{first.pk}": "no_time",
        f"note_{first.pk}": "Clinics ran over",
        f"note_{second.pk}": "A note, but how it went is not chosen",
    }
    html = client.post(reverse("practitioner:moves_review", args=[draft.pk]), data).content.decode()
    assert f'href="#id_outcome_{second.pk}_0"' in html  # the move with the problem, and only that one
    assert f'href="#id_outcome_{first.pk}_0"' not in html
    assert re.search(rf'name="outcome_{first.pk}" value="not_yet" id="[^"]+" checked', html)
    assert re.search(rf'name="obstacle_{first.pk}" value="no_time" id="[^"]+" checked', html)
    assert "Clinics ran over" in html and "A note, but how it went is not chosen" in html
    assert MoveReview.objects.count() == 0


def test_what_got_in_the_way_is_asked_only_under_not_yet_and_dropped(client, practitioner, sent):
    (move,) = moves_choose(user=practitioner, checkin=sent, catalogue_keys=["selfcare-lunch-away"])
    draft = _next_draft(client, practitioner)
    html = client.get(reverse("practitioner:moves_review", args=[draft.pk])).content.decode()
    assert f'data-reveal-for="dropped not_yet" data-reveal-name="outcome_{move.pk}"' in html


def test_a_left_over_obstacle_under_an_answer_that_was_tried_is_ignored_not_refused(client, practitioner, sent):
    # "Not yet" and an obstacle chosen, then "It helped": the hidden obstacle is still sent, and means nothing.
    (move,) = moves_choose(user=practitioner, checkin=sent, catalogue_keys=["selfcare-lunch-away"])
    draft = _next_draft(client, practitioner)
    data = {f"outcome_{move.pk}": "helped", f"obstacle_{move.pk}": "no_time"}
    response = client.post(reverse("practitioner:moves_review", args=[draft.pk]), data)
    assert response.status_code == 302
    assert list(MoveReview.objects.values_list("outcome", "obstacle")) == [("helped", "")]


def test_my_moves_and_their_outcomes_are_on_my_trends_page_and_not_on_anyone_elses(
    client, practitioner, teammate, sent
):
    (move,) = moves_choose(user=practitioner, checkin=sent, catalogue_keys=["selfcare-lunch-away"])
    MoveReview.objects.create(move=move, outcome="helped", note="Felt better")
    client.force_login(practitioner)
    html = client.get(reverse("practitioner:trends")).content.decode()
    assert "Take a proper lunch break" in html and "I tried it and it helped" in html and "Felt better" in html
    client.force_login(teammate)
    assert "Take a proper lunch break" not in client.get(reverse("practitioner:trends")).content.decode()


def test_moves_cannot_be_reviewed_through_a_check_in_already_sent(client, practitioner, sent):
    (move,) = moves_choose(user=practitioner, checkin=sent, catalogue_keys=["selfcare-lunch-away"])
    client.force_login(practitioner)
    response = client.post(reverse("practitioner:moves_review", args=[sent.pk]), {f"outcome_{move.pk}": "helped"})
    assert response.status_code == 404
    assert MoveReview.objects.count() == 0


def test_a_move_already_tried_cannot_be_reviewed_again(client, practitioner, sent):
    (move,) = moves_choose(user=practitioner, checkin=sent, catalogue_keys=["selfcare-lunch-away"])
    MoveReview.objects.create(move=move, outcome="helped", created_at=timezone.now() - timedelta(days=1))
    draft = _next_draft(client, practitioner)
    response = client.post(
        reverse("practitioner:moves_review", args=[draft.pk]), {f"outcome_{move.pk}": "dropped"}, follow=True
    )
    assert "already been reviewed" in response.content.decode()
    assert list(MoveReview.objects.values_list("outcome", flat=True)) == ["helped"]


@pytest.mark.parametrize("n_moves", [1, 3])
def test_the_review_page_step_one_and_the_choose_page_use_a_fixed_number_of_queries(
    client, practitioner, team, sent, n_moves, django_assert_num_queries
):
    for i in range(4):  # some history, closed moves included
        (old,) = moves_choose(user=practitioner, checkin=sent, catalogue_keys=[CATALOGUE[10 + i].key])
        MoveReview.objects.create(move=old, outcome="dropped")
    moves_choose(user=practitioner, checkin=sent, catalogue_keys=[m.key for m in CATALOGUE[:n_moves]])
    draft = _next_draft(client, practitioner)
    # The session, the user, the draft, the moves to review, their reviews (the check-in pages have no menu).
    with django_assert_num_queries(5):
        html = client.get(review_page(draft)).content.decode()
    assert html.count("<legend ") == 2 * n_moves  # each move: how it went, what got in the way
    # The session, the user, the draft, the page's statements, the draft's answers, the moves, their reviews, and
    # the phase's reflection (the first page asks the whole first phase).
    with django_assert_num_queries(8):
        html = client.get(first_page(draft)).content.decode()
    assert html.count("<legend ") == len(questions_for(draft.question_set, "challenges"))
    # The session, the user, the check-in, its scores, and the moves chosen from it (the menu is in the session).
    with django_assert_num_queries(5):
        assert client.get(reverse("practitioner:moves_choose", args=[sent.pk])).status_code == 200
    # The session, the user, the check-in, its scores, the check-in before it, its answers, the profile, the moves,
    # and the reflections.
    with django_assert_num_queries(9):
        assert client.get(reverse("practitioner:checkin_detail", args=[sent.pk])).status_code == 200


def test_the_home_page_reminds_me_of_the_moves_i_am_trying_and_no_one_else_sees_them(
    client, practitioner, teammate, sent
):
    moves_choose(user=practitioner, checkin=sent, catalogue_keys=["selfcare-lunch-away"])
    client.force_login(practitioner)
    assert "Take a proper lunch break" in client.get(reverse("site:home")).content.decode()
    client.force_login(teammate)
    assert "Take a proper lunch break" not in client.get(reverse("site:home")).content.decode()


@pytest.mark.parametrize("field", ["outcome_99999999999999999999999", "note_0", "outcome_-1", "outcome_1x"])
def test_made_up_move_ids_in_a_review_are_404_or_a_message_never_a_500(client, practitioner, sent, field):
    moves_choose(user=practitioner, checkin=sent, catalogue_keys=["selfcare-lunch-away"])
    draft = _next_draft(client, practitioner)
    response = client.post(reverse("practitioner:moves_review", args=[draft.pk]), {field: "helped"})
    assert response.status_code in (400, 404)
    assert MoveReview.objects.count() == 0


def test_what_got_in_the_way_is_refused_for_a_move_that_was_tried_even_past_the_form(practitioner, sent):
    (move,) = moves_choose(user=practitioner, checkin=sent, catalogue_keys=["selfcare-lunch-away"])
    for outcome, obstacle in (("helped", "no_time"), ("did_not_help", "forgot"), ("not_yet", "bad-choice")):
        with pytest.raises(MoveError):
            moves_review(user=practitioner, reviews={move.pk: (outcome, "", obstacle)})
    assert MoveReview.objects.count() == 0
    moves_review(user=practitioner, reviews={move.pk: ("dropped", "", "not_allowed")})
    assert MoveReview.objects.get().obstacle == "not_allowed"
