"""Suggested actions for a service, and where each comes from.

Vivolo, Owen & Fisher (2024) end with recommendations to services ("Clinical implications and recommendations").
A suggestion that turns one of them into something a service can do quotes it, word for word,
with where it stands in the paper (tests/leads/test_action_library.py finds every quote in the paper). The paper
names more pressures than it recommends fixes for (caseloads, targets, autonomy, leaving): the suggestions for those
are the service's own ideas, and say so.

Each suggestion answers one or more constructs, such as "autonomy" or "overtime"; STATEMENT_CONSTRUCTS says which
construct each statement code of the question sets measures, so a hotspot's statement finds its suggestion. A new
question-set edition adds a line there for each new code (the test reads the active set and names any code left
out). Suggestions on an individual dimension are always about what the service provides, so the responsibility
stays with the service.

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

PAPER = "Vivolo, Owen and Fisher (2024)"
IMPLICATIONS = "“Clinical implications and recommendations”"


@dataclass(frozen=True)
class Recommendation:
    """One of the paper's recommendations: its words exactly as printed, and where they stand."""

    key: str
    label: StrOrPromise  # a short name for it, in our words
    quote: str  # verbatim from the paper: never edit one without checking it against the paper
    locator: str  # section and paragraph


RECOMMENDATIONS: dict[str, Recommendation] = {
    r.key: r
    for r in (
        Recommendation(
            "values_culture",
            _("A values-based culture"),
            "Services should consider the promotion of a values-based culture where therapists feel able to "
            "nurture their beliefs and values",
            f"{PAPER}, {IMPLICATIONS}, paragraph 2",
        ),
        Recommendation(
            "reflective_practice",
            _("Self-awareness and reflective practice"),
            "Services could consider the use of self-awareness and reflective practices, such as mindfulness-based "
            "activities and narrative exercises exploring meaningful clinical experiences",
            f"{PAPER}, {IMPLICATIONS}, paragraph 2",
        ),
        Recommendation(
            "self_care_boundaries",
            _("Self-care and work-related boundaries"),
            "Services should promote self-care and wellbeing strategies, and encourage therapists to maintain "
            "effective work-related boundaries.",
            f"{PAPER}, {IMPLICATIONS}, paragraph 3",
        ),
        Recommendation(
            "compassion",
            _("A culture of compassion for staff"),
            "to nurture a culture of compassion and empathy for both clients and staff, where ethical practice is "
            "nurtured",
            f"{PAPER}, {IMPLICATIONS}, paragraph 3",
        ),
        Recommendation(
            "leadership_training_supervision",
            _("Leadership, training and supervision"),
            "effective leadership (NHS Leadership Academy, 2013), training and supervision all contribute to "
            "fostering this organisational culture in services",
            f"{PAPER}, {IMPLICATIONS}, paragraph 3",
        ),
        Recommendation(
            "peer_networks",
            _("Peer networks"),
            "Therapist wellbeing should also be supported systemically through the development of peer networks. "
            "This can be achieved by designing initiatives that bring professionals together, such as "
            "practice-based courses and training, relaxation and leisure activities",
            f"{PAPER}, {IMPLICATIONS}, paragraph 3",
        ),
    )
}

# What each statement code measures, by question-set edition. Add a line for each new code.
STATEMENT_CONSTRUCTS: dict[str, str] = {
    # Individual challenges
    "ic_experience": "experience",
    "ic_unfamiliar": "experience",
    "ic_risk": "risk",
    "ic_difficult": "difficult_conversations",
    "ic_organising": "organising",
    "ic_unprepared": "difficult_conversations",
    "ic_distress": "emotional_weight",
    "ic_organise_how": "organising",
    # Systemic pressures and demands
    "sp_volume": "volume",
    "sp_paperwork": "paperwork",
    "sp_fit": "referral_fit",
    "sp_no_space": "space_to_reflect",
    "sp_say": "autonomy",
    "sp_not_asked": "autonomy",
    "sp_phone": "phone_load",
    # Individual values
    "iv_difference": "meaning",
    "iv_why": "meaning",
    "iv_motivator": "meaning",
    "iv_manageable": "appraisal",
    # Systemic values
    "sv_culture": "values_culture",
    "sv_manager": "values_culture",
    "sv_team": "values_culture",
    "sv_vulnerability": "vulnerability",
    "sv_targets": "targets",
    "sv_no_blame": "incidents",
    "sv_fair": "incidents",
    "sv_team_talk": "values_culture",
    "sv_future": "future",
    "leave_thoughts": "staying",
    "leave_because_of_work": "staying",
    # Individual coping
    "ico_breaks": "breaks",
    "ico_took_breaks": "breaks",
    "ico_leave": "time_off",
    "ico_routine": "outside_work",
    "ico_interests": "outside_work",
    "ico_practise": "practise",
    # Work-related boundaries
    "wb_separate": "leaving_work_behind",
    "wb_time": "leaving_work_behind",
    "wb_structure": "structure",
    "wb_session_structure": "structure",
    "wb_done_what_i_can": "leaving_work_behind",
    "wb_to_time": "structure",
    "wb_own_time": "working_time",
    "worked_over": "overtime",
    # Systemic and relational strategies
    "ss_supervision": "supervision",
    "ss_case_management": "supervision",
    "ss_clinical": "supervision",
    "ss_backing": "supervisor_backing",
    "ss_peers": "peers",
    "supervision_happened": "supervision_delivery",
}


