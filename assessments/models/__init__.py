"""The app's models, one module per kind of data. Django finds them all through this package."""

from assessments.models.checkins import Answer, CheckIn, DimensionScore
from assessments.models.figures import (
    ActionVoice,
    AuditEvent,
    PublishedPeriod,
    SummaryAccess,
    SummaryEntry,
    TeamAction,
    TeamActionEvent,
)
from assessments.models.organisation import Cadence, Invite, Membership, Role, Service, ServiceLead, Team
from assessments.models.private import (
    MOVE_NOTE_MAX_LENGTH,
    MOVE_TEXT_MAX_LENGTH,
    REFLECTION_MAX_LENGTH,
    SUPERVISION_NOTE_MAX_LENGTH,
    VALUES_MAX_LENGTH,
    MoveOutcome,
    MoveReview,
    PractitionerProfile,
    Reflection,
    ReminderSent,
    ResilientMove,
    SupervisionNote,
)
from assessments.models.questions import Question, QuestionSet

__all__ = [
    "ActionVoice",
    "AuditEvent",
    "PublishedPeriod",
    "Answer",
    "Cadence",
    "CheckIn",
    "DimensionScore",
    "Invite",
    "MOVE_NOTE_MAX_LENGTH",
    "MOVE_TEXT_MAX_LENGTH",
    "Membership",
    "MoveOutcome",
    "MoveReview",
    "PractitionerProfile",
    "Question",
    "QuestionSet",
    "REFLECTION_MAX_LENGTH",
    "Reflection",
    "ReminderSent",
    "ResilientMove",
    "Role",
    "SUPERVISION_NOTE_MAX_LENGTH",
    "Service",
    "ServiceLead",
    "SummaryAccess",
    "SummaryEntry",
    "SupervisionNote",
    "Team",
    "TeamAction",
    "TeamActionEvent",
    "VALUES_MAX_LENGTH",
]
