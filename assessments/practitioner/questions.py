"""The versioned question set: loading it from data and finding the active one."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from assessments.core.framework import DIMENSIONS_BY_SLUG, AnswerScale, StatementKind
from assessments.core.steps import QUESTION_STEPS, STEP_OF_DIMENSION, Step
from assessments.models.questions import Question, QuestionSet

DATA = Path(__file__).resolve().parent.parent / "data"
# New installations start on the newest edition; an older one is loaded only for the check-ins answered on it (or
# by a service that keeps it active: the loader never takes the active set away).
DEFAULT_QUESTION_FILE = DATA / "questions_v3.json"
FIRST_EDITION_FILE = DATA / "questions_v1.json"
SECOND_EDITION_FILE = DATA / "questions_v2.json"


class QuestionSetError(Exception):
    pass


def active_question_set() -> QuestionSet | None:
    return QuestionSet.objects.filter(is_active=True).first()


@transaction.atomic
def question_set_load(*, path: Path = DEFAULT_QUESTION_FILE, activate: bool = True) -> tuple[QuestionSet, bool]:
    """Load a question set from a JSON file. Safe to run twice.

    An existing version is never rewritten: past check-ins keep the meaning
    they were answered with. With `activate`, the set becomes the active one
    (see question_set_activate). Returns (question_set, created).
    """
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    unknown = {q["dimension"] for q in data["questions"]} - set(DIMENSIONS_BY_SLUG)
    if unknown:
        raise QuestionSetError(f"Unknown dimensions in {path}: {', '.join(sorted(unknown))}")
    for q in data["questions"]:
        if q.get("kind", StatementKind.SCORED) not in set(StatementKind):
            raise QuestionSetError(f"Unknown kind {q['kind']!r} for {q['code']} in {path}")
        if q.get("scale", AnswerScale.AGREEMENT) not in set(AnswerScale):
            raise QuestionSetError(f"Unknown scale {q['scale']!r} for {q['code']} in {path}")
        if q.get("does_not_apply") and StatementKind(q.get("kind", StatementKind.SCORED)).is_scored:
            # Every score stands on the statements everyone was asked (Question.clean says the same in the admin).
            raise QuestionSetError(f"A scored statement cannot offer 'does not apply': {q['code']} in {path}")
    question_set, created = QuestionSet.objects.get_or_create(
        version=data["version"], defaults={"title": data["title"]}
    )
    if created:
        Question.objects.bulk_create(
            Question(
                question_set=question_set,
                code=q["code"],
                dimension=q["dimension"],
                text=q["text"],
                order=i,
                reverse_keyed=bool(q.get("reverse", False)),
                kind=q.get("kind", StatementKind.SCORED),
                scale=q.get("scale", AnswerScale.AGREEMENT),
                source=q.get("source", ""),
                does_not_apply=q.get("does_not_apply", ""),
            )
            for i, q in enumerate(data["questions"], start=1)
        )
    if activate:
        question_set_activate(question_set=question_set)
    return question_set, created


@transaction.atomic
def question_set_activate(*, question_set: QuestionSet) -> None:
    """Make `question_set` the one active set: new check-ins start on it. The admin and the loader both come here."""
    QuestionSet.objects.exclude(pk=question_set.pk).filter(is_active=True).update(is_active=False)
    QuestionSet.objects.filter(pk=question_set.pk).update(is_active=True)
    question_set.is_active = True


def step_questions(question_set_id: int, step: Step) -> list[Question]:
    """The statements one check-in page asks, dimension by dimension in the phase's order and each dimension's in the
    set's order (one query, by the set's id: no need to fetch the set)."""
    slugs = [d.slug for d in step.dimensions]
    questions = Question.objects.filter(question_set_id=question_set_id, dimension__in=slugs)
    return sorted(questions, key=lambda q: (slugs.index(q.dimension), q.order, q.pk))


def questions_by_step(question_set: QuestionSet) -> dict[str, list[Question]]:
    """The set's questions grouped by the slug of the check-in step that asks them, in order (one query)."""
    grouped: dict[str, list[Question]] = {step.slug: [] for step in QUESTION_STEPS}
    dimension_order = {d.slug: i for step in QUESTION_STEPS for i, d in enumerate(step.dimensions)}
    for question in sorted(question_set.questions.all(), key=lambda q: (dimension_order[q.dimension], q.order, q.pk)):
        grouped[STEP_OF_DIMENSION[question.dimension].slug].append(question)
    return grouped
