"""Suggested actions for a service, drawn from the recommendations of Vivolo, Owen & Fisher (2024).

The paper ends by asking services to promote a values-based culture, self-awareness and reflective practice,
self-care and effective work-related boundaries, effective leadership, training and supervision, and peer
networks. Each suggestion below turns one of those into something a service can do, keyed to the dimension
it answers (and to the statement of the v1 question set it speaks to, where one fits). Suggestions on an
individual dimension are always about what the service provides, so the responsibility stays with the service.

Keys are stored on the actions started from them: never rename one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from assessments.core.framework import DIMENSIONS, Dimension, get_dimension

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

TRAINING = "training"
PRECEPTORSHIP = "preceptorship"
INDUCTION = "induction"
PROTECTED_TIME = "protected_time"


@dataclass(frozen=True)
class Suggestion:
    key: str
    dimension_slug: str
    statement: str  # a question code of the v1 set, or "" when it speaks to the whole dimension
    description: StrOrPromise  # what the service will do: becomes the action's description
    recommendation: StrOrPromise  # the paper's recommendation it comes from
    provision: str = ""  # what the service provides, for an individual dimension

    @property
    def dimension(self) -> Dimension:
        return get_dimension(self.dimension_slug)


VALUES_CULTURE = _("A values-based culture")
REFLECTIVE_PRACTICE = _("Self-awareness and reflective practice")
SUPERVISION = _("Protected supervision")
PEER_NETWORKS = _("Peer networks")
LEADERSHIP = _("Effective leadership")
BOUNDARIES = _("Self-care and work-related boundaries")
TRAINING_REC = _("Training")

LIBRARY: tuple[Suggestion, ...] = (
    # Systemic: pressures and demands of the service.
    Suggestion(
        "protected_reflection",
        "systemic_pressures",
        "sp_no_space",
        _("Protected reflective practice: an hour every fortnight, kept free of clinical bookings."),
        REFLECTIVE_PRACTICE,
    ),
    Suggestion(
        "caseload_ceiling",
        "systemic_pressures",
        "sp_volume",
        _(
            "Review caseloads and contact targets with the team, and agree a ceiling and what happens when it is "
            "reached."
        ),
        LEADERSHIP,
    ),
    Suggestion(
        "admin_time",
        "systemic_pressures",
        "sp_paperwork",
        _("Protected time in every diary for risk, safeguarding and referral paperwork."),
        LEADERSHIP,
    ),
    Suggestion(
        "referral_fit",
        "systemic_pressures",
        "sp_fit",
        _("Agree referral criteria with referrers, and a quick route for referrals that do not fit the service."),
        LEADERSHIP,
    ),
    # Systemic: a values-based team culture.
    Suggestion(
        "values_in_meetings",
        "systemic_values",
        "sv_culture",
        _("Start each team meeting with a few minutes on a piece of work that mattered, and why."),
        VALUES_CULTURE,
    ),
    Suggestion(
        "leads_go_first",
        "systemic_values",
        "sv_vulnerability",
        _(
            "Leads and supervisors talk openly about hard cases and their own difficult days, so asking for help is "
            "normal."
        ),
        LEADERSHIP,
    ),
    Suggestion(
        "future_in_role",
        "systemic_values",
        "sv_future",
        _(
            "Set out the routes on from the PWP role (senior PWP, supervisor, further training) and talk them "
            "through at appraisal."
        ),
        VALUES_CULTURE,
    ),
    # Systemic: supervision and peer support.
    Suggestion(
        "protected_supervision",
        "systemic_support",
        "ss_supervision",
        _("Protected clinical and case-management supervision: booked ahead, and not cancelled for clinical work."),
        SUPERVISION,
    ),
    Suggestion(
        "supervisor_backing",
        "systemic_support",
        "ss_backing",
        _("Time and training for supervisors to give supportive supervision, and a named stand-in when they are away."),
        SUPERVISION,
    ),
    Suggestion(
        "peer_network",
        "systemic_support",
        "ss_peers",
        _("A peer support group in work time, with a shared space or chat to reflect together."),
        PEER_NETWORKS,
    ),
    # Individual dimensions: what the service provides.
    Suggestion(
        "risk_training",
        "individual_challenges",
        "ic_risk",
        _("Training in risk assessment and difficult conversations, with a named senior to talk to after a hard call."),
        TRAINING_REC,
        TRAINING,
    ),
    Suggestion(
        "preceptorship",
        "individual_challenges",
        "ic_experience",
        _("Preceptorship for newly qualified PWPs: a named preceptor and protected time in the first year."),
        TRAINING_REC,
        PRECEPTORSHIP,
    ),
    Suggestion(
        "caseload_induction",
        "individual_challenges",
        "ic_organising",
        _("Induction on running a caseload and a diary, for new starters and for anyone who asks for it again."),
        TRAINING_REC,
        INDUCTION,
    ),
    Suggestion(
        "meaningful_work_sessions",
        "individual_values",
        "iv_why",
        _("Reflective sessions in work time exploring meaningful clinical experiences, such as narrative exercises."),
        REFLECTIVE_PRACTICE,
        TRAINING,
    ),
    Suggestion(
        "breaks_in_diary",
        "individual_coping",
        "ico_breaks",
        _("Breaks built into the diary template for everyone, and leave planned fairly across the team."),
        BOUNDARIES,
        PROTECTED_TIME,
    ),
    Suggestion(
        "practise_what_we_preach",
        "individual_coping",
        "ico_practise",
        _("A wellbeing session in work time using the low-intensity techniques on ourselves."),
        BOUNDARIES,
        TRAINING,
    ),
    Suggestion(
        "finish_on_time",
        "work_boundaries",
        "wb_time",
        _(
            "Make finishing on time the norm: no bookings in the last half hour of the day, and no messages out of "
            "hours."
        ),
        BOUNDARIES,
        PROTECTED_TIME,
    ),
    Suggestion(
        "structured_sessions",
        "work_boundaries",
        "wb_structure",
        _("A refresher on keeping low-intensity sessions structured and to time."),
        BOUNDARIES,
        TRAINING,
    ),
)

LIBRARY_BY_KEY: dict[str, Suggestion] = {s.key: s for s in LIBRARY}


def suggestions_by_dimension() -> list[tuple[Dimension, list[Suggestion]]]:
    """The library grouped by dimension, systemic dimensions first (they are what the service changes first)."""
    ordered = sorted(DIMENSIONS, key=lambda d: not d.is_systemic)
    return [(d, [s for s in LIBRARY if s.dimension_slug == d.slug]) for d in ordered]
