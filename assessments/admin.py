"""Django admin for administrators: organisation and the question set.

Check-ins, answers and reflections are deliberately not registered: they
belong to the practitioner alone.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from assessments.models.figures import SummaryAccess, TeamAction
from assessments.models.organisation import Invite, Membership, Service, ServiceLead, Team
from assessments.models.questions import Question, QuestionSet


class TeamInline(admin.TabularInline):
    model = Team
    extra = 0


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    search_fields = ["name"]
    inlines = [TeamInline]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "service"]
    list_filter = ["service"]
    search_fields = ["name", "service__name"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "team", "role", "created_at"]
    list_filter = ["role", "team__service"]
    search_fields = ["user__username", "team__name"]
    autocomplete_fields = ["user", "team"]


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ["order", "code", "dimension", "text"]

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
                Question(question_set=copy, code=q.code, dimension=q.dimension, text=q.text, order=q.order)
                for q in question_set.questions.all()
            )
        messages.success(request, _("Created version %(v)s. Edit it, then mark it active.") % {"v": next_version})


@admin.register(QuestionSet)
class QuestionSetAdmin(admin.ModelAdmin):
    list_display = ["version", "title", "is_active", "created_at"]
    inlines = [QuestionInline]
    actions = [copy_to_new_version]

    def get_readonly_fields(self, request, obj=None):
        return ["version", "title"] if obj is not None and obj.is_in_use else []

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.is_in_use

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        if obj.is_active:
            QuestionSet.objects.exclude(pk=obj.pk).filter(is_active=True).update(is_active=False)
        super().save_model(request, obj, form, change)


@admin.register(Invite)
class InviteAdmin(admin.ModelAdmin):
    list_display = ["team", "role", "email", "created_by", "created_at", "expires_at", "used_at"]
    list_filter = ["role", "team__service"]
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


@admin.register(ServiceLead)
class ServiceLeadAdmin(admin.ModelAdmin):
    list_display = ["user", "service", "created_at"]
    list_filter = ["service"]
    search_fields = ["user__username", "service__name"]
    autocomplete_fields = ["user", "service"]


@admin.register(TeamAction)
class TeamActionAdmin(admin.ModelAdmin):
    list_display = ["description", "team", "dimension", "starts_on", "created_by"]
    list_filter = ["dimension", "team__service"]
    search_fields = ["description", "team__name"]
    autocomplete_fields = ["team"]
    readonly_fields = ["created_by", "created_at"]


@admin.register(SummaryAccess)
class SummaryAccessAdmin(admin.ModelAdmin):
    """The audit log: administrators read it; nobody adds, changes or deletes entries."""

    list_display = ["at", "username", "action", "scope", "period"]
    list_filter = ["action", "period"]
    search_fields = ["username", "scope"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
