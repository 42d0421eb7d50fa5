"""Resilient moves: small, concrete actions a practitioner can try before their next check-in.

Written for this product, after Aranda & Hart's "resilient moves" and the coping
strategies in Vivolo, Owen & Fisher's Table 3. Each move is tagged with one
dimension. Moves for a systemic dimension are about *raising* it (with the
lead, in supervision, with peers), never about trying harder: a system problem
is not a personal failing to fix with self-care (Janes et al.).

Keys are stored in the database with each chosen move, so never rename one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from assessments.core.framework import DIMENSIONS, DIMENSIONS_BY_SLUG, Dimension, Direction
from assessments.core.scoring import is_concerning

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class CatalogueMove:
    key: str
    dimension_slug: str
    text: StrOrPromise

    @property
    def dimension(self) -> Dimension:
        return DIMENSIONS_BY_SLUG[self.dimension_slug]


CATALOGUE: tuple[CatalogueMove, ...] = (
    # Phase 1, individual: build confidence in the hard parts, with support.
    CatalogueMove(
        "challenge-bring-one-case",
        "individual_challenges",
        _("Bring one situation you found hard, such as a risk call, to your next supervision."),
    ),
    CatalogueMove(
        "challenge-shadow-colleague",
        "individual_challenges",
        _("Ask a colleague if you can listen to how they handle a difficult call, or talk one through with them."),
    ),
    CatalogueMove(
        "challenge-plan-week",
        "individual_challenges",
        _("Spend ten minutes on Monday planning your week's admin time before the clinics fill it."),
    ),
    CatalogueMove(
        "challenge-one-skill",
        "individual_challenges",
        _("Pick one skill you want to feel surer of and ask your supervisor for a resource or a role-play on it."),
    ),
    CatalogueMove(
        "challenge-debrief-hard-call",
        "individual_challenges",
        _(
            "After a hard or risky call, take five minutes the same day to talk it through with your supervisor or a "
            "colleague."
        ),
    ),
    # Phase 1, systemic: raise it, do not absorb it.
    CatalogueMove(
        "pressure-raise-with-lead",
        "systemic_pressures",
        _("Tell your lead about one specific pressure, such as caseload or risk paperwork, and how it affects you."),
    ),
    CatalogueMove(
        "pressure-supervision-agenda",
        "systemic_pressures",
        _("Put workload on the agenda for your next case-management supervision and ask what can give."),
    ),
    CatalogueMove(
        "pressure-team-meeting",
        "systemic_pressures",
        _("Suggest the team talks about one shared pressure, such as referrals that do not fit, at a team meeting."),
    ),
    CatalogueMove(
        "pressure-check-with-peers",
        "systemic_pressures",
        _("Ask a peer whether they feel the same pressure, so it can be raised together rather than carried alone."),
    ),
    # Phase 2, individual: values-connection exercises.
    CatalogueMove(
        "values-moment-made-difference",
        "individual_values",
        _("Note down one moment this week when the work made a difference to someone, however small."),
    ),
    CatalogueMove(
        "values-why-i-started",
        "individual_values",
        _("Write a sentence about why you came into this work, and keep it where you will see it on a hard day."),
    ),
    CatalogueMove(
        "values-thank-you-file",
        "individual_values",
        _("Keep a note of kind words from a client or colleague, and read it back at the end of a tough week."),
    ),
    CatalogueMove(
        "values-name-one-value",
        "individual_values",
        _("Before a difficult session, name to yourself one value you want to bring to it, such as patience."),
    ),
    # Phase 2, systemic: ask for the culture, do not manufacture it alone.
    CatalogueMove(
        "culture-ask-for-reflective-space",
        "systemic_values",
        _("Ask your lead whether the team could have a regular reflective space, even a short one."),
    ),
    CatalogueMove(
        "culture-share-in-supervision",
        "systemic_values",
        _("Tell your supervisor how safe it feels to show you are struggling, and what would make it safer."),
    ),
    CatalogueMove(
        "culture-ask-about-future",
        "systemic_values",
        _("Ask your lead about training or progression, so you can see where the role could lead."),
    ),
    CatalogueMove(
        "culture-name-what-works",
        "systemic_values",
        _("Tell the team about one thing a colleague did that helped you, so good practice gets noticed."),
    ),
    # Phase 3, individual coping: self-care and practising what we preach.
    CatalogueMove(
        "selfcare-lunch-away",
        "individual_coping",
        _("Take a proper lunch break away from your desk on two days this week."),
    ),
    CatalogueMove(
        "selfcare-book-leave",
        "individual_coping",
        _("Book some annual leave, even a single day, so you have something to look forward to."),
    ),
    CatalogueMove(
        "selfcare-practise-preach",
        "individual_coping",
        _("Use one low-intensity technique you teach on yourself this week, such as activity scheduling."),
    ),
    CatalogueMove(
        "selfcare-one-enjoyable-thing",
        "individual_coping",
        _("Plan one enjoyable thing outside work this week and put it in your diary."),
    ),
    CatalogueMove(
        "selfcare-help-for-you",
        "individual_coping",
        _(
            "If things feel like too much, talk to someone for yourself: your GP, occupational health, your employee "
            "assistance programme or NHS Practitioner Health."
        ),
    ),
    # Phase 3, work boundaries.
    CatalogueMove(
        "boundary-finish-time",
        "work_boundaries",
        _("Choose a time to finish each day this week and stop then, on at least three days."),
    ),
    CatalogueMove(
        "boundary-end-of-day-ritual",
        "work_boundaries",
        _("Mark the end of the working day with a short routine, such as a walk or changing clothes."),
    ),
    CatalogueMove(
        "boundary-no-email-at-home",
        "work_boundaries",
        _("Keep work email and messages off your phone for the evenings this week."),
    ),
    CatalogueMove(
        "boundary-buffer-between-sessions",
        "work_boundaries",
        _("Protect five minutes between sessions to write up and breathe, rather than going straight on."),
    ),
    CatalogueMove(
        "boundary-done-what-i-can",
        "work_boundaries",
        _(
            "At the end of the day, write down what to pick up tomorrow and tell yourself: I have done what I can "
            "today. Then leave it at work."
        ),
    ),
    CatalogueMove(
        "boundary-structure-sessions",
        "work_boundaries",
        _("Start each session by agreeing what you will cover and when it ends, so sessions finish on time."),
    ),
    # Phase 3, systemic: ask for support the service should provide.
    CatalogueMove(
        "support-ask-supervisor-time",
        "systemic_support",
        _("Ask your supervisor for time in your next session to talk about how you are, not only your cases."),
    ),
    CatalogueMove(
        "support-peer-check-in",
        "systemic_support",
        _("Arrange a short check-in with a peer you trust, in person or online."),
    ),
    CatalogueMove(
        "support-ask-lead-peer-space",
        "systemic_support",
        _("Ask your lead whether the team could have protected time for peer support."),
    ),
    CatalogueMove(
        "support-say-what-you-need",
        "systemic_support",
        _("Tell your supervisor one thing that would make supervision more useful to you."),
    ),
    CatalogueMove(
        "support-start-peer-space",
        "systemic_support",
        _(
            "Start a peer space yourself: invite two colleagues to half an hour every fortnight to talk about the work "
            "and how it feels."
        ),
    ),
    CatalogueMove(
        "support-after-incident",
        "systemic_support",
        _(
            "After an incident, a complaint or a loss, ask your lead or supervisor for a debrief and for the support "
            "the service offers."
        ),
    ),
)

CATALOGUE_BY_KEY: dict[str, CatalogueMove] = {m.key: m for m in CATALOGUE}


def _need(score: float | None, direction: Direction) -> float:
    """How far a score sits towards the end that needs attention (higher = more need)."""
    if score is None:
        return -1.0
    return score if direction == Direction.PRESSURE else 100 - score


def dimensions_by_need(dimension_scores: Mapping[str, float | None]) -> list[Dimension]:
    """Dimensions ordered by the person's own results: concerning ones first, then by how close they are."""
    return sorted(
        DIMENSIONS,
        key=lambda d: (
            not is_concerning(dimension_scores.get(d.slug), d.direction),
            -_need(dimension_scores.get(d.slug), d.direction),
            not d.is_systemic,  # on a tie, what the service shapes comes first, as in the feedback
        ),
    )


def suggestions_for(dimension_scores: Mapping[str, float | None]) -> list[tuple[Dimension, bool, list[CatalogueMove]]]:
    """The catalogue grouped by dimension, in order of the person's need; each with whether it is concerning."""
    return [
        (
            d,
            is_concerning(dimension_scores.get(d.slug), d.direction),
            [m for m in CATALOGUE if m.dimension_slug == d.slug],
        )
        for d in dimensions_by_need(dimension_scores)
    ]
