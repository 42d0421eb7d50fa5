"""What a practitioner owns: each fetch returns the object for its owner, otherwise 404."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.shortcuts import get_object_or_404

from assessments.models.checkins import CheckIn
from assessments.models.private import ResilientMove, SupervisionNote


def get_checkin_for_user(user: User, pk: int) -> CheckIn:
    """The check-in if it belongs to this person, otherwise 404 (never 403: we do not confirm it exists)."""
    return get_object_or_404(CheckIn.objects.select_related("question_set", "team"), pk=pk, user=user)


def get_move_for_user(user: User, pk: int) -> ResilientMove:
    """A resilient move if it belongs to this person, otherwise 404."""
    return get_object_or_404(ResilientMove, pk=pk, user=user)


def get_supervision_note_for_user(user: User, pk: int) -> SupervisionNote:
    """A supervision note if it belongs to this person, otherwise 404."""
    return get_object_or_404(SupervisionNote, pk=pk, user=user)
