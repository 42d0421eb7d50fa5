"""The leads' forms, and the invitee's sign-up. Forms validate and normalise; they never write."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from assessments.core.framework import SYSTEMIC_DIMENSIONS
from assessments.models.organisation import Role, Team


class InviteForm(forms.Form):
    role = forms.ChoiceField(label=_("They will join as"), choices=Role.choices, initial=Role.PRACTITIONER)
    email = forms.EmailField(
        label=_("Their email address (optional)"),
        required=False,
        help_text=_("Only used to remind you who the link was for. We do not send it for you."),
    )


class JoinForm(UserCreationForm):
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email address"), help_text=_("Used for password resets and reminders."))

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "first_name", "email")


class TeamActionForm(forms.Form):
    """An action the service agreed about a systemic dimension. Only systemic dimensions can be chosen."""

    dimension = forms.ChoiceField(
        label=_("Which part of the service it is about"),
        choices=[(d.slug, d.name) for d in SYSTEMIC_DIMENSIONS],
        error_messages={"invalid_choice": _("Please choose one of the parts the service can change.")},
    )
    description = forms.CharField(
        label=_("What the service will do"),
        max_length=500,
        help_text=_("For example: protected reflection time every fortnight."),
    )
    starts_on = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))


class TeamCadenceForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["checkin_cadence"]
        labels = {"checkin_cadence": _("How often should your team be reminded to check in?")}
        help_texts = {
            "checkin_cadence": _(
                "People who have not checked in since the start of the week, fortnight or month get one email. "
                "Anyone can turn reminders off for themselves."
            )
        }
        widgets = {"checkin_cadence": forms.RadioSelect}
