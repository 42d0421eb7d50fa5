"""The practitioner's forms. Forms validate and normalise; they never write."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordChangeForm
from django.forms import BoundField
from django.http import HttpRequest, QueryDict
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from assessments.core.framework import DIMENSION_CHOICES, DIMENSIONS_BY_SLUG, PHASE_CHOICES, AnswerScale, Dimension
from assessments.core.steps import Step
from assessments.models.organisation import Team
from assessments.models.private import (
    MOVE_NOTE_MAX_LENGTH,
    MOVE_TEXT_MAX_LENGTH,
    OBSTACLE_OUTCOMES,
    REFLECTION_MAX_LENGTH,
    SUPERVISION_NOTE_MAX_LENGTH,
    VALUES_MAX_LENGTH,
    MoveObstacle,
    MoveOutcome,
    PractitionerProfile,
)
from assessments.models.questions import Question
from assessments.practitioner.account import password_is_right

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

QUESTION_FIELD = re.compile(r"^q_(.+)$")


class ScaleSelect(forms.RadioSelect):
    """A check-in statement's five answers on one row (templates/nhsuk/scale.html), still native radios."""


def question_field_name(question: Question) -> str:
    return f"q_{question.pk}"


class StepForm(forms.Form):
    """One page of the check-in: one dimension's statements (all optional) and, where the step carries them, the
    phase's private reflection (its last page) or the person's values (phase 2's first page)."""

    def __init__(self, *args, questions: Sequence[Question], step: Step, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        self.step = step
        for question in self.questions:
            self.fields[question_field_name(question)] = forms.TypedChoiceField(
                label=question.text,
                choices=question.answer_choices,
                coerce=int,
                required=False,
                empty_value=None,
                widget=ScaleSelect,
                error_messages={"invalid_choice": _("Please choose one of the options, or leave it blank.")},
            )
        if step.asks_values:
            self.fields["values"] = forms.CharField(
                label=_("The values that matter to you in your work (optional)"),
                required=False,
                max_length=VALUES_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 2}),
                error_messages={
                    "max_length": _(
                        "Your values must be %(limit_value)s characters or fewer. They have %(show_value)s."
                    )
                },
                help_text=_(
                    "For example: helping people feel heard, being honest, learning. Only you can see them, and we "
                    "show them back to you next time."
                ),
            )
        if step.closes_phase and step.phase is not None:  # (a page that closes a phase has one)
            reflection_limit = number_format(REFLECTION_MAX_LENGTH, force_grouping=True)
            # The phase's own prompt leads the hint, so the template pack shows it where the design system puts it.
            self.fields["reflection"] = forms.CharField(
                label=_("Your private reflection (optional)"),
                required=False,
                max_length=REFLECTION_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 3, "placeholder": ""}),
                error_messages={
                    # Django fills in show_value after this; the limit goes in first, written as 5,000.
                    "max_length": " ".join(
                        [
                            _("Your reflection must be %(n)s characters or fewer.") % {"n": reflection_limit},
                            str(_("It has %(show_value)s, so it was not saved yet: shorten it and save again.")),
                        ]
                    )
                },
                help_text=" ".join(
                    [
                        str(step.phase.reflection_prompt),
                        # The limit is said once, under the box, by the character count.
                        str(
                            _(
                                "Nobody else reads this, not your lead and not your supervisor. If you need help now, "
                                "the Get support page, linked at the top and bottom of every page, says who to contact."
                            )
                        ),
                    ]
                ),
            )

    def question_fields(self):
        return [self[question_field_name(q)] for q in self.questions]

    def question_rows(self) -> list[tuple[Dimension | None, StrOrPromise | None, bool, BoundField]]:
        """Each statement's field, with its dimension where the page moves on to the next dimension (a sub-heading),
        its answer scale's heading where the scale changes (so two scales never look alike on one page), and whether
        the values box comes first: before the first systemic dimension of the page that asks for values. The
        page's first statement needs no scale heading, nor does a dimension's first when the scale stays the same."""
        rows: list[tuple[Dimension | None, StrOrPromise | None, bool, BoundField]] = []
        for i, question in enumerate(self.questions):
            before = self.questions[i - 1] if i else None
            dimension = DIMENSIONS_BY_SLUG[question.dimension]
            new_dimension = before is None or question.dimension != before.dimension
            new_scale = before is not None and question.scale != before.scale
            values_here = (
                "values" in self.fields and new_dimension and dimension.is_systemic and not self._values_shown(i)
            )
            rows.append(
                (
                    dimension if new_dimension else None,
                    AnswerScale(question.scale).heading if new_scale else None,
                    values_here,
                    self[question_field_name(question)],
                )
            )
        return rows

    def _values_shown(self, index: int) -> bool:
        """Whether the values box came before the statement at `index` (at the first systemic dimension)."""
        return any(DIMENSIONS_BY_SLUG[q.dimension].is_systemic for q in self.questions[:index])

    @property
    def values_at_end(self) -> bool:
        """The page asks for values but has no systemic statement to put them before."""
        return "values" in self.fields and not self._values_shown(len(self.questions))

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
                if key in expected and len(cast(QueryDict, self.data).getlist(key)) > 1:
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
        help_text=_(
            "Your answers are confidential. They count towards this team's figures only when enough people take "
            "part, and never with your name."
        ),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Choose the team this check-in is for"),
            "invalid_choice": _("Choose one of your teams"),
        },
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["team"]).queryset = teams


