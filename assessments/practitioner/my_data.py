"""Everything the app holds about one person, to take away: JSON (complete) and CSV (check-ins with answers).

One function collects every model that holds a person's data. tests/practitioner/test_my_data.py
fails if a model is added with a link to a user and is neither exported here nor
listed in NOT_EXPORTED with a reason.
"""

from __future__ import annotations

import io
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db.models import Prefetch
from django.utils import timezone

from assessments.core.periods import configured_kind
from assessments.core.spreadsheet import Cell, csv_rows
from assessments.models.checkins import Answer, CheckIn, DimensionScore
from assessments.models.figures import (
    ActionVoice,
    AuditEvent,
    SummaryAccess,
    SummaryEntry,
    TeamAction,
    TeamActionEvent,
)
from assessments.models.nudges import LeadEmailSetting, LeadNudgeSent
from assessments.models.organisation import Invite, Membership, OrganisationIdentity, ServiceLead
from assessments.models.private import (
    MoveReview,
    PractitionerProfile,
    Reflection,
    ReminderSent,
    ResilientMove,
    SupervisionNote,
)

EXPORTED_MODELS = (
    get_user_model(),
    PractitionerProfile,
    Membership,
    ServiceLead,
    OrganisationIdentity,
    CheckIn,
    Answer,
    Reflection,
    DimensionScore,
    ResilientMove,
    MoveReview,
    SupervisionNote,
    ReminderSent,
    ActionVoice,
    LeadEmailSetting,
    LeadNudgeSent,
)
# Models that point at a user but are not that person's data, and why.
NOT_EXPORTED = {
    Invite: "An invite belongs to the team and may name someone else; its link to a deleted user is cleared.",
    SummaryEntry: "A derived index of the person's exported check-in scores, used for team summaries; "
    "it is deleted with the check-in.",
    TeamAction: "An action the service agreed for a team; its link to the lead who recorded it is cleared.",
    SummaryAccess: "The audit log of leads reading anonymised summaries, kept for administrators; "
    "its link to a deleted user is cleared.",
    TeamActionEvent: "The history of a team action, kept for its leads: who changed it and when; its link to a "
    "deleted user is cleared.",
    AuditEvent: "The audit log of invites and memberships, kept for administrators; its link to a deleted "
    "user is cleared.",
}


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def user_export(user: User) -> dict[str, Any]:
    """Every row the app holds about this person, and nothing about anyone else (nine queries)."""
    profile = PractitionerProfile.objects.filter(user=user).first()
    checkins = (
        CheckIn.objects.filter(user=user)
        .select_related("team", "question_set")
        .prefetch_related(
            Prefetch("answers", queryset=Answer.objects.select_related("question").order_by("question__order")),
            "reflections",
            "scores",
        )
        .order_by("created_at", "id")
    )
    moves = (
        ResilientMove.objects.filter(user=user)
        .prefetch_related(Prefetch("reviews", queryset=MoveReview.objects.order_by("created_at", "id")))
        .order_by("chosen_at", "id")
    )
    return {
        "format": "resilience-checkin-export/1",
        "exported_at": _iso(timezone.now()),
        "account": {
            "username": user.get_username(),
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
        },
        "profile": {
            "values": profile.values if profile else "",
            "reminders_enabled": profile.reminders_enabled if profile else True,
        },
        "memberships": [
            {"team": m.team.name, "service": m.team.service.name, "role": m.role, "joined_at": _iso(m.created_at)}
            for m in Membership.objects.filter(user=user).select_related("team__service").order_by("created_at")
        ],
        "services_led": [
            {"service": s.service.name} for s in ServiceLead.objects.filter(user=user).select_related("service")
        ],
        "organisation_sign_ins": [
            {"provider": i.issuer, "subject": i.subject, "linked_at": _iso(i.created_at)}
            for i in OrganisationIdentity.objects.filter(user=user).order_by("created_at")
        ],
        "checkins": [
            {
                "id": c.pk,
                "status": c.status,
                "team": c.team.name if c.team else None,
                "question_set_version": c.question_set.version,
                "created_at": _iso(c.created_at),
                "submitted_at": _iso(c.submitted_at),
                "answers": [
                    {
                        "question": a.question.code,
                        "dimension": a.question.dimension,
                        "statement": a.question.text,
                        "value": a.value,
                    }
                    for a in c.answers.all()
                ],
                "reflections": [{"phase": r.phase, "text": r.text} for r in c.reflections.all()],
                "scores": [
                    {"dimension": s.dimension, "score": s.score, "answered": s.answered} for s in c.scores.all()
                ],
            }
            for c in checkins
        ],
        "resilient_moves": [
            {
                "id": m.pk,
                "text": m.text,
                "catalogue_key": m.catalogue_key,
                "dimension": m.dimension,
                "chosen_at": _iso(m.chosen_at),
                "chosen_from_checkin": m.chosen_from_id,
                "reviews": [
                    {"outcome": r.outcome, "obstacle": r.obstacle, "note": r.note, "reviewed_at": _iso(r.created_at)}
                    for r in m.reviews.all()
                ],
            }
            for m in moves
        ],
        "supervision_notes": [
            {
                "kind": n.kind,
                "checkin": n.checkin_id,
                "phase": n.phase,
                "dimension": n.dimension,
                "note": n.note,
                "created_at": _iso(n.created_at),
                "done_at": _iso(n.done_at),
            }
            for n in SupervisionNote.objects.filter(user=user).order_by("created_at", "id")
        ],
        "reminders_sent": [
            {"window_start": r.window_start.isoformat(), "sent_at": _iso(r.sent_at)}
            for r in ReminderSent.objects.filter(user=user).order_by("window_start")
        ],
        # For leads: whether they are emailed when figures are ready, and which of those emails were sent.
        "figures_ready_emails": {
            "on": not LeadEmailSetting.objects.filter(user=user, figures_ready=False).exists(),
            "sent": [
                {"period_start": n.period_start.isoformat(), "sent_at": _iso(n.sent_at)}
                for n in LeadNudgeSent.objects.filter(user=user).order_by("period_start")
            ],
        },
        # Whether the service's actions made a difference: one answer per action and period (the rows of the
        # other period kind hold the same answers).
        "action_answers": [
            {
                "action": v.action.description,
                "period_start": v.period_start.isoformat(),
                "answer": v.answer,
                "answered_at": _iso(v.answered_at),
            }
            for v in ActionVoice.objects.filter(user=user, kind=configured_kind())
            .select_related("action")
            .order_by("period_start", "action_id")
        ],
    }


CSV_HEADER = [
    "checkin_id",
    "status",
    "submitted_at",
    "team",
    "question_set_version",
    "question",
    "dimension",
    "statement",
    "answer_value",
    "answer_label",
]


def user_export_csv(user: User) -> str:
    """One row per answer of each of this person's check-ins (one query)."""
    answers = (
        Answer.objects.filter(checkin__user=user)
        .select_related("checkin__team", "checkin__question_set", "question")
        .order_by("checkin__created_at", "checkin_id", "question__order", "question_id")
    )
    rows: list[list[Cell]] = []
    for a in answers:
        c = a.checkin
        rows.append(
            [
                c.pk,
                c.status,
                _iso(c.submitted_at) or "",
                c.team.name if c.team else "",
                c.question_set.version,
                a.question.code,
                a.question.dimension,
                a.question.text,
                a.value,
                a.question.answer_label(a.value),
            ]
        )
    out = io.StringIO()
    # Through csv_rows: a team name or statement that someone else typed must not run as a formula in this file.
    csv_rows(out, CSV_HEADER, rows)
    return out.getvalue()
