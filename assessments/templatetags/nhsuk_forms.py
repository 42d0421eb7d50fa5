"""Helpers for the crispy template pack in templates/nhsuk/: the NHS.UK design system's form markup.

The pack's templates lay out each component (form group, label, hint, error message); these helpers do what a
template cannot do neatly: render a widget with the design system's classes and the right aria-describedby,
and pick some of a field's options.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

from assessments.core.framework import scale_short_label

register = template.Library()
register.filter("scale_short_label", scale_short_label)

# The design system's class for each kind of text control (django's widget_type names).
CONTROL_CLASSES = {"textarea": "nhsuk-textarea", "select": "nhsuk-select"}


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

    After a form is sent with problems, the error summary has the page's one `autofocus`, so a field's own
    autofocus (Django's sign-in and password forms set one) is dropped. A character count replaces the
    browser's `maxlength`, which would silently cut off pasted text instead of saying how much is over.
    """
    widget = copy.copy(field.field.widget)
    widget.attrs = dict(widget.attrs)
    if field.form.errors:
        widget.attrs.pop("autofocus", None)
    count = nhsuk_character_count(field)
    if count:
        widget.attrs.pop("maxlength", None)
    base = CONTROL_CLASSES.get(field.widget_type, "nhsuk-input")
    classes = [base]
    if field.errors:
        classes.append(f"{base}--error")
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
def nhsuk_error_target(field: BoundField) -> str:
    """Where the error summary's link for this field goes: a radio group's first radio, else the field."""
    return f"{field.auto_id}_0" if field.widget_type == "radioselect" else field.auto_id
