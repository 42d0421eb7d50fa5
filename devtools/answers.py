"""Answer every page of a draft check-in at once, for the demo, the benchmark and the tests, so that none of them
repeats which page asks what or carries which words.

It writes what the pages leave once each has been saved (`checkin_save_step`, page by page, is what people use and
is tested as such in tests/practitioner, where a test also checks that this leaves exactly the same rows). Written
directly it takes five statements instead of the pages' fifty: the test suite sends about a thousand check-ins and
the demo about four hundred. Sending is then the real `checkin_submit`, which checks every answer again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.db import transaction

from assessments.core.steps import QUESTION_STEP_COUNT
from assessments.models.checkins import Answer, CheckIn
from assessments.models.private import PractitionerProfile, Reflection
from assessments.models.questions import Question


@transaction.atomic
def answer_every_step(
    checkin: CheckIn,
    answer: Callable[[Question], int | None],
    *,
    reflections: Mapping[str, str] | None = None,
    values: str | None = None,
) -> CheckIn:
    """Leave a draft as saving each of its pages would: `answer(question)` for each statement (None leaves it
    blank), `reflections` by phase slug (a phase not named has none), `values` as the person's values (None leaves
    them as they are), and every page done, ready to check and send."""
    if checkin.status != CheckIn.Status.DRAFT:
        raise ValueError(f"Check-in {checkin.pk} was sent already.")
    Answer.objects.filter(checkin=checkin).delete()
    Answer.objects.bulk_create(
        Answer(checkin=checkin, question=question, value=value)
        for question in Question.objects.filter(question_set_id=checkin.question_set_id)
        if (value := answer(question)) is not None
    )
    Reflection.objects.filter(checkin=checkin).delete()
    for phase, text in (reflections or {}).items():
        if text.strip():
            Reflection.objects.create(checkin=checkin, phase=phase, text=text.strip())
    if values is not None:
        PractitionerProfile.objects.update_or_create(user=checkin.user, defaults={"values": values.strip()})
    checkin.steps_completed = QUESTION_STEP_COUNT
    checkin.save(update_fields=["steps_completed", "updated_at"])
    return checkin
