"""The team's voice on an action: "has this made a difference?" (yes, not yet, no), one tap on the home page.

Each answer is one person's, kept like SummaryEntry (models/figures.py): never shown to anyone but its author,
counted only when a period is published (publication.py), with the same rules as the figures. A lead who read
the counts just before and just after one person changed their answer could otherwise tell what that person
said, so the counts come only from periods that have ended, each person's latest answer in the period, and
they never change once published. A new period asks afresh, as the check-in does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import cast

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from assessments.core.periods import KINDS, configured_kind, period_of
from assessments.models.figures import ActionVoice, TeamAction
from assessments.models.organisation import Membership, Role, Team

# An action is asked about once it has had four weeks to make a difference (the window every statement asks about),
# and only of people who were in the team when it started: someone who joined since cannot say what it changed.
VOICE_AFTER = timedelta(weeks=4)


class VoiceError(Exception):
    """The answer cannot be taken. The message is safe to show."""


def get_voiced_action(user: User, pk: int) -> TeamAction:
    """An action this person may give their voice on: one for a team they practise in, or for its service."""
    teams = Team.objects.practised_in_by(user)
    in_service = Q(team__isnull=True, service__in=teams.values("service_id"))
    actions = TeamAction.objects.filter(Q(team__in=teams) | in_service)
    return get_object_or_404(actions, pk=pk)


@dataclass(frozen=True)
class VoiceAsk:
    """Whether a person is asked about an action today, and if not, why."""

    is_open: bool
    opens_on: date | None = None  # not yet asked: the day it will be
    joined_since: bool = False  # never asked: they joined after it started


def voice_asks(user: User, actions: list[TeamAction], today: date) -> dict[int, VoiceAsk]:
    """For each action, whether this person is asked about it today (one query)."""
    joined: dict[int, date] = {}  # team -> the day they joined it as a practitioner
    service_of: dict[int, int] = {}
    for team_id, service_id, created_at in Membership.objects.filter(user=user, role=Role.PRACTITIONER).values_list(
        "team_id", "team__service_id", "created_at"
    ):
        day = timezone.localdate(created_at)
        joined[team_id] = min(day, joined.get(team_id, day))
        service_of[team_id] = service_id
    asks = {}
    for action in actions:
        if action.team_id is not None:
            days = [joined[action.team_id]] if action.team_id in joined else []
        else:
            days = [day for team_id, day in joined.items() if service_of[team_id] == action.service_id]
        opens_on = action.starts_on + VOICE_AFTER
        if not days or min(days) > action.starts_on:
            asks[action.pk] = VoiceAsk(is_open=False, joined_since=True)
        elif today < opens_on:
            asks[action.pk] = VoiceAsk(is_open=False, opens_on=opens_on)
        else:
            asks[action.pk] = VoiceAsk(is_open=True)
    return asks


@transaction.atomic
def voice_record(*, action: TeamAction, user: User, answer: str, now: datetime | None = None) -> ActionVoice:
    """This person's answer for the current period (replacing an earlier one in the same period). `now` is for
    seeding demo data: the app always answers for today."""
    if answer not in ActionVoice.Answer.values:
        raise VoiceError(_("Please choose yes, not yet or no."))
    if not action.is_open:
        raise VoiceError(_("This action has been closed, so it is no longer asking for answers."))
    now = now or timezone.now()
    ask = voice_asks(user, [action], timezone.localdate(now))[action.pk]
    if ask.joined_since:
        raise VoiceError(_("This action started before you joined, so we do not ask you whether it made a difference."))
    if ask.opens_on is not None:
        raise VoiceError(
            _("We will ask whether this has made a difference from %(date)s, once it has had 4 weeks.")
            % {"date": formats.date_format(ask.opens_on, "j F Y")}
        )
    saved = None
    for kind in KINDS:
        voice, _created = ActionVoice.objects.update_or_create(
            action=action,
            user=user,
            kind=kind,
            period_start=period_of(now, kind).start,
            defaults={"answer": answer, "answered_at": now},
        )
        if kind == configured_kind():
            saved = voice
    # settings.py refuses any SUMMARY_PERIOD but the KINDS, so one of them was saved.
    return cast(ActionVoice, saved)


def latest_voices(user: User, actions: list[TeamAction]) -> dict[int, ActionVoice]:
    """This person's latest answer on each of these actions (one query), for their home page."""
    voices = ActionVoice.objects.filter(user=user, kind=configured_kind(), action__in=[a.pk for a in actions])
    latest: dict[int, ActionVoice] = {}
    for voice in voices.order_by("period_start"):
        latest[voice.action_id] = voice  # oldest first, so the newest wins
    return latest
