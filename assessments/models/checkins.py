"""Check-ins, their answers and their dimension scores: one person's, never shown to anyone else."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.core.framework import DIMENSION_CHOICES, DOES_NOT_APPLY, SCALE_MAX, SCALE_MIN
from assessments.models.organisation import Team
from assessments.models.questions import Question, QuestionSet


class CheckIn(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkins")
    # The team the check-in counts towards in anonymised summaries.
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="checkins")
    question_set = models.ForeignKey(QuestionSet, on_delete=models.PROTECT, related_name="checkins")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # How many phase steps have been saved; the next step a person may open.
    steps_completed = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-submitted_at", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=Q(status="draft"), name="one_draft_per_user"),
            models.CheckConstraint(
                condition=Q(status="draft", submitted_at__isnull=True)
                | Q(status="submitted", submitted_at__isnull=False),
                name="submitted_checkin_has_date",
            ),
        ]
        indexes = [models.Index(fields=["user", "status", "submitted_at"])]

    def __str__(self) -> str:
        return f"Check-in {self.pk} ({self.get_status_display()})"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


class Answer(models.Model):
    """One answered statement. An unanswered statement has no row; "does not apply" is stored as DOES_NOT_APPLY."""

    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["checkin", "question"], name="one_answer_per_question"),
            models.CheckConstraint(
                condition=Q(value__gte=SCALE_MIN, value__lte=SCALE_MAX) | Q(value=DOES_NOT_APPLY),
                name="answer_value_on_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"Answer {self.value} to question {self.question_id}"


class DimensionScore(models.Model):
    """A dimension's score (0-100) for one submitted check-in, stored at submit time."""

    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="scores")
    dimension = models.CharField(max_length=50, choices=DIMENSION_CHOICES)
    score = models.FloatField()
    answered = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["checkin", "dimension"], name="one_score_per_dimension")]

    def __str__(self) -> str:
        return f"{self.dimension}: {self.score}"
