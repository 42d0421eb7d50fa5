"""A practitioner's private list of things to bring to supervision.

They mark a reflection or a dimension from one of their check-ins, or write
their own note; the list gathers them until they tick them off. No one else
sees it, not even their lead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.core.framework import DIMENSIONS_BY_SLUG, PHASES_BY_SLUG
from assessments.models.checkins import CheckIn
from assessments.models.private import SUPERVISION_NOTE_MAX_LENGTH, SupervisionNote


class SupervisionError(Exception):
    """A request that cannot be accepted. The message is safe to show."""


@transaction.atomic
def supervision_mark(
    *,
    user: User,
    checkin: CheckIn | None,
    phases: Iterable[str] = (),
    dimensions: Iterable[str] = (),
    note: str = "",
) -> list[SupervisionNote]:
    """Add reflections (by phase) and dimensions of a check-in, and/or a note, to the supervision list.

    Marking something already on the open list again does not duplicate it.
    """
    phases, dimensions, note = list(dict.fromkeys(phases)), list(dict.fromkeys(dimensions)), note.strip()
    if checkin is not None and (checkin.user_id != user.pk or not checkin.is_submitted):
        raise SupervisionError(_("You can only mark things from your own sent check-ins."))
    if (phases or dimensions) and checkin is None:
        raise SupervisionError(_("Please choose a check-in to mark things from."))
    if any(p not in PHASES_BY_SLUG for p in phases) or any(d not in DIMENSIONS_BY_SLUG for d in dimensions):
        raise SupervisionError(_("One of the things marked is not part of the check-in. Nothing was saved."))
    if checkin is not None and phases:
        with_text = set(checkin.reflections.values_list("phase", flat=True))
        if set(phases) - with_text:
            raise SupervisionError(_("One of the reflections marked does not exist. Nothing was saved."))
    if len(note) > SUPERVISION_NOTE_MAX_LENGTH:
        raise SupervisionError(
            _("Your note is too long. Please keep it under %(n)s characters.") % {"n": SUPERVISION_NOTE_MAX_LENGTH}
        )
    if not (phases or dimensions or note):
        raise SupervisionError(_("Please choose something to bring to supervision, or write a note."))

    open_notes = SupervisionNote.objects.filter(user=user, checkin=checkin, done_at__isnull=True)
    have_phases = set(open_notes.filter(kind=SupervisionNote.Kind.REFLECTION).values_list("phase", flat=True))
    have_dims = set(open_notes.filter(kind=SupervisionNote.Kind.DIMENSION).values_list("dimension", flat=True))
    new = [
        SupervisionNote(user=user, kind=SupervisionNote.Kind.REFLECTION, checkin=checkin, phase=p)
        for p in phases
        if p not in have_phases
    ] + [
        SupervisionNote(user=user, kind=SupervisionNote.Kind.DIMENSION, checkin=checkin, dimension=d)
        for d in dimensions
        if d not in have_dims
    ]
    if note:
        new.append(SupervisionNote(user=user, kind=SupervisionNote.Kind.OWN, checkin=checkin, note=note))
    return SupervisionNote.objects.bulk_create(new)


def supervision_tick(*, note: SupervisionNote, done: bool = True) -> SupervisionNote:
    note.done_at = timezone.now() if done else None
    note.save(update_fields=["done_at"])
    return note


@dataclass(frozen=True)
class SupervisionItem:
    note: SupervisionNote
    title: str
    body: str
    score: float | None


def supervision_items(user: User, *, done: bool) -> list[SupervisionItem]:
    """The list, with the reflection text or dimension score each item points at (three queries)."""
    notes = list(
        SupervisionNote.objects.filter(user=user, done_at__isnull=not done)
        .select_related("checkin")
        .prefetch_related("checkin__reflections", "checkin__scores")
        .order_by("created_at", "id")
    )
    items = []
    for n in notes:
        body, score = n.note, None
        if n.kind == SupervisionNote.Kind.REFLECTION:
            title = _("Your reflection on “%(phase)s”") % {"phase": PHASES_BY_SLUG[n.phase].name}
            assert n.checkin is not None  # a reflection's note always has its check-in
            body = next((r.text for r in n.checkin.reflections.all() if r.phase == n.phase), "")
        elif n.kind == SupervisionNote.Kind.DIMENSION:
            title = str(DIMENSIONS_BY_SLUG[n.dimension].name)
            assert n.checkin is not None  # a dimension's note always has its check-in
            score = next((s.score for s in n.checkin.scores.all() if s.dimension == n.dimension), None)
        else:
            title = _("Your note")
        items.append(SupervisionItem(note=n, title=title, body=body, score=score))
    return items
