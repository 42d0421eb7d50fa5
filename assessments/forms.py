"""Forms validate and normalise; they never write."""

from __future__ import annotations

import re
from collections.abc import Sequence

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from .framework import SCALE_CHOICES, SYSTEMIC_DIMENSIONS, Phase
from .models import REFLECTION_MAX_LENGTH, VALUES_MAX_LENGTH, Question, Role, Team

QUESTION_FIELD = re.compile(r"^q_(.+)$")


def question_field_name(question: Question) -> str:
    return f"q_{question.pk}"


class PhaseStepForm(forms.Form):
    """One phase of the check-in: its statements (all optional), a reflection and, in phase 2, values."""

    reflection = forms.CharField(
        label=_("Your private reflection (optional)"),
        required=False,
        max_length=REFLECTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only you can see this. Up to 5,000 characters."),
    )

    def __init__(self, *args, questions: Sequence[Question], phase: Phase, with_values: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        self.phase = phase
        self.fields["reflection"].help_text = _("Only you can see this. Up to 5,000 characters.")
        self.fields["reflection"].widget.attrs["placeholder"] = ""
        for question in self.questions:
            self.fields[question_field_name(question)] = forms.TypedChoiceField(
                label=question.text,
                choices=SCALE_CHOICES,
                coerce=int,
                required=False,
                empty_value=None,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": _("Please choose one of the options, or leave it blank.")},
            )
        if with_values:
            self.fields["values"] = forms.CharField(
                label=_("The values that matter to you in your work (optional)"),
                required=False,
                max_length=VALUES_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_(
                    "For example: helping people feel heard, being honest, learning. We will show them back to you "
                    "at your next check-in. Only you can see them."
                ),
            )

    def question_fields(self):
        return [self[question_field_name(q)] for q in self.questions]

    def clean(self):
        cleaned = super().clean()
        if self.data:
            expected = {question_field_name(q) for q in self.questions}
            for key in self.data:
                if QUESTION_FIELD.match(key) and key not in expected:
                    raise forms.ValidationError(
                        _("The form included a statement that is not part of this step. Nothing was saved."),
                        code="unknown_question",
                    )
                if key in expected and len(self.data.getlist(key)) > 1:
                    raise forms.ValidationError(
                        _("A statement was answered more than once. Nothing was saved."), code="duplicate_question"
                    )
        return cleaned

    def answers(self) -> dict[int, int | None]:
        return {q.pk: self.cleaned_data.get(question_field_name(q)) for q in self.questions}


class StartCheckInForm(forms.Form):
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        label=_("Which team is this check-in for?"),
        help_text=_("Your answers count, anonymously, towards this team's summary."),
        widget=forms.RadioSelect,
        empty_label=None,
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams


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
