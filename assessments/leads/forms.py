"""The leads' forms, and the invitee's sign-up. Forms validate and normalise; they never write."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from assessments.core.framework import DIMENSIONS, DIMENSIONS_BY_SLUG
from assessments.leads.invites import email_allowed
from assessments.models.figures import TeamAction
from assessments.models.organisation import Team

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class DateInput(forms.DateInput):
    """A browser's date picker. It holds a date only as YYYY-MM-DD, whatever the language: in the British format an
    edit form served `05/01/2027`, which the picker shows as empty, so saving an unchanged action was refused."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


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
        cleaned = cast(dict[str, Any], super().clean())  # Django's Form.clean returns cleaned_data
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


def _dimension_choices() -> list[tuple[str, StrOrPromise]]:
    # Systemic dimensions first: they are what the service changes first.
    ordered = sorted(DIMENSIONS, key=lambda d: not d.is_systemic)
    return [
        (d.slug, d.name if d.is_systemic else _("%(name)s (through what the service provides)") % {"name": d.name})
        for d in ordered
    ]


PROVISION_CHOICES = [("", _("Nothing: it is about a part the service runs")), *TeamAction.Provision.choices]


class TeamActionDetailsForm(forms.Form):
    """What an action says, and who owns it. Used to record an action and to edit one."""

    provision = forms.ChoiceField(
        label=_("For an individual dimension: what will the service provide?"),
        choices=PROVISION_CHOICES,
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "Individual figures are shaped by workload and support. An action on one is something the service "
            "provides, never something people are asked to fix on their own."
        ),
    )
    description = forms.CharField(
        label=_("What the service will do"),
        max_length=500,
        help_text=_("For example: protected reflection time every fortnight."),
    )
    owner = forms.CharField(
        label=_("Who owns it"),
        max_length=150,
        help_text=_("The person who will make it happen, for example the clinical lead. They do not need an account."),
    )
    review_on = forms.DateField(
        label=_("When to look at it again"),
        widget=DateInput(),
        help_text=_("The team summary shows the action as due for review from this date."),
    )

    def __init__(self, *args, dimension: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.dimension = dimension

    def clean(self):
        cleaned = cast(dict[str, Any], super().clean())  # Django's Form.clean returns cleaned_data
        found = DIMENSIONS_BY_SLUG.get(cleaned.get("dimension") or self.dimension or "")
        provision = cleaned.get("provision", "")
        if found is not None and not found.is_systemic and not provision:
            self.add_error(
                "provision",
                _("Choose what the service will provide: training, preceptorship, induction or protected time."),
            )
        elif found is not None and found.is_systemic and provision:
            self.add_error("provision", _("Leave this as “Nothing” for a part the service runs."))
        return cleaned


class TeamActionForm(TeamActionDetailsForm):
    """A new action: what it is about and when it starts, then its details."""

    # (A declared field: the form's metaclass moves it to base_fields, so it is not the `dimension` set in __init__.)
    dimension = forms.ChoiceField(  # type: ignore[assignment]
        label=_("Which part of the work it is about"),
        choices=_dimension_choices,
        error_messages={"invalid_choice": _("Please choose one of the parts listed.")},
    )
    starts_on = forms.DateField(label=_("From"), widget=DateInput())

    field_order = ["dimension", "provision", "description", "owner", "starts_on", "review_on"]

    def clean(self):
        cleaned = super().clean()
        starts, review = cleaned.get("starts_on"), cleaned.get("review_on")
        if starts and review and review < starts:
            self.add_error("review_on", _("The review date must be on or after the date the action starts."))
        return cleaned


class TeamActionStatusForm(forms.Form):
    """Move an action on: only the statuses it may move to are offered."""

    status = forms.ChoiceField(label=_("Move this action to"), widget=forms.RadioSelect)

    def __init__(self, *args, choices: list[tuple[str, StrOrPromise]], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["status"]).choices = choices
        self.fields["status"].error_messages["invalid_choice"] = _("Please choose one of the statuses listed.")


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


class FiguresReadyEmailsForm(forms.Form):
    figures_ready = forms.TypedChoiceField(
        label=_("Email me when new figures are ready?"),
        help_text=_(
            "One email when a month's figures are published and there is something you can see, at most once a "
            "week. It says only that figures are ready, never what they are."
        ),
        choices=[("yes", _("Yes, email me")), ("no", _("No, I will look for myself"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
