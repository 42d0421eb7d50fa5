"""What the leads' side keeps: who counts in each period and what they passed on, team actions and the team's voice
on them, the audit logs."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.core.framework import DIMENSION_CHOICES, DIMENSIONS
from assessments.models.organisation import Service, Team


def score_field(slug: str) -> str:
    """The SummaryEntry column holding a dimension's score."""
    return f"score_{slug}"


SCORE_FIELDS: dict[str, str] = {d.slug: score_field(d.slug) for d in DIMENSIONS}
# How many of the dimension's statements the person answered: one answer step is 100 / (4 x that).
ANSWERED_FIELDS: dict[str, str] = {d.slug: f"answered_{d.slug}" for d in DIMENSIONS}


class SummaryEntry(models.Model):
    """The check-in that counts for one person in one fixed period, with its dimension scores.

    Exactly one row per person, period kind and period: their latest submitted
    check-in in it. Kept correct by assessments/figures/contributions.py on every submit and
    delete; a deleted account takes its rows with it. Per-person data: never
    shown to anyone, only aggregated (see figures/publication.py), so not in the admin.
    """

    checkin = models.ForeignKey("assessments.CheckIn", on_delete=models.CASCADE, related_name="summary_entries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10)
    period_start = models.DateField()
    # Which statements the person was asked (their check-in's question set): the publication auditor compares people
    # only with others who were asked the same statements (core/disclosure.py).
    question_set = models.ForeignKey("assessments.QuestionSet", on_delete=models.PROTECT, null=True, related_name="+")
    # One column per dimension of framework.DIMENSIONS (a test checks they match).
    score_individual_challenges = models.FloatField(null=True)
    score_systemic_pressures = models.FloatField(null=True)
    score_individual_values = models.FloatField(null=True)
    score_systemic_values = models.FloatField(null=True)
    score_individual_coping = models.FloatField(null=True)
    score_work_boundaries = models.FloatField(null=True)
    score_systemic_support = models.FloatField(null=True)
    # How many statements each score was made from (null where there is no score, or for entries kept before this
    # was): the publication auditor's answer step (core/disclosure.py). Never shown.
    answered_individual_challenges = models.PositiveSmallIntegerField(null=True)
    answered_systemic_pressures = models.PositiveSmallIntegerField(null=True)
    answered_individual_values = models.PositiveSmallIntegerField(null=True)
    answered_systemic_values = models.PositiveSmallIntegerField(null=True)
    answered_individual_coping = models.PositiveSmallIntegerField(null=True)
    answered_work_boundaries = models.PositiveSmallIntegerField(null=True)
    answered_systemic_support = models.PositiveSmallIntegerField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "period_start"], name="one_summary_entry_per_period")
        ]
        indexes = [models.Index(fields=["service", "kind", "period_start"], name="summary_entry_service_period")]

    def __str__(self) -> str:
        return f"Summary entry {self.pk}"


class StatementEntry(models.Model):
    """One answer of a person's counting check-in (see SummaryEntry) to a statement leads may see as a team figure:
    a systemic statement, a frequency, or the intention to leave. Never a statement about how the person is, never
    an individual one. Per-person data like SummaryEntry: only aggregated, under the share threshold, never shown.
    """

    entry = models.ForeignKey(SummaryEntry, on_delete=models.CASCADE, related_name="statements")
    code = models.SlugField(max_length=50)
    value = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "code"], name="one_statement_entry_per_code")]

    def __str__(self) -> str:
        return f"Statement entry {self.pk}"


class MoveObstacleEntry(models.Model):
    """One obstacle ("what got in the way", a key of core/obstacles.py) that a person named for at least one of their
    moves while filling in their counting check-in (see SummaryEntry). Only the key: never the move, its words or
    the note. Per-person data like SummaryEntry, so it goes with that entry: only counted at publication, under the
    share threshold, never shown.
    """

    entry = models.ForeignKey(SummaryEntry, on_delete=models.CASCADE, related_name="obstacles")
    obstacle = models.CharField(max_length=20)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "obstacle"], name="one_obstacle_entry_per_obstacle")]

    def __str__(self) -> str:
        return f"Obstacle entry {self.pk}"


