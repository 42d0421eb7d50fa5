"""Django admin for administrators: accounts, organisation and the question set.

Check-ins, answers and reflections are deliberately not registered: they belong to the practitioner alone. Nothing
here lets an administrator sign in as, or read as, anyone else: no administrator chooses or changes another person's
password (an account added here gets none, and its owner is emailed a link to choose one), and every change to an
account, a membership, a team, a service or a lead role is in the app's audit log (AuditEvent), by field name.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UsernameField
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.leads.audit import audit_record
from assessments.models.figures import AuditEvent, SummaryAccess, TeamAction
from assessments.models.organisation import Invite, Membership, OrganisationIdentity, Service, ServiceLead, Team
from assessments.models.questions import Question, QuestionSet
from assessments.practitioner.questions import question_set_activate
from assessments.web.account_notices import account_ready_notice
from assessments.web.identities import USERNAME_MAX_LENGTH

User = get_user_model()


def _fields(names: Iterable[str]) -> str:
    """What an audit line says changed: the names of the fields, never their values."""
    return ", ".join(names)


# --- Accounts -------------------------------------------------------------------------------------------------------


def _address_taken(address: str, user=None) -> bool:
    others = User.objects.exclude(pk=user.pk) if user is not None else User.objects.all()
    return others.filter(Q(username__iexact=address) | Q(email__iexact=address)).exists()


class AccountAddForm(forms.ModelForm):
    """An account as an invite makes one: the address is the username, and only its owner chooses the password."""

    class Meta:
        model = User
        fields = ["email", "first_name", "last_name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].help_text = _("It becomes their username. We email it a link to choose their password.")

    def clean_email(self) -> str:
        address = self.cleaned_data["email"].strip()
        if len(address) > USERNAME_MAX_LENGTH:
            raise ValidationError(_("This address is too long to be a username."))
        if _address_taken(address):
            raise ValidationError(_("An account already has this address."))
        return address

    def save(self, commit: bool = True):
        user = super().save(commit=False)
        user.username = user.email.lower()
        user.set_unusable_password()
        if commit:
            user.save()
        return user


class AccountChangeForm(forms.ModelForm):
    """Django's user form without the password: nobody sees or changes another person's password here."""

    class Meta:
        model = User
        fields = [
            "username",
            "email",
            "first_name",
            "last_name",
            "is_active",
            "is_staff",
            "is_superuser",
            "groups",
            "user_permissions",
        ]
        field_classes = {"username": UsernameField}

    def clean_email(self) -> str:
        address = self.cleaned_data["email"].strip()
        # Two accounts with one address: a reset link would go to both, and the organisation's sign-in could not tell
        # them apart.
        if address and _address_taken(address, self.instance):
            raise ValidationError(_("Another account already has this address."))
        return address


admin.site.unregister(User)


@admin.register(User)
class AccountAdmin(UserAdmin):
    """Django's user admin without its password pages. Changing an address or a username emails the old address
    (assessments/web/account_notices.py) and, like every change here, goes into the audit log."""

    add_form = AccountAddForm
    add_form_template = None  # Django's asks for a username and a password
    form = AccountChangeForm
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "first_name", "last_name"),
                "description": _(
                    "Administrators never choose anyone's password. The person is emailed a link to choose their "
                    "own, or signs in with their organisation's account."
                ),
            },
        ),
    )
    fieldsets = (
        (
            None,
            {
                "fields": ("username", "email", "signs_in_with"),
                "description": _(
                    "Changing the address or the username emails the old address, and is in the audit log. Nobody "
                    "can set another person's password: they reset it themselves from the sign-in page."
                ),
            },
        ),
        (_("Personal info"), {"fields": ("first_name", "last_name")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ("signs_in_with", "last_login", "date_joined")

    @admin.display(description=_("signs in with"))
    def signs_in_with(self, obj) -> str:
        ways = []
        if obj.has_usable_password():
            ways.append(str(_("a password they chose")))
        if obj.organisation_identities.exists():
            ways.append(str(_("their organisation's account")))
        return ", ".join(ways) or str(_("nothing yet"))

    def user_change_password(self, request, id, form_url=""):
        """Django's page for setting anyone's password, or switching password sign-in off: refused to everyone.
        Administrators change their own on the site's page, which asks for the old one and is throttled."""
        raise PermissionDenied

    def save_model(self, request, obj, form, change):
        username_before = form.initial.get("username") if change else None
        super().save_model(request, obj, form, change)
        if change and not form.changed_data:
            return
        subject = obj.get_username()
        if username_before and username_before != subject:
            subject = f"{subject} (was {username_before})"
        action = AuditEvent.Action.ACCOUNT_CHANGED if change else AuditEvent.Action.ACCOUNT_ADDED
        audit_record(actor=request.user, action=action, subject=subject, detail=_fields(form.changed_data))
        if not change and settings.LOCAL_PASSWORDS:
            account_ready_notice(obj)

    def _audit_removed(self, request, user) -> None:
        for membership in user.memberships.select_related("team__service"):
            _audit_membership(request, membership, AuditEvent.Action.MEMBERSHIP_REMOVED)
        for lead in user.services_led.select_related("service"):
            _audit_service_lead(request, lead, AuditEvent.Action.SERVICE_LEAD_REMOVED)
        audit_record(actor=request.user, action=AuditEvent.Action.ACCOUNT_REMOVED, subject=user.get_username())

    def delete_model(self, request, obj):
        self._audit_removed(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            self._audit_removed(request, user)
        super().delete_queryset(request, queryset)


# --- Services, teams, memberships -----------------------------------------------------------------------------------


def _audit_membership(request, membership: Membership, action: str, changed: Iterable[str] = ()) -> None:
    detail = membership.get_role_display()
    if changed:
        detail = f"{detail} (changed: {_fields(changed)})"
    audit_record(
        actor=request.user,
        action=action,
        team=membership.team,
        subject=membership.user.get_username(),
        detail=detail,
    )


def _audit_team(request, team: Team, action: str, changed: Iterable[str] = ()) -> None:
    audit_record(
        actor=request.user, action=action, team=team, service=team.service, subject=team.name, detail=_fields(changed)
    )


def _audit_team_removed(request, team: Team) -> None:
    """A team deleted takes its memberships with it: each is in the log, as if removed one by one."""
    for membership in team.memberships.select_related("user", "team__service"):
        _audit_membership(request, membership, AuditEvent.Action.MEMBERSHIP_REMOVED)
    _audit_team(request, team, AuditEvent.Action.TEAM_REMOVED)


def _audit_service(request, service: Service, action: str, changed: Iterable[str] = ()) -> None:
    audit_record(actor=request.user, action=action, service=service, subject=service.name, detail=_fields(changed))


def _audit_service_lead(request, lead: ServiceLead, action: str) -> None:
    audit_record(actor=request.user, action=action, service=lead.service, subject=lead.user.get_username())


class TeamInline(admin.TabularInline):
    model = Team
    extra = 0


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    search_fields = ["name"]
    inlines = [TeamInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change or form.changed_data:
            action = AuditEvent.Action.SERVICE_CHANGED if change else AuditEvent.Action.SERVICE_ADDED
            _audit_service(request, obj, action, form.changed_data)

    def save_formset(self, request, form, formset, change):
        """Teams added, changed or deleted on the service page go into the audit log as on their own page."""
        formset.save(commit=False)
        for team in formset.deleted_objects:
            _audit_team_removed(request, team)
            team.delete()
        for team in formset.new_objects:
            team.save()
            _audit_team(request, team, AuditEvent.Action.TEAM_ADDED, _added_fields(formset, team))
        for team, changed in formset.changed_objects:
            team.save()
            _audit_team(request, team, AuditEvent.Action.TEAM_CHANGED, changed)
        formset.save_m2m()

    def _audit_removed(self, request, service: Service) -> None:
        for lead in service.leads.select_related("user", "service"):
            _audit_service_lead(request, lead, AuditEvent.Action.SERVICE_LEAD_REMOVED)
        _audit_service(request, service, AuditEvent.Action.SERVICE_REMOVED)

    def delete_model(self, request, obj):
        self._audit_removed(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for service in queryset:
            self._audit_removed(request, service)
        super().delete_queryset(request, queryset)


def _added_fields(formset, obj) -> list[str]:
    """The fields filled in on the inline row that added `obj`."""
    return next((f.changed_data for f in formset.forms if f.instance is obj), [])


class MembershipInlineForm(forms.ModelForm):
    """A row of the team page's memberships: who and which team are fixed once the membership exists."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and "user" in self.fields:
            self.fields["user"].disabled = True  # a posted user is ignored, as for a read-only field


class MembershipInline(admin.TabularInline):
    """The team's memberships. A membership's person, team and join date never change: a person who moves team ends
    one membership and starts another, which counts from the first whole period after it began."""

    model = Membership
    form = MembershipInlineForm
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "joined"]
    readonly_fields = ["joined"]

    @admin.display(description=_("joined"))
    def joined(self, obj: Membership):
        return obj.created_at if obj.pk is not None else None


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "service"]
    list_filter = ["service"]
    search_fields = ["name", "service__name"]
    inlines = [MembershipInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change or form.changed_data:
            action = AuditEvent.Action.TEAM_CHANGED if change else AuditEvent.Action.TEAM_ADDED
            _audit_team(request, obj, action, form.changed_data)

    def delete_model(self, request, obj):
        _audit_team_removed(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for team in queryset.select_related("service"):
            _audit_team_removed(request, team)
        super().delete_queryset(request, queryset)

    def save_formset(self, request, form, formset, change):
        """Memberships changed on the team page go into the audit log like those changed on their own page."""
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        for membership in formset.deleted_objects:
            _audit_membership(request, membership, AuditEvent.Action.MEMBERSHIP_REMOVED)
            membership.delete()
        for membership in formset.new_objects:
            membership.save()
            _audit_membership(request, membership, AuditEvent.Action.MEMBERSHIP_ADDED)
        for membership, changed in formset.changed_objects:
            membership.save()
            _audit_membership(request, membership, AuditEvent.Action.MEMBERSHIP_CHANGED, changed)
        formset.save_m2m()


class RecentFilter(admin.SimpleListFilter):
    """New memberships, for administrators to check that the people counting in a team are real colleagues."""

    title = _("joined")
    parameter_name = "joined"

    def lookups(self, request, model_admin):
        return [("7", _("In the last 7 days")), ("30", _("In the last 30 days"))]

    def queryset(self, request, queryset):
        if self.value() in {"7", "30"}:
            return queryset.filter(created_at__gte=timezone.now() - timedelta(days=int(self.value())))
        return queryset


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "user_email", "team", "role", "created_at"]
    list_filter = [RecentFilter, "role", "team__service"]
    search_fields = ["user__username", "user__email", "team__name"]
    autocomplete_fields = ["user", "team"]
    date_hierarchy = "created_at"

    @admin.display(description=_("email"))
    def user_email(self, obj: Membership) -> str:
        return obj.user.email

    # The join date is when the membership was made, so a person counts in the team's figures from the first whole
    # period after they joined it. Person and team are fixed too: a membership moved to another team, or given to
    # someone else, would keep its date and count there at once.
    def get_fieldsets(self, request, obj=None):
        fields = ["user", "team", "role"] if obj is None else ["user", "team", "role", "created_at"]
        description = _(
            "To move someone to another team, add their membership of the new team and delete the old one: the new "
            "one counts in the team's figures from the first whole period after it was added."
        )
        return [(None, {"fields": fields, "description": description})]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["user", "team", "created_at"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            _audit_membership(request, obj, AuditEvent.Action.MEMBERSHIP_ADDED)
        elif form.changed_data:
            _audit_membership(request, obj, AuditEvent.Action.MEMBERSHIP_CHANGED, form.changed_data)

    def delete_model(self, request, obj):
        _audit_membership(request, obj, AuditEvent.Action.MEMBERSHIP_REMOVED)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for membership in queryset.select_related("user", "team__service"):
            _audit_membership(request, membership, AuditEvent.Action.MEMBERSHIP_REMOVED)
        super().delete_queryset(request, queryset)


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ["order", "code", "dimension", "kind", "scale", "text", "reverse_keyed", "does_not_apply", "source"]

    # Once a version has been answered its wording is fixed, so past check-ins
    # keep their meaning. Changes go into a new version (see the action below).
    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_in_use:
            return self.fields
        return []

    def has_add_permission(self, request, obj=None):
        return obj is None or not obj.is_in_use

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.is_in_use


@admin.action(description=_("Copy to a new version, to edit"))
def copy_to_new_version(modeladmin, request, queryset):
    for question_set in queryset:
        with transaction.atomic():
            next_version = (QuestionSet.objects.aggregate(v=Max("version"))["v"] or 0) + 1
            copy = QuestionSet.objects.create(version=next_version, title=question_set.title)
            Question.objects.bulk_create(
                Question(
                    question_set=copy,
                    code=q.code,
                    dimension=q.dimension,
                    text=q.text,
                    order=q.order,
                    reverse_keyed=q.reverse_keyed,
                    kind=q.kind,
                    scale=q.scale,
                    source=q.source,
                    does_not_apply=q.does_not_apply,
                )
                for q in question_set.questions.all()
            )
        messages.success(request, _("Created version %(v)s. Edit it, then make it active.") % {"v": next_version})


@admin.action(description=_("Make active: new check-ins start on it"))
def make_active(modeladmin, request, queryset):
    if queryset.count() != 1:
        messages.error(request, _("Choose one version to make active."))
        return
    question_set = queryset.get()
    question_set_activate(question_set=question_set)
    messages.success(request, _("Version %(v)s is active: new check-ins start on it.") % {"v": question_set.version})


@admin.register(QuestionSet)
class QuestionSetAdmin(admin.ModelAdmin):
    list_display = ["version", "title", "is_active", "created_at"]
    inlines = [QuestionInline]
    actions = [copy_to_new_version, make_active]

    # A set becomes active only through the action, as the loader does it (question_set_activate): a ticked box
    # beside another active set broke the one-active constraint and was refused.
    def get_readonly_fields(self, request, obj=None):
        return ["version", "title", "is_active"] if obj is not None and obj.is_in_use else ["is_active"]

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.is_in_use


class PendingFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("pending", _("Pending")), ("used", _("Used")), ("expired", _("Expired"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "pending":
            return queryset.filter(used_at__isnull=True, expires_at__gt=now)
        if self.value() == "used":
            return queryset.filter(used_at__isnull=False)
        if self.value() == "expired":
            return queryset.filter(used_at__isnull=True, expires_at__lte=now)
        return queryset


@admin.register(Invite)
class InviteAdmin(admin.ModelAdmin):
    list_display = ["team", "role", "email", "created_by", "created_at", "expires_at", "used_at"]
    list_filter = [PendingFilter, "role", "team__service"]
    search_fields = ["email", "team__name"]
    readonly_fields = [
        "team",
        "role",
        "email",
        "token_hash",
        "created_by",
        "created_at",
        "expires_at",
        "used_at",
        "used_by",
    ]

    def has_add_permission(self, request):
        return False


@admin.register(OrganisationIdentity)
class OrganisationIdentityAdmin(admin.ModelAdmin):
    """Who signs in with which organisation account. Made only by a first sign-in; deleting one unlinks it, so the
    next sign-in links again (after the provider's identifiers changed, say, or an address was given to someone new)."""

    list_display = ["user", "issuer", "created_at"]
    search_fields = ["user__username", "user__email"]
    readonly_fields = ["user", "issuer", "subject", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    # Unlinking lets the next sign-in from the account's address link again: in the audit log, like a changed address.
    def _audit(self, request, obj: OrganisationIdentity) -> None:
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.SIGN_IN_UNLINKED,
            subject=obj.user.get_username(),
            detail=obj.issuer,
        )

    def delete_model(self, request, obj):
        self._audit(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset.select_related("user"):
            self._audit(request, obj)
        super().delete_queryset(request, queryset)


@admin.register(ServiceLead)
class ServiceLeadAdmin(admin.ModelAdmin):
    list_display = ["user", "service", "created_at"]
    list_filter = ["service"]
    search_fields = ["user__username", "service__name"]
    autocomplete_fields = ["user", "service"]

    # A lead role is given and taken away, never handed to someone else or another service: delete it and add one.
    def get_fields(self, request, obj=None):
        return ["user", "service"] if obj is None else ["user", "service", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["user", "service", "created_at"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            _audit_service_lead(request, obj, AuditEvent.Action.SERVICE_LEAD_ADDED)

    def delete_model(self, request, obj):
        _audit_service_lead(request, obj, AuditEvent.Action.SERVICE_LEAD_REMOVED)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset.select_related("user", "service"):
            _audit_service_lead(request, obj, AuditEvent.Action.SERVICE_LEAD_REMOVED)
        super().delete_queryset(request, queryset)


@admin.register(TeamAction)
class TeamActionAdmin(admin.ModelAdmin):
    list_display = ["description", "service", "team", "dimension", "status", "owner", "review_on"]
    list_filter = ["status", "dimension", "service"]
    search_fields = ["description", "team__name", "owner"]
    autocomplete_fields = ["team"]
    # Status changes go through the action's page, which keeps its history and closing date in step.
    readonly_fields = ["service", "status", "closed_at", "suggestion", "created_by", "created_at"]


class AuditLogAdmin(admin.ModelAdmin):
    """An audit log: administrators read it; nobody adds, changes or deletes entries."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SummaryAccess)
class SummaryAccessAdmin(AuditLogAdmin):
    """Who read which summary, for which period, when."""

    list_display = ["at", "username", "action", "scope", "period"]
    list_filter = ["action", "period"]
    search_fields = ["username", "scope"]
    date_hierarchy = "at"


@admin.register(AuditEvent)
class AuditEventAdmin(AuditLogAdmin):
    """Who invited or added whom, who was made a lead, and every change administrators made to accounts, teams and
    services: read-only, like the log of summary reads."""

    list_display = ["at", "actor_username", "action", "subject", "team", "service", "detail"]
    list_filter = ["action", "service"]
    search_fields = ["actor_username", "subject"]
    date_hierarchy = "at"
