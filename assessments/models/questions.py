"""The versioned question set."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.core.framework import (
    ANSWER_SCALE_CHOICES,
    DIMENSION_CHOICES,
    DIMENSIONS_BY_SLUG,
    DOES_NOT_APPLY,
    STATEMENT_KIND_CHOICES,
    AnswerScale,
    StatementKind,
)
from assessments.models.organisation import Team  # noqa: F401

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class QuestionSet(models.Model):
    """A versioned set of statements. A check-in keeps the version it was answered on.

    Once any check-in uses a version its statements are locked (see admin.py);
    a change of wording means a new version.
    """

    version = models.PositiveIntegerField(_("version"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    is_active = models.BooleanField(
        _("active"), default=False, help_text=_("New check-ins use the active version. Only one can be active.")
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["is_active"], condition=Q(is_active=True), name="one_active_question_set")
        ]

    def __str__(self) -> str:
        return f"v{self.version}: {self.title}"

    @property
    def is_in_use(self) -> bool:
        return self.checkins.exists()


class Question(models.Model):
    question_set = models.ForeignKey(QuestionSet, on_delete=models.CASCADE, related_name="questions")
    code = models.SlugField(_("code"), max_length=50)
    dimension = models.CharField(_("dimension"), max_length=50, choices=DIMENSION_CHOICES)
    text = models.CharField(_("statement"), max_length=300)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    reverse_keyed = models.BooleanField(
        _("reverse-keyed"),
        default=False,
        help_text=_(
            "Agreeing means less of what the dimension measures, so the answer is scored the other way round "
            "(strongly agree counts as strongly disagree)."
        ),
    )

    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=STATEMENT_KIND_CHOICES,
        default=StatementKind.SCORED.value,
        help_text=_(
            "Only scored statements count towards their dimension's score. The others are asked on the dimension's "
            "step and kept apart."
        ),
    )
    scale = models.CharField(
        _("answer scale"), max_length=20, choices=ANSWER_SCALE_CHOICES, default=AnswerScale.AGREEMENT.value
    )
    # Where the statement comes from, for the people who maintain the question set (docs/question-set.md).
    source = models.CharField(_("source in the research"), max_length=300, blank=True)
    does_not_apply = models.CharField(
        _("“does not apply” answer"),
        max_length=100,
        blank=True,
        help_text=_(
            "Where a statement may not apply to someone, the words of one more answer that says so, such as “No "
            "supervision was planned”. It counts as not answered. Not for scored statements."
        ),
    )

    class Meta:
        ordering = ["question_set", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["question_set", "code"], name="question_code_unique_in_set")]

    def __str__(self) -> str:
        return self.text

    def clean(self) -> None:
        if self.does_not_apply and StatementKind(self.kind).is_scored:
            raise ValidationError(
                {
                    "does_not_apply": _(
                        "A scored statement cannot offer “does not apply”: every score must stand on the statements "
                        "everyone was asked. Leave it blank, or make the statement one that is not scored."
                    )
                }
            )

    @property
    def is_scored(self) -> bool:
        return StatementKind(self.kind).is_scored

    @property
    def answer_choices(self) -> list[tuple[int, StrOrPromise]]:
        """The five points of the statement's scale, then its "does not apply" answer where it offers one."""
        choices = AnswerScale(self.scale).choices
        return [*choices, (DOES_NOT_APPLY, self.does_not_apply)] if self.does_not_apply else choices

    def allows(self, value: int) -> bool:
        """Whether `value` is one of this statement's answers."""
        return any(value == v for v, _label in self.answer_choices)

    def answer_label(self, value: int | None) -> str:
        """The words of an answer, as the person saw them; "" for a blank."""
        return str(dict(self.answer_choices).get(value, "")) if value is not None else ""

    @property
    def phase_slug(self) -> str:
        """The phase this statement belongs to, through its dimension: the check-in asks it on that phase's step."""
        return DIMENSIONS_BY_SLUG[self.dimension].phase_slug
