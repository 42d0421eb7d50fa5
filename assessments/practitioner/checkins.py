"""Check-in writes: start, save a step, discard, submit.

Each is one transaction. Submit re-validates everything saved so far, so a
draft tampered with between steps cannot be submitted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import cast

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.core.framework import SCALE_MAX, SCALE_MIN, Phase, StatementKind
from assessments.core.scoring import DimensionResult, keyed, score_dimensions
from assessments.core.steps import QUESTION_STEP_COUNT, Step
from assessments.figures.contributions import entries_refresh
from assessments.models.checkins import Answer, CheckIn, DimensionScore
from assessments.models.organisation import Team
from assessments.models.private import REFLECTION_MAX_LENGTH, PractitionerProfile, Reflection
from assessments.models.questions import Question
from assessments.practitioner.questions import active_question_set, step_questions


class CheckInError(Exception):
    """A request the check-in cannot accept. The message is safe to show to the person."""


class CheckInAlreadySent(CheckInError):
    """The check-in was sent already: by an earlier request, or by another tab or a double click just now."""


def current_draft(user: User) -> CheckIn | None:
    return CheckIn.objects.filter(user=user, status=CheckIn.Status.DRAFT).select_related("team").first()


@transaction.atomic
def checkin_start(*, user: User, team: Team) -> CheckIn:
    """Start a check-in for one of the person's teams, or return the draft they already have."""
    draft = current_draft(user)
    if draft is not None:
        return draft
    if not Team.objects.practised_in_by(user).filter(pk=team.pk).exists():
        raise CheckInError(_("You can only check in with a team you belong to."))
    question_set = active_question_set()
    if question_set is None:
        raise CheckInError(_("The check-in is not set up yet. Please ask your administrator to load the questions."))
    # Two tabs (or a double click) can both find no draft above. The one-draft-per-person constraint decides which
    # insert wins; the other fetches the winner's draft, so both requests lead to the same check-in.
    try:
        with transaction.atomic():
            return CheckIn.objects.create(user=user, team=team, question_set=question_set)
    except IntegrityError:
        draft = current_draft(user)
        if draft is None:
            raise
        return draft


def _lock_draft(checkin: CheckIn) -> CheckIn:
    locked = CheckIn.objects.select_for_update().get(pk=checkin.pk)
    if locked.status != CheckIn.Status.DRAFT:
        raise CheckInAlreadySent(_("This check-in has already been sent, so it can no longer be changed."))
    return locked


@transaction.atomic
def checkin_save_step(
    *,
    checkin: CheckIn,
    step: Step,
    answers: Mapping[int, int | None],
    reflection: str | None = None,
    values: str | None = None,
) -> CheckIn:
    """Save one question step of a draft: its answers (by question id) and, on the page that carries them, the
    phase's private reflection (the phase's last page) or the person's values (phase 2's first page).

    `None` leaves a reflection or values as they are; an empty string removes a saved reflection."""
    checkin = _lock_draft(checkin)
    if not step.asks_questions:
        raise CheckInError(_("There is nothing to save on this step."))
    if step.index > checkin.steps_completed:
        raise CheckInError(_("Please answer the earlier parts of the check-in first."))
    if (reflection is not None and not step.closes_phase) or (values is not None and not step.asks_values):
        raise CheckInError(_("Some of what was sent is not part of this step. Nothing was saved."))
    asked = {q.pk: q for q in step_questions(checkin.question_set_id, step)}
    if set(answers) - set(asked):
        raise CheckInError(_("Some answers were for statements that are not part of this step."))
    for qid, value in answers.items():
        if value is not None and not asked[qid].allows(value):
            raise CheckInError(_("Each answer must be one of the options on the scale."))
    if reflection is not None and len(reflection) > REFLECTION_MAX_LENGTH:
        raise CheckInError(_("Your reflection is too long."))

    Answer.objects.filter(checkin=checkin, question_id__in=asked).delete()
    Answer.objects.bulk_create(
        Answer(checkin=checkin, question_id=qid, value=value) for qid, value in answers.items() if value is not None
    )
    if reflection is not None:
        phase = cast(Phase, step.phase)  # only a page that closes a phase asks for a reflection
        if reflection.strip():
            Reflection.objects.update_or_create(
                checkin=checkin, phase=phase.slug, defaults={"text": reflection.strip()}
            )
        else:
            Reflection.objects.filter(checkin=checkin, phase=phase.slug).delete()
    if values is not None:
        PractitionerProfile.objects.update_or_create(user=checkin.user, defaults={"values": values.strip()})

    checkin.steps_completed = max(checkin.steps_completed, step.index + 1)
    checkin.save(update_fields=["steps_completed", "updated_at"])
    return checkin


