"""Services, teams, memberships, invites and who leads a whole service."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Service(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Cadence(models.TextChoices):
    """How often a lead asks their team to check in. Reminders follow it. Every statement asks about the last four
    weeks, so no reminder comes sooner than that (weekly and fortnightly reminders asked people to answer for the
    same weeks again)."""

    NONE = "", _("No reminders")
    FOUR_WEEKLY = "four_weekly", _("Every 4 weeks")
    MONTHLY = "monthly", _("Every month")


class TeamQuerySet(models.QuerySet):
    def practised_in_by(self, user) -> TeamQuerySet:
        """The teams this person checks in with, as a practitioner."""
        return self.filter(memberships__user=user, memberships__role=Role.PRACTITIONER).select_related("service")

    def led_by(self, user) -> TeamQuerySet:
        """The teams this person leads (not counting services led as a whole)."""
        return self.filter(memberships__user=user, memberships__role=Role.LEAD).select_related("service")


class Team(models.Model):
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(_("name"), max_length=200)
    checkin_cadence = models.CharField(
        _("check-in reminders"), max_length=20, choices=Cadence.choices, default=Cadence.NONE, blank=True
    )

    objects = TeamQuerySet.as_manager()

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


class Invite(models.Model):
    """A single-use, expiring link a lead sends to someone joining their team.

    Only a hash of the token is stored, so a database leak does not leak usable links.

    One open invite per mailbox (assessments/core/mailboxes.py), the database deciding: an open invite holds its
    mailbox in `open_mailbox`, which is unique when set. It lets go when the invite is used, and when it has expired
    and the mailbox is invited again (assessments/leads/invites.py). Empty on invites without an address.
    """

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="invites")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PRACTITIONER)
    email = models.EmailField(_("email address"), blank=True)
    open_mailbox = models.CharField(max_length=254, blank=True, default="", editable=False)
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
        constraints = [
            models.UniqueConstraint(
                fields=["open_mailbox"], condition=~models.Q(open_mailbox=""), name="invite_one_open_per_mailbox"
            )
        ]

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


# --- Sign in with the organisation's account (OpenID Connect) -------------------------------


class OrganisationIdentity(models.Model):
    """A person as their organisation's sign-in knows them: the provider (its issuer) and the provider's own
    identifier for them (the subject). Never the email address alone: an address can be reissued to someone else.

    One identity per person and provider. The first sign-in links it to the account an administrator gave a
    membership to, or to the account made from an invite to that address (assessments/web/identities.py).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organisation_identities")
    issuer = models.CharField(_("provider"), max_length=255)
    subject = models.CharField(_("subject identifier"), max_length=255)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("organisation sign-in")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="organisation_identity_unique"),
            models.UniqueConstraint(fields=["user", "issuer"], name="organisation_identity_one_per_provider"),
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.issuer}"
