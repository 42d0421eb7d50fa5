"""The leads' forms, and the invitee's sign-up. Forms validate and normalise; they never write."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from assessments.core.framework import SYSTEMIC_DIMENSIONS
from assessments.leads.invites import email_allowed
from assessments.models.organisation import Team


class InviteForm(forms.Form):
    """A practitioner invite. Lead roles are given by administrators only."""

    email = forms.EmailField(
        label=_("Their work email address"),
        max_length=150,
        help_text=_("We email them a link to join. It works once. You will not see the link yourself."),
    )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if not email_allowed(email):
            raise forms.ValidationError(
                _("Invites can only go to addresses ending in %(domains)s.")
                % {"domains": ", ".join(f"@{d}" for d in settings.ALLOWED_EMAIL_DOMAINS)}
            )
        return email


class JoinForm(forms.Form):
    """The invited person's new account. Their username and email are the address the invite went to."""

    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Type the password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords are not the same."))
        elif first:
            candidate = User(username=self.email, email=self.email, first_name=cleaned.get("first_name", ""))
            try:
                password_validation.validate_password(first, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


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