# --- The practitioner's journey ---


class MovesChooseForm(forms.Form):
    """Choose 1 to 3 moves from the catalogue, or write your own."""

    moves = forms.MultipleChoiceField(
        label=_("Moves to try"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("One of the moves chosen is not in the list. Nothing was saved.")},
    )
    own = forms.CharField(
        label=_("Or write your own move (optional)"),
        required=False,
        max_length=MOVE_TEXT_MAX_LENGTH,
        # A key name as the number makes the % lazy too: the text is translated when shown, with the limit in it.
        help_text=ngettext_lazy(
            "Something small and concrete you could do before your next check-in. Up to %(n)s character.",
            "Something small and concrete you could do before your next check-in. Up to %(n)s characters.",
            "n",
        )
        % {"n": MOVE_TEXT_MAX_LENGTH},
    )

    def __init__(self, *args, choices, allowed: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.allowed = allowed
        cast(forms.MultipleChoiceField, self.fields["moves"]).choices = choices

    def clean(self):
        cleaned = cast(dict[str, Any], super().clean())  # Django's Form.clean returns cleaned_data
        count = len(cleaned.get("moves") or []) + (1 if (cleaned.get("own") or "").strip() else 0)
        if count == 0 and not self.errors:
            raise forms.ValidationError(_("Please choose at least one move, or write your own."), code="none")
        if count > self.allowed:
            raise forms.ValidationError(
                _("Please choose no more than %(n)d. Small and few works better than many.") % {"n": self.allowed},
                code="too_many",
            )
        return cleaned


class MoveReviewForm(forms.Form):
    """How each open move went. Every field is optional; unanswered moves stay as they are."""

    def __init__(self, *args, moves, **kwargs):
        super().__init__(*args, **kwargs)
        self.moves = list(moves)
        for move in self.moves:
            self.fields[f"outcome_{move.pk}"] = forms.ChoiceField(
                label=move.text,
                choices=MoveOutcome.choices,
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": _("Please choose one of the options.")},
            )
            self.fields[f"obstacle_{move.pk}"] = forms.ChoiceField(
                label=_("If it has not happened yet, what got in the way? (optional)"),
                choices=MoveObstacle.choices,
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": _("Please choose one of the options.")},
            )
            self.fields[f"note_{move.pk}"] = forms.CharField(
                label=_("A note about how it went (optional)"),
                required=False,
                max_length=MOVE_NOTE_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    # The answers "what got in the way" is asked under (the template reveals it only there).
    obstacle_outcomes = " ".join(sorted(OBSTACLE_OUTCOMES))

    def rows(self):
        return [(m, self[f"outcome_{m.pk}"], self[f"obstacle_{m.pk}"], self[f"note_{m.pk}"]) for m in self.moves]

    def clean(self):
        cleaned = cast(dict[str, Any], super().clean())  # Django's Form.clean returns cleaned_data
        for move in self.moves:
            outcome = cleaned.get(f"outcome_{move.pk}")
            if outcome and outcome not in OBSTACLE_OUTCOMES:
                # Asked only under "Not yet" and "I have dropped it": a choice left over from before the answer
                # changed (hidden from view, but still sent) is not an answer to anything, so it is dropped.
                cleaned[f"obstacle_{move.pk}"] = ""
            elif not outcome and (cleaned.get(f"note_{move.pk}") or cleaned.get(f"obstacle_{move.pk}")):
                self.add_error(f"outcome_{move.pk}", _("Choose how it went, so that we can keep your answer"))
        if not self.errors and not any(cleaned.get(f"outcome_{m.pk}") for m in self.moves):
            raise forms.ValidationError(
                _("Choose how at least one move went, or skip this and start the check-in"), code="empty"
            )
        return cleaned

    def reviews(self) -> dict[int, tuple[str, str, str]]:
        return {
            m.pk: (
                self.cleaned_data[f"outcome_{m.pk}"],
                self.cleaned_data.get(f"note_{m.pk}", ""),
                self.cleaned_data.get(f"obstacle_{m.pk}", ""),
            )
            for m in self.moves
            if self.cleaned_data.get(f"outcome_{m.pk}")
        }


class SupervisionMarkForm(forms.Form):
    phases = forms.MultipleChoiceField(
        label=_("Your reflections"),
        choices=PHASE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose from your reflections on this check-in")},
    )
    dimensions = forms.MultipleChoiceField(
        label=_("Parts of your profile"),
        choices=DIMENSION_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose from the parts of your profile listed")},
    )
    note = forms.CharField(
        label=_("Anything else you want to bring (optional)"),
        required=False,
        max_length=SUPERVISION_NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "max_length": _("Your note must be %(limit_value)s characters or fewer. It has %(show_value)s.")
        },
        help_text=ngettext_lazy(
            "Only you can see this list. Up to %(n)s character.",
            "Only you can see this list. Up to %(n)s characters.",
            "n",
        )
        % {"n": SUPERVISION_NOTE_MAX_LENGTH},
    )

    @classmethod
    def for_profile(
        cls, data: QueryDict | None = None, *, reflections: Sequence, dimension_rows: Sequence
    ) -> SupervisionMarkForm:
        """The form on a profile: only the reflections this check-in has, and the parts worth a look marked."""
        form = cls(data, auto_id="sup-%s")
        cast(forms.MultipleChoiceField, form.fields["phases"]).choices = [
            (r.phase, _("My reflection on %(phase)s") % {"phase": r.get_phase_display()}) for r in reflections
        ]
        cast(forms.MultipleChoiceField, form.fields["dimensions"]).choices = [
            (row.slug, _("%(name)s (worth a look)") % {"name": row.name} if row.needs_attention else row.name)
            for row in dimension_rows
        ]
        return form

    @classmethod
    def for_own_note(cls, data: QueryDict | None = None) -> SupervisionMarkForm:
        """The supervision list's own form: a note and nothing else."""
        form = cls(data, auto_id="sup-own-%s")
        del form.fields["phases"], form.fields["dimensions"]
        form.fields["note"].label = _("What would you like to talk about?")
        return form

    def clean(self):
        cleaned = cast(dict[str, Any], super().clean())  # Django's Form.clean returns cleaned_data
        chosen = cleaned.get("phases") or cleaned.get("dimensions") or (cleaned.get("note") or "").strip()
        if not chosen and not self.errors:
            # On the field, so the error summary links to the parts of the profile (always there) or the note.
            if "dimensions" in self.fields:
                self.add_error("dimensions", _("Choose something to bring to supervision, or write a note"))
            else:
                self.add_error("note", _("Write what you would like to talk about"))
        return cleaned


class ReminderSettingsForm(forms.ModelForm):
    class Meta:
        model = PractitionerProfile
        fields = ["reminders_enabled"]
        help_texts = {
            "reminders_enabled": _("The email has a link to the check-in and nothing about your answers."),
        }


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To make sure it is you."),
    )

    confirm = forms.CharField(
        label=_("Type the word delete to confirm"),
        help_text=_("Your account signs in with your organisation, so there is no password to ask for."),
    )

    def __init__(self, *args, user, request: HttpRequest, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.request = request
        # An account made by the organisation's sign-in has no password (and passwords may be off altogether):
        # it confirms by typing a word instead, so that it can still delete itself.
        self.with_password = settings.LOCAL_PASSWORDS and user.has_usable_password()
        del self.fields["confirm" if self.with_password else "password"]

    def clean_confirm(self):
        confirm = self.cleaned_data["confirm"]
        if confirm.strip().lower() != str(_("delete")):
            raise forms.ValidationError(_("Please type the word delete. Nothing has been deleted."), code="wrong")
        return confirm

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not password_is_right(request=self.request, user=self.user, password=password):
            raise forms.ValidationError(_("That password is not right. Nothing has been deleted."), code="wrong")
        return password


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """Django's form, with the old password counted by login throttling like a sign-in."""

    def __init__(self, user, *args, request: HttpRequest, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        if not password_is_right(request=self.request, user=self.user, password=old_password):
            raise forms.ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old_password
