from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .framework import DIMENSION_CHOICES, PHASE_CHOICES, SCALE_MAX, SCALE_MIN

REFLECTION_MAX_LENGTH = 5000
VALUES_MAX_LENGTH = 1000


class Service(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Cadence(models.TextChoices):
    """How often a lead asks their team to check in. Reminders follow it."""

    NONE = "", _("No reminders")
    WEEKLY = "weekly", _("Every week")
    FORTNIGHTLY = "fortnightly", _("Every two weeks")
    MONTHLY = "monthly", _("Every month")


class Team(models.Model):
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(_("name"), max_length=200)
    checkin_cadence = models.CharField(
        _("check-in reminders"), max_length=20, choices=Cadence.choices, default=Cadence.NONE, blank=True
    )

    class Meta:
        ordering = ["service__name", "name"]
        constraints = [models.UniqueConstraint(fields=["service", "name"], name="team_name_unique_in_service")]

    def __str__(self) -> str:
        return f"{self.service.name} – {self.name}"


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", _("Practitioner")
    LEAD = "lead", _("Service lead")


class Membership(models.Model):
    """A person's place in a team. One person may belong to several teams."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.PRACTITIONER)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["team__name"]
        constraints = [models.UniqueConstraint(fields=["user", "team", "role"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} in {self.team} ({self.get_role_display()})"


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

    class Meta:
        ordering = ["question_set", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["question_set", "code"], name="question_code_unique_in_set")]

    def __str__(self) -> str:
        return self.text


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
    """One answered statement. An unanswered statement has no row."""

    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["checkin", "question"], name="one_answer_per_question"),
            models.CheckConstraint(
                condition=Q(value__gte=SCALE_MIN, value__lte=SCALE_MAX), name="answer_value_on_scale"
            ),
        ]

    def __str__(self) -> str:
        return f"Answer {self.value} to question {self.question_id}"


class Reflection(models.Model):
    """Private free text. Visible to its author alone, never in any summary or export for leads."""

    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="reflections")
    phase = models.CharField(max_length=20, choices=PHASE_CHOICES)
    text = models.TextField(max_length=REFLECTION_MAX_LENGTH)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["checkin", "phase"], name="one_reflection_per_phase")]

    def __str__(self) -> str:
        return f"Reflection on {self.phase}"


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


class PractitionerProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practitioner_profile")
    values = models.TextField(_("the values that matter to you in your work"), max_length=VALUES_MAX_LENGTH, blank=True)
    reminders_enabled = models.BooleanField(_("email me when it is time to check in"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Profile of {self.user}"


class Invite(models.Model):
    """A single-use, expiring link a lead sends to someone joining their team.

    Only a hash of the token is stored, so a database leak does not leak usable links.
    """

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="invites")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PRACTITIONER)
    email = models.EmailField(_("email address"), blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="invites_sent"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invite to {self.team} ({self.get_role_display()})"

    @property
    def is_usable(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now()


# --- Team and service summaries (anonymised) -------------------------------------------------


class ServiceLead(models.Model):
    """A lead of a whole service: sees the summaries of every team in it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="services_led")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="leads")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("service lead")
        constraints = [models.UniqueConstraint(fields=["user", "service"], name="service_lead_unique")]

    def __str__(self) -> str:
        return f"{self.user} leads {self.service}"


class SummaryEntry(models.Model):
    """The check-in that counts for one person in one fixed period, with its dimension scores.

    Exactly one row per person, period kind and period: their latest submitted
    check-in in it. Kept correct by assessments/standings.py on every submit and
    delete; a deleted account takes its rows with it. Per-person data: never
    shown to anyone, only aggregated (see summaries.py), so not in the admin.
    """

    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="summary_entries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10)
    period_start = models.DateField()
    # One column per dimension of framework.DIMENSIONS (a test checks they match).
    score_individual_challenges = models.FloatField(null=True)
    score_systemic_pressures = models.FloatField(null=True)
    score_individual_values = models.FloatField(null=True)
    score_systemic_values = models.FloatField(null=True)
    score_individual_coping = models.FloatField(null=True)
    score_work_boundaries = models.FloatField(null=True)
    score_systemic_support = models.FloatField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "period_start"], name="one_summary_entry_per_period")
        ]
        indexes = [models.Index(fields=["service", "kind", "period_start"], name="summary_entry_service_period")]

    def __str__(self) -> str:
        return f"Summary entry {self.pk}"


class TeamAction(models.Model):
    """Something the service agreed to do about a systemic dimension, shown to the team."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="actions")
    dimension = models.CharField(_("what it is about"), max_length=50, choices=DIMENSION_CHOICES)
    description = models.CharField(_("what the service will do"), max_length=500)
    starts_on = models.DateField(_("from"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "-created_at"]

    def __str__(self) -> str:
        return self.description


class SummaryAccess(models.Model):
    """Audit log: every view and export of a summary. Written by the app, read-only in the admin."""

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed")
        EXPORT = "export", _("Exported CSV")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    username = models.CharField(_("who"), max_length=150)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.SET_NULL, null=True, related_name="+")
    scope = models.CharField(_("team or service"), max_length=420)
    period = models.CharField(_("period"), max_length=10)
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("summary access")
        verbose_name_plural = _("summary accesses")

    def __str__(self) -> str:
        return f"{self.username} {self.action} {self.scope} {self.period}"
# --- The practitioner's journey (issue 4): moves, supervision notes, reminders. ---

MOVE_TEXT_MAX_LENGTH = 200
MOVE_NOTE_MAX_LENGTH = 500
SUPERVISION_NOTE_MAX_LENGTH = 500


class ResilientMove(models.Model):
    """A small, concrete action a practitioner chose to try before their next check-in. Theirs alone."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="resilient_moves")
    # The catalogue entry it came from; blank for a move the person wrote themselves.
    catalogue_key = models.SlugField(max_length=60, blank=True)
    dimension = models.CharField(max_length=50, choices=DIMENSION_CHOICES, blank=True)
    text = models.CharField(_("move"), max_length=MOVE_TEXT_MAX_LENGTH)
    # The check-in whose profile it was chosen from. Kept if that check-in is deleted.
    chosen_from = models.ForeignKey(CheckIn, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    chosen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-chosen_at", "-id"]
        indexes = [models.Index(fields=["user", "chosen_at"])]

    def __str__(self) -> str:
        return self.text


class MoveOutcome(models.TextChoices):
    HELPED = "helped", _("I tried it and it helped")
    DID_NOT_HELP = "did_not_help", _("I tried it and it did not help")
    NOT_YET = "not_yet", _("Not yet")
    DROPPED = "dropped", _("I have dropped it")


class MoveReview(models.Model):
    """How a move went, given at a later check-in. A move reviewed "not yet" stays open."""

    move = models.ForeignKey(ResilientMove, on_delete=models.CASCADE, related_name="reviews")
    outcome = models.CharField(max_length=20, choices=MoveOutcome.choices)
    note = models.CharField(_("note"), max_length=MOVE_NOTE_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}"


class SupervisionNote(models.Model):
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
    note = models.CharField(_("note"), max_length=SUPERVISION_NOTE_MAX_LENGTH, blank=True)
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
