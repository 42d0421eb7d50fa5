"""What only its author may read: reflections, values, moves and their reviews, supervision notes.

Every field holding a person's own words is sealed at rest (assessments/models/sealed.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.core.framework import DIMENSION_CHOICES, PHASE_CHOICES
from assessments.core.obstacles import OBSTACLES
from assessments.models.checkins import CheckIn
from assessments.models.sealed import HoldsSealedWords, SealedCharField, SealedTextField

REFLECTION_MAX_LENGTH = 5000

VALUES_MAX_LENGTH = 1000


class Reflection(HoldsSealedWords):
    """Private free text. Visible to its author alone, never in any summary or export for leads."""

    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="reflections")
    phase = models.CharField(max_length=20, choices=PHASE_CHOICES)
    text = SealedTextField(max_length=REFLECTION_MAX_LENGTH, owner="checkin")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["checkin", "phase"], name="one_reflection_per_phase")]

    def __str__(self) -> str:
        return f"Reflection on {self.phase}"


class PractitionerProfile(HoldsSealedWords):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practitioner_profile")
    values = SealedTextField(
        _("the values that matter to you in your work"), max_length=VALUES_MAX_LENGTH, blank=True, owner="user"
    )
    reminders_enabled = models.BooleanField(_("email me when it is time to check in"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Profile of {self.user}"


# --- The practitioner's journey: moves, supervision notes, reminders. ---

MOVE_TEXT_MAX_LENGTH = 200

MOVE_NOTE_MAX_LENGTH = 500

SUPERVISION_NOTE_MAX_LENGTH = 500


class ResilientMove(HoldsSealedWords):
    """A small, concrete action a practitioner chose to try before their next check-in. Theirs alone."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="resilient_moves")
    # The catalogue entry it came from; blank for a move the person wrote themselves.
    catalogue_key = models.SlugField(max_length=60, blank=True)
    dimension = models.CharField(max_length=50, choices=DIMENSION_CHOICES, blank=True)
    text = SealedCharField(_("move"), max_length=MOVE_TEXT_MAX_LENGTH, owner="user")
    # The check-in whose profile it was chosen from. Kept if that check-in is deleted.
    chosen_from = models.ForeignKey(CheckIn, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    chosen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-chosen_at", "-id"]
        indexes = [models.Index(fields=["user", "chosen_at"])]

    def __str__(self) -> str:
        # Not the words: the admin names related objects by str() (deleting an account lists its moves).
        return f"Move {self.pk}"


class MoveOutcome(models.TextChoices):
    HELPED = "helped", _("I tried it and it helped")
    DID_NOT_HELP = "did_not_help", _("I tried it and it did not help")
    NOT_YET = "not_yet", _("Not yet")
    DROPPED = "dropped", _("I have dropped it")


# What got in the way of a move, when it was not tried or was dropped (NO_TIME, DIARY_FULL, NOT_ALLOWED, FORGOT,
# OTHER), in the person's words. Defined once in core/obstacles.py, beside the words of the team figure leads see:
# counted at publication, never read.
# (django-stubs types only the class form of TextChoices, not this functional one.)
MoveObstacle = models.TextChoices(  # type: ignore[call-overload]
    "MoveObstacle", [(o.key.upper(), (o.key, o.asked)) for o in OBSTACLES]
)


# "What got in the way" is asked only of a move that did not happen: not yet tried, or dropped.
OBSTACLE_OUTCOMES = frozenset({MoveOutcome.NOT_YET, MoveOutcome.DROPPED})


class MoveReview(HoldsSealedWords):
    """How a move went, given at a later check-in. A move reviewed "not yet" stays open."""

    move = models.ForeignKey(ResilientMove, on_delete=models.CASCADE, related_name="reviews")
    outcome = models.CharField(max_length=20, choices=MoveOutcome.choices)
    obstacle = models.CharField(_("what got in the way"), max_length=20, choices=MoveObstacle.choices, blank=True)
    note = SealedCharField(_("note"), max_length=MOVE_NOTE_MAX_LENGTH, blank=True, owner="move")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}"


class SupervisionNote(HoldsSealedWords):
    """Something the practitioner wants to bring to supervision: a reflection, a dimension, or their own words.

    Private: no one else sees it, not even their lead.
    """

    class Kind(models.TextChoices):
        REFLECTION = "reflection", _("Reflection")
        DIMENSION = "dimension", _("Dimension")
        OWN = "own", _("Your own note")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supervision_notes")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Deleting the check-in deletes what was marked from it.
    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    phase = models.CharField(max_length=20, choices=PHASE_CHOICES, blank=True)
    dimension = models.CharField(max_length=50, choices=DIMENSION_CHOICES, blank=True)
    note = SealedCharField(_("note"), max_length=SUPERVISION_NOTE_MAX_LENGTH, blank=True, owner="user")
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Supervision note ({self.get_kind_display()})"


class ReminderSent(models.Model):
    """One reminder email per person per cadence window, so a re-run of the command sends nothing twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders_sent")
    window_start = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "window_start"], name="one_reminder_per_window")]

    def __str__(self) -> str:
        return f"Reminder for window starting {self.window_start}"
