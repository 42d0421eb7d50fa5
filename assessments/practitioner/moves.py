"""A practitioner's resilient moves: choose 1 to 3 after a profile, review them at the next check-in.

A move is *open* until a review says it was tried (helped or not) or dropped;
"not yet" keeps it open for the next check-in. Moves belong to their author alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.core.move_catalogue import CATALOGUE_BY_KEY
from assessments.models.checkins import CheckIn
from assessments.models.private import (
    MOVE_NOTE_MAX_LENGTH,
    MOVE_TEXT_MAX_LENGTH,
    OBSTACLE_OUTCOMES,
    MoveObstacle,
    MoveOutcome,
    MoveReview,
    ResilientMove,
)

MAX_OPEN_MOVES = 3


class MoveError(Exception):
    """A request about moves that cannot be accepted. The message is safe to show."""


def moves_of(user: User) -> QuerySet[ResilientMove]:
    """A person's moves, newest first, with their reviews (two queries)."""
    return ResilientMove.objects.filter(user=user).prefetch_related(
        Prefetch("reviews", queryset=MoveReview.objects.order_by("created_at", "id"))
    )


def latest_review(move: ResilientMove) -> MoveReview | None:
    reviews = list(move.reviews.all())
    return reviews[-1] if reviews else None


def is_open(move: ResilientMove) -> bool:
    review = latest_review(move)
    return review is None or review.outcome == MoveOutcome.NOT_YET


CLOSING_OUTCOMES = [MoveOutcome.HELPED, MoveOutcome.DID_NOT_HELP, MoveOutcome.DROPPED]


def open_moves(user: User) -> list[ResilientMove]:
    """Moves still to try (one query). Only an open move can be reviewed, so any closing review closes it."""
    return list(ResilientMove.objects.filter(user=user).exclude(reviews__outcome__in=CLOSING_OUTCOMES))


@transaction.atomic
def moves_choose(
    *, user: User, checkin: CheckIn, catalogue_keys: Iterable[str], own_text: str = ""
) -> list[ResilientMove]:
    """Add 1 to 3 moves chosen after seeing a profile. Open moves count towards the limit of 3."""
    if checkin.user_id != user.pk or not checkin.is_submitted:
        raise MoveError(_("Moves can only be chosen from one of your own sent check-ins."))
    keys = list(dict.fromkeys(catalogue_keys))
    unknown = [k for k in keys if k not in CATALOGUE_BY_KEY]
    if unknown:
        raise MoveError(_("One of the moves chosen is not in the list. Nothing was saved."))
    own_text = own_text.strip()
    if len(own_text) > MOVE_TEXT_MAX_LENGTH:
        raise MoveError(
            _("Your own move is too long. Please keep it under %(n)s characters.") % {"n": MOVE_TEXT_MAX_LENGTH}
        )
    count = len(keys) + (1 if own_text else 0)
    if count == 0:
        raise MoveError(_("Please choose at least one move, or write your own."))
    # Lock the person's moves so two tabs cannot both add three.
    list(ResilientMove.objects.select_for_update().filter(user=user).values_list("pk", flat=True))
    already_open = len(open_moves(user))
    if count + already_open > MAX_OPEN_MOVES:
        raise MoveError(
            _("You can have up to %(n)s moves at a time. You have %(open)d open, so you can choose %(left)d more.")
            % {"n": MAX_OPEN_MOVES, "open": already_open, "left": max(MAX_OPEN_MOVES - already_open, 0)}
        )
    moves = [
        ResilientMove(
            user=user,
            catalogue_key=key,
            dimension=CATALOGUE_BY_KEY[key].dimension_slug,
            text=str(CATALOGUE_BY_KEY[key].text),
            chosen_from=checkin,
        )
        for key in keys
    ]
    if own_text:
        moves.append(ResilientMove(user=user, text=own_text, chosen_from=checkin))
    return ResilientMove.objects.bulk_create(moves)


def moves_to_review(user: User, draft: CheckIn) -> list[ResilientMove]:
    """Open moves chosen before this draft began and not yet reviewed during it."""
    return [
        m
        for m in moves_of(user).filter(chosen_at__lt=draft.created_at)
        if is_open(m) and ((r := latest_review(m)) is None or r.created_at < draft.created_at)
    ]


@transaction.atomic
def moves_review(*, user: User, reviews: Mapping[int, tuple[str, str, str]]) -> list[MoveReview]:
    """Record how each move went: {move id: (outcome, note, obstacle)}, the obstacle ("what got in the way") blank
    or one of MoveObstacle for a move not tried or dropped. A move that is not this person's open move refuses the
    whole lot."""
    owned_open = {m.pk: m for m in open_moves(user)}
    if not reviews or set(reviews) - set(owned_open):
        raise MoveError(_("That move could not be found."))
    for outcome, note, obstacle in reviews.values():
        if outcome not in MoveOutcome.values:
            raise MoveError(_("Please choose how each move went."))
        if obstacle and (obstacle not in MoveObstacle.values or outcome not in OBSTACLE_OUTCOMES):
            raise MoveError(_("“What got in the way” is only for a move that has not happened. Nothing was saved."))
        if len(note) > MOVE_NOTE_MAX_LENGTH:
            raise MoveError(
                _("A note is too long. Please keep each note under %(n)s characters.") % {"n": MOVE_NOTE_MAX_LENGTH}
            )
    now = timezone.now()
    return MoveReview.objects.bulk_create(
        MoveReview(move=owned_open[pk], outcome=outcome, note=note.strip(), obstacle=obstacle, created_at=now)
        for pk, (outcome, note, obstacle) in reviews.items()
    )