class TeamAction(models.Model):
    """Something the service agreed to do about what its teams reported, shown to the team while it is open.

    For one team, or (team empty) for every team of the service. About a systemic dimension, or about an
    individual one through something the service provides (training, preceptorship, induction, protected time):
    the responsibility stays with the service. Every change is in its history (TeamActionEvent).
    """

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        UNDER_WAY = "under_way", _("Under way")
        DONE = "done", _("Done")
        STOPPED = "stopped", _("Stopped")

    class Provision(models.TextChoices):
        # What the service provides, for an action on an individual dimension.
        TRAINING = "training", _("Training")
        PRECEPTORSHIP = "preceptorship", _("Preceptorship")
        INDUCTION = "induction", _("Induction")
        PROTECTED_TIME = "protected_time", _("Protected time in job plans")

    OPEN = (Status.PLANNED, Status.UNDER_WAY)

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="actions")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, null=True, blank=True, related_name="actions")
    dimension = models.CharField(_("what it is about"), max_length=50, choices=DIMENSION_CHOICES)
    provision = models.CharField(_("what the service provides"), max_length=20, choices=Provision.choices, blank=True)
    description = models.CharField(_("what the service will do"), max_length=500)
    # A name, not an account: the person doing the work is often not a user of this app (a supervisor, the
    # training team, an operational manager), and only administrators make leads.
    owner = models.CharField(_("who owns it"), max_length=150, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    starts_on = models.DateField(_("from"))
    review_on = models.DateField(_("review by"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The key of the suggestion it was started from (assessments/leads/action_library.py), if any.
    suggestion = models.CharField(max_length=50, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["planned", "under_way"], closed_at__isnull=True)
                | models.Q(status__in=["done", "stopped"], closed_at__isnull=False),
                name="team_action_closed_when_done_or_stopped",
            )
        ]

    def __str__(self) -> str:
        return self.description

    # The words for each stored value, looked up once a page. Django's get_FOO_display() builds a dictionary of every
    # choice on each call, translating each label to hash it: on a summary page listing a service's actions, some
    # three hundred translations a page.
    @property
    def status_label(self) -> str:
        return str(_STATUS_LABELS.get(self.status, self.status))

    @property
    def dimension_label(self) -> str:
        return str(_DIMENSION_LABELS.get(self.dimension, self.dimension))

    @property
    def provision_label(self) -> str:
        return str(_PROVISION_LABELS.get(self.provision, self.provision))

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def review_due(self) -> bool:
        return self.is_open and self.review_on is not None and self.review_on <= timezone.localdate()


_STATUS_LABELS = dict(TeamAction.Status.choices)
_DIMENSION_LABELS = dict(DIMENSION_CHOICES)
_PROVISION_LABELS = dict(TeamAction.Provision.choices)


class TeamActionEvent(models.Model):
    """One line of an action's history: who changed what, when, from what to what (in the words shown then)."""

    class Field(models.TextChoices):
        CREATED = "created", _("Recorded")
        STATUS = "status", _("Status")
        DESCRIPTION = "description", _("What the service will do")
        OWNER = "owner", _("Who owns it")
        REVIEW_ON = "review_on", _("Review by")
        PROVISION = "provision", _("What the service provides")

    action = models.ForeignKey(TeamAction, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    actor_username = models.CharField(max_length=150)
    field = models.CharField(max_length=20, choices=Field.choices)
    before = models.CharField(max_length=500, blank=True)
    after = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.actor_username} {self.field} {self.at:%Y-%m-%d}"


class ActionVoice(models.Model):
    """One practitioner's answer to "has this made a difference?" about one open action, in one period.

    Per-person, like SummaryEntry: never shown to anyone but its author, only counted when the period is
    published (publication.py), so no lead can read it before and after one person changes their answer.
    One row per person, action, period kind and period (both kinds, as SummaryEntry keeps): changing an answer
    within a period replaces it; a new period asks afresh.
    """

    class Answer(models.TextChoices):
        YES = "yes", _("Yes")
        NOT_YET = "not_yet", _("Not yet")
        NO = "no", _("No")

    action = models.ForeignKey(TeamAction, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10)
    period_start = models.DateField()
    answer = models.CharField(max_length=10, choices=Answer.choices)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["action", "user", "kind", "period_start"], name="one_voice_per_period")
        ]
        indexes = [models.Index(fields=["kind", "period_start"], name="action_voice_period")]

    def __str__(self) -> str:
        return f"Voice {self.pk}"


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


class PublishedPeriod(models.Model):
    """The figures of one service, and of each of its teams, for one ended period: computed once, never changed.

    Written the first time anyone needs the period (a lead's page, a CSV, a trend, or the nightly
    `publish_periods` job), with suppression decided then. Every lead page and CSV reads these figures, so
    deleting a check-in or an account, the retention purge, new members or a renamed team cannot move a
    figure a lead may already have read. The unique constraint makes the first writer win when two app
    servers publish the same period at once. Past retention, a period goes whole (publication.published_purge).
    """

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10)
    period_start = models.DateField()
    published_at = models.DateTimeField(default=timezone.now)
    # Shown cells only: head counts, means and shares that passed suppression, hidden cells with their reason.
    # Never per-person rows. See assessments/figures/publication.py for the shape.
    figures = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "kind", "period_start"], name="one_publication_per_period")
        ]

    def __str__(self) -> str:
        return f"Figures for {self.service_id} {self.kind} {self.period_start}"


