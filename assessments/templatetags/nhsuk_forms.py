"""Helpers for the crispy template pack in templates/nhsuk/: the NHS.UK design system's form markup.

The pack's templates lay out each component (form group, label, hint, error message); these helpers do what a
template cannot do neatly: render a widget with the design system's classes and the right aria-describedby,
and pick some of a field's options.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable

from django import template
from django.forms import BaseForm, BoundField
from django.utils.safestring import SafeString

from assessments.core.framework import DOES_NOT_APPLY, scale_short_label

register = template.Library()
register.filter("scale_short_label", scale_short_label)

# The design system's classes for each kind of text control (django's widget_type names), and with an error. Each
# class is written in full: the shipped stylesheet keeps only the classes named somewhere in the code
# (scripts/nhsuk-frontend/build.mjs), so one assembled from parts would have no style.
CONTROL_CLASSES = {"textarea": "nhsuk-textarea", "select": "nhsuk-select"}
ERROR_CLASSES = {
    "nhsuk-input": "nhsuk-input--error",
    "nhsuk-textarea": "nhsuk-textarea--error",
    "nhsuk-select": "nhsuk-select--error",
}


def described_by(field: BoundField, *, character_count: bool = False) -> str:
    """The ids a control or fieldset is described by, in the design system's order: count, hint, error."""
    ids = []
    if character_count:
        ids.append(f"{field.auto_id}-info")
    if field.help_text:
        ids.append(f"{field.auto_id}-hint")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    return " ".join(ids)


@register.filter
def nhsuk_described_by(field: BoundField) -> str:
    return described_by(field)


@register.filter
def nhsuk_character_count(field: BoundField) -> int | None:
    """The limit a textarea counts towards, or None: every textarea with a maximum length gets a count."""
    if field.widget_type != "textarea":
        return None
    return getattr(field.field, "max_length", None)


@register.simple_tag
def nhsuk_control(field: BoundField) -> SafeString:
    """The field's input, textarea or select, with the design system's classes and descriptions.

    A field's own autofocus (Django's sign-in and password forms set one) is always dropped: it took people past
    the skip link and the page's heading, straight into the field. After a form is sent with problems, the error
    summary has the page's one `autofocus`. A character count replaces the
    browser's `maxlength`, which would silently cut off pasted text instead of saying how much is over.
    """
    widget = copy.copy(field.field.widget)
    widget.attrs = dict(widget.attrs)
    widget.attrs.pop("autofocus", None)
    count = nhsuk_character_count(field)
    if count:
        widget.attrs.pop("maxlength", None)
    base = CONTROL_CLASSES.get(field.widget_type, "nhsuk-input")
    classes = [base]
    if field.errors:
        classes.append(ERROR_CLASSES[base])
    if count:
        classes.append("nhsuk-js-character-count")
    if field.widget_type == "date":
        classes.append("nhsuk-input--width-10")
    attrs: dict[str, str | bool] = {"class": " ".join([*classes, widget.attrs.get("class", "")]).strip()}
    if ids := described_by(field, character_count=bool(count)):
        attrs["aria-describedby"] = ids
    return field.as_widget(widget=widget, attrs=attrs)


@register.filter
def nhsuk_options(field: BoundField, values: Iterable) -> list:
    """The field's radios or checkboxes whose value is one of `values` (move objects or plain values), in order."""
    wanted = {str(getattr(v, "key", v)) for v in values}
    return [option for option in field.subwidgets if str(option.data["value"]) in wanted]


@register.filter
def scale_options(field: BoundField, on_scale: bool = True) -> list:
    """A check-in statement's answers on its five-point scale (`on_scale`), or the one apart from it: the "does not
    apply" answer some statements offer, which is no point on the scale and is laid out on its own."""
    return [option for option in field.subwidgets if (str(option.data["value"]) != str(DOES_NOT_APPLY)) == on_scale]


@register.filter
def nhsuk_error_target(field: BoundField) -> str:
    """Where the error summary's link for this field goes: a radio group's first radio (the check-in's answer scale
    is one), else the field."""
    return f"{field.auto_id}_0" if field.widget_type in ("radioselect", "scaleselect") else field.auto_id


@register.filter
def nhsuk_form_error_target(form) -> str:
    """Where the error summary links a problem with the form as a whole (nothing chosen, a wrong password): its
    first field, so every line of the summary takes the person to somewhere they can put it right."""
    for field in form.visible_fields():
        return nhsuk_error_target(field)
    return ""


@register.simple_tag(takes_context=True)
def nhsuk_page_has_errors(context) -> bool:
    """Whether any form on the page was sent back with problems: the page's title then starts "Error: ", so that
    the first thing a screen reader says about the page is that something needs putting right. Every form a view
    hands to its template counts, whatever the view named it."""
    return any(isinstance(value, BaseForm) and value.is_bound and value.errors for value in context.flatten().values())


@register.filter
def nhsuk_summary_prefix(label) -> str:
    """A field's label as the error summary leads a line with it: "Label: ", or "Question? " for a label that asks
    (never "?:"), and without a closing full stop (a move is labelled with its sentence, which read as ".:")."""
    text = str(label).rstrip().removesuffix(".")
    return f"{text} " if text.endswith("?") else f"{text}: "