@transaction.atomic
def checkin_discard(*, checkin: CheckIn) -> None:
    _lock_draft(checkin).delete()


@transaction.atomic
def checkin_delete(*, checkin: CheckIn) -> None:
    """Delete one of a person's check-ins, draft or submitted, with everything attached to it.

    Summaries computed afterwards no longer include it: if it was the person's
    latest in a period, their previous check-in in that period counts instead.
    """
    locked = CheckIn.objects.select_for_update().filter(pk=checkin.pk).first()
    if locked is None:
        return
    locked.delete()
    if locked.submitted_at is not None:
        entries_refresh(user_id=locked.user_id, moments=[locked.submitted_at])


def scored_statements(question_set_id: int) -> Counter[str]:
    """How many scored statements each dimension has in a question set: what the half-answered rule counts against."""
    return Counter(
        Question.objects.filter(question_set_id=question_set_id, kind=StatementKind.SCORED).values_list(
            "dimension", flat=True
        )
    )


def dimension_results(answers: Iterable[Answer], statements: Mapping[str, int]) -> dict[str, DimensionResult]:
    """The dimension scores a check-in's answers (each with its question) give, by the scoring rule: what sending it
    stores (a dimension with no score stores no row), and what the load test's verify.py checks a stored check-in
    against."""
    values_by_dimension: dict[str, list[int]] = {}
    for answer in answers:
        if not answer.question.is_scored or not SCALE_MIN <= answer.value <= SCALE_MAX:
            # A frequency, how the person is or the intention to leave is never blended into a score (and only they
            # may say "does not apply").
            continue
        value = keyed(answer.value, reverse=answer.question.reverse_keyed)
        values_by_dimension.setdefault(answer.question.dimension, []).append(value)
    return score_dimensions(values_by_dimension, statements)


@transaction.atomic
def checkin_submit(*, checkin: CheckIn) -> CheckIn:
    """Re-validate every step of the draft and submit it, storing its dimension scores."""
    checkin = _lock_draft(checkin)
    if checkin.steps_completed < QUESTION_STEP_COUNT:
        raise CheckInError(_("Please go through every part of the check-in before sending it."))
    answers = list(checkin.answers.select_related("question"))
    for answer in answers:
        if answer.question.question_set_id != checkin.question_set_id or not answer.question.allows(answer.value):
            raise CheckInError(_("Some answers could not be checked. Please go through the check-in again."))
    if any(len(r.text) > REFLECTION_MAX_LENGTH for r in checkin.reflections.all()):
        raise CheckInError(_("Your reflection is too long."))

    results = dimension_results(answers, scored_statements(checkin.question_set_id))
    DimensionScore.objects.bulk_create(
        DimensionScore(checkin=checkin, dimension=slug, score=result.score, answered=result.answered)
        for slug, result in results.items()
        if result.score is not None
    )
    checkin.status = CheckIn.Status.SUBMITTED
    checkin.submitted_at = timezone.now()
    checkin.save(update_fields=["status", "submitted_at", "updated_at"])
    entries_refresh(user_id=checkin.user_id, moments=[checkin.submitted_at])
    return checkin