class JSONTextField(models.TextField):
    """JSON kept as plain text: for values the database never looks inside. PostgreSQL sends a text column as it is
    stored, where a jsonb column is turned back into JSON text on every read (half the cost of reading a stored
    part)."""

    # What the type checker's Django stubs take a field's Python values to be: any JSON value.
    _pyi_private_set_type: Any
    _pyi_private_get_type: Any

    def from_db_value(self, value, expression, connection):
        return None if value is None else json.loads(value)

    def to_python(self, value):
        return json.loads(value) if isinstance(value, str) else value

    def get_prep_value(self, value):
        return None if value is None else json.dumps(value, ensure_ascii=False)


class PublishedPart(models.Model):
    """A part of a lead page or CSV rendered from published figures, stored so that later reads send it as it is.

    Published figures never change, so neither does what is rendered from them: the figures, charts, tables and
    hotspots of a summary page, its conversation pack, its CSVs. Kept per page period, the oldest period its trend
    shows (a trend period past retention is shown as gone, so the key moves on when one expires), scope, language and
    `version` (a digest of the templates and code that render them, and of the settings they read: a change renders
    again, nobody bumps it). What depends on the reader or on today (the header, the CSRF token, the actions, the
    links to other periods) is never in here: the view adds it on every read (assessments/leads/parts.py).
    Both periods are foreign keys, so purging a period past retention deletes every part that shows it; the unique
    constraint lets two servers rendering the same part at once both insert, and the first stands (docs/adr/0015).
    """

    period = models.ForeignKey(PublishedPeriod, on_delete=models.CASCADE, related_name="parts")
    trend_from = models.ForeignKey(PublishedPeriod, on_delete=models.CASCADE, related_name="+")
    # The key, spelt out so that a read is one lookup on the unique index, without a join.
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10)
    period_start = models.DateField()
    trend_start = models.DateField()
    scope = models.CharField(max_length=40)  # "service", or "team:<pk>"
    page = models.CharField(max_length=40)  # which page or CSV: assessments/leads/parts.py
    language = models.CharField(max_length=20)
    version = models.CharField(max_length=64)
    # The rendered pieces in page order; the view puts what is per request between them.
    segments = JSONTextField()
    # Published facts the view needs beside the pieces: whether they withhold a figure, the team's voice on actions.
    facts = models.JSONField(default=dict)
    rendered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["service", "kind", "period_start", "trend_start", "scope", "page", "language", "version"],
                name="one_part_per_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.page} of {self.scope} for {self.service_id} {self.kind} {self.period_start}"


class AuditEvent(models.Model):
    """Audit log of who joins whom: invites sent and accepted, memberships and lead roles given or taken away, and
    every change an administrator makes to an account, a team or a service in the admin."""

    class Action(models.TextChoices):
        INVITE_SENT = "invite_sent", _("Invite sent")
        INVITE_ACCEPTED = "invite_accepted", _("Invite accepted")
        MEMBERSHIP_ADDED = "membership_added", _("Membership added")
        MEMBERSHIP_CHANGED = "membership_changed", _("Membership changed")
        MEMBERSHIP_REMOVED = "membership_removed", _("Membership removed")
        SERVICE_LEAD_ADDED = "service_lead_added", _("Service lead added")
        SERVICE_LEAD_REMOVED = "service_lead_removed", _("Service lead removed")
        # Changes administrators make in the admin: the detail names the fields changed, never their values.
        ACCOUNT_ADDED = "account_added", _("Account added")
        ACCOUNT_CHANGED = "account_changed", _("Account changed")
        ACCOUNT_REMOVED = "account_removed", _("Account deleted")
        SIGN_IN_UNLINKED = "sign_in_unlinked", _("Organisation sign-in unlinked")
        TEAM_ADDED = "team_added", _("Team added")
        TEAM_CHANGED = "team_changed", _("Team changed")
        TEAM_REMOVED = "team_removed", _("Team deleted")
        SERVICE_ADDED = "service_added", _("Service added")
        SERVICE_CHANGED = "service_changed", _("Service changed")
        SERVICE_REMOVED = "service_removed", _("Service deleted")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    actor_username = models.CharField(_("by"), max_length=150)
    action = models.CharField(_("what"), max_length=30, choices=Action.choices)
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # Who it is about: a username or the address an invite went to.
    subject = models.CharField(_("about"), max_length=254)
    detail = models.CharField(_("detail"), max_length=200, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("audit event")

    def __str__(self) -> str:
        return f"{self.actor_username} {self.action} {self.subject}"