@dataclass(frozen=True)
class Suggestion:
    key: str
    dimension_slug: str
    constructs: tuple[str, ...]  # what it answers (STATEMENT_CONSTRUCTS' values)
    description: StrOrPromise  # what the service will do: becomes the action's description
    recommendation_key: str = ""  # the paper's recommendation it comes from; "" for the service's own idea
    provision: str = ""  # what the service provides, for an individual dimension

    @property
    def dimension(self) -> Dimension:
        return get_dimension(self.dimension_slug)

    @property
    def recommendation(self) -> Recommendation | None:
        return RECOMMENDATIONS[self.recommendation_key] if self.recommendation_key else None

    @property
    def anchor(self) -> str:
        return f"suggestion-{self.key}"


def _s(
    key: str, dimension: str, constructs: tuple[str, ...], description: StrOrPromise, rec: str = "", provision: str = ""
) -> Suggestion:
    return Suggestion(key, dimension, constructs, description, rec, provision)


LIBRARY: tuple[Suggestion, ...] = (
    # Systemic: pressures and demands of the service.
    _s(
        "protected_reflection",
        "systemic_pressures",
        ("space_to_reflect",),
        _("Protected reflective practice: an hour every fortnight, kept free of clinical bookings."),
        "reflective_practice",
    ),
    _s(
        "caseload_ceiling",
        "systemic_pressures",
        ("volume",),
        _(
            "Review caseloads and contact targets with the team, and agree a ceiling and what happens when it is "
            "reached."
        ),
    ),
    _s(
        "mixed_diaries",
        "systemic_pressures",
        ("phone_load",),
        _(
            "Plan diaries so that no one has more than a morning of back-to-back telephone appointments, with a "
            "gap after each block."
        ),
    ),
    _s(
        "admin_time",
        "systemic_pressures",
        ("paperwork",),
        _("Protected time in every diary for risk, safeguarding and referral paperwork."),
    ),
    _s(
        "referral_fit",
        "systemic_pressures",
        ("referral_fit",),
        _("Agree referral criteria with referrers, and a quick route for referrals that do not fit the service."),
    ),
    _s(
        "say_in_decisions",
        "systemic_pressures",
        ("autonomy",),
        _(
            "Agree changes to diary templates, targets and how the work is organised with the team before they "
            "start: a standing item at team meetings, with what was decided and why."
        ),
    ),
    # Systemic: a values-based team culture.
    _s(
        "values_in_meetings",
        "systemic_values",
        ("values_culture",),
        _("Start each team meeting with a few minutes on a piece of work that mattered, and why."),
        "values_culture",
    ),
    _s(
        "leads_go_first",
        "systemic_values",
        ("vulnerability",),
        _(
            "Leads and supervisors talk openly about hard cases and their own difficult days, so asking for help is "
            "normal."
        ),
        "leadership_training_supervision",
    ),
    _s(
        "targets_review",
        "systemic_values",
        ("targets",),
        _("Look with the team at which local targets pull against good care, and change or drop the ones that do."),
    ),
    _s(
        "compassionate_incidents",
        "systemic_values",
        ("incidents",),
        _(
            "After an incident or a mistake, a debrief with care for the staff involved, and a review that asks what "
            "the system can learn, not who is to blame."
        ),
        "compassion",
    ),
    _s(
        "future_in_role",
        "systemic_values",
        ("future",),
        _(
            "Set out the routes on from the PWP role (senior PWP, supervisor, further training) and talk them "
            "through at appraisal."
        ),
    ),
    _s(
        "stay_conversations",
        "systemic_values",
        ("staying", "future"),
        _(
            "Stay conversations: ask each person, at supervision or appraisal, what keeps them in the role and what "
            "might make them leave, and act on what the service can change."
        ),
    ),
    # Systemic: supervision and peer support.
    _s(
        "protected_supervision",
        "systemic_support",
        ("supervision", "supervision_delivery"),
        _("Protected clinical and case-management supervision: booked ahead, and not cancelled for clinical work."),
        "leadership_training_supervision",
    ),
    _s(
        "supervision_kept",
        "systemic_support",
        ("supervision_delivery",),
        _("Keep a note of planned supervision that did not go ahead, look at it each month, and rebook every session."),
    ),
    _s(
        "supervisor_backing",
        "systemic_support",
        ("supervisor_backing", "supervision"),
        _("Time and training for supervisors to give supportive supervision, and a named stand-in when they are away."),
        "leadership_training_supervision",
    ),
    _s(
        "peer_network",
        "systemic_support",
        ("peers",),
        _("A peer support group in work time, with a shared space or chat to reflect together."),
        "peer_networks",
    ),
    _s(
        "across_teams",
        "systemic_support",
        ("peers",),
        _(
            "Practice-based courses and training shared with the service's other teams, so people meet colleagues "
            "beyond their own."
        ),
        "peer_networks",
    ),
    # Individual dimensions: what the service provides.
    _s(
        "risk_training",
        "individual_challenges",
        ("risk", "difficult_conversations"),
        _("Training in risk assessment and difficult conversations, with a named senior to talk to after a hard call."),
        "leadership_training_supervision",
        TRAINING,
    ),
    _s(
        "debrief_after_distress",
        "individual_challenges",
        ("emotional_weight",),
        _(
            "Ten protected minutes after a distressing session to talk it through with a senior colleague, and a "
            "regular reflective space for what patients' distress leaves behind."
        ),
        "reflective_practice",
        PROTECTED_TIME,
    ),
    _s(
        "preceptorship",
        "individual_challenges",
        ("experience",),
        _("Preceptorship for newly qualified PWPs: a named preceptor and protected time in the first year."),
        "leadership_training_supervision",
        PRECEPTORSHIP,
    ),
    _s(
        "caseload_induction",
        "individual_challenges",
        ("organising",),
        _("Induction on running a caseload and a diary, for new starters and for anyone who asks for it again."),
        "leadership_training_supervision",
        INDUCTION,
    ),
    _s(
        "meaningful_work_sessions",
        "individual_values",
        ("meaning",),
        _("Reflective sessions in work time exploring meaningful clinical experiences, such as narrative exercises."),
        "reflective_practice",
        TRAINING,
    ),
    _s(
        "mindfulness_sessions",
        "individual_values",
        ("appraisal", "meaning"),
        _("Mindfulness-based sessions in work time, led by someone trained to run them, for anyone who wants them."),
        "reflective_practice",
        TRAINING,
    ),
    _s(
        "breaks_in_diary",
        "individual_coping",
        ("breaks", "time_off"),
        _("Breaks built into the diary template for everyone, and leave planned fairly across the team."),
        "self_care_boundaries",
        PROTECTED_TIME,
    ),
    _s(
        "practise_what_we_preach",
        "individual_coping",
        ("practise",),
        _("A wellbeing session in work time using the low-intensity techniques on ourselves."),
        "self_care_boundaries",
        TRAINING,
    ),
    _s(
        "leisure_together",
        "individual_coping",
        ("outside_work",),
        _("A relaxation or leisure activity in work time, open to every team of the service."),
        "peer_networks",
        PROTECTED_TIME,
    ),
    _s(
        "finish_on_time",
        "work_boundaries",
        ("leaving_work_behind", "working_time"),
        _(
            "Make finishing on time the norm: no bookings in the last half hour of the day, and no messages out of "
            "hours."
        ),
        "self_care_boundaries",
        PROTECTED_TIME,
    ),
    _s(
        "hours_given_back",
        "work_boundaries",
        ("overtime",),
        _("Keep track of hours worked beyond the day, and give them back as time off, with fewer bookings that week."),
        "",
        PROTECTED_TIME,
    ),
    _s(
        "structured_sessions",
        "work_boundaries",
        ("structure",),
        _("A refresher on keeping low-intensity sessions structured and to time."),
        "self_care_boundaries",
        TRAINING,
    ),
)

LIBRARY_BY_KEY: dict[str, Suggestion] = {s.key: s for s in LIBRARY}


def suggestions_by_dimension() -> list[tuple[Dimension, list[Suggestion]]]:
    """The library grouped by dimension, systemic dimensions first (they are what the service changes first)."""
    ordered = sorted(DIMENSIONS, key=lambda d: not d.is_systemic)
    return [(d, [s for s in LIBRARY if s.dimension_slug == d.slug]) for d in ordered]


def suggestions_for_statement(code: str) -> list[Suggestion]:
    """The suggestions that answer what this statement measures; none for a code not in STATEMENT_CONSTRUCTS."""
    construct = STATEMENT_CONSTRUCTS.get(code)
    return [s for s in LIBRARY if construct in s.constructs] if construct else []


def suggestion_anchor(code: str, dimension_slug: str) -> str:
    """Where on the action page a hotspot's statement should land: its first matching suggestion, otherwise the
    dimension's list."""
    found = suggestions_for_statement(code)
    return found[0].anchor if found else f"suggestions-{dimension_slug}"
