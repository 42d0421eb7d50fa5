"""The world the page-by-page tests visit, and teams of people who took part.

One builder, `build_world`, for every test that goes round the pages: the access matrix
(tests/web/test_access_matrix.py), the form fuzzer (tests/web/test_fuzz_forms.py) and the accessibility audit
(tests/browser/test_accessibility.py). A new page that needs something to show (a new kind of object, a state) needs
it added here once, and all three see it. The oracle's tests (tests/leads/test_*oracle*.py) build their teams with
`send`, from here too.

Everything is built through the app's own write paths (check-ins sent, moves chosen, actions recorded), as the pages
would build it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from assessments.core.framework import DIMENSIONS, PHASES_BY_SLUG, SCALE_MAX, SCALE_MIN, SYSTEMIC_DIMENSIONS
from assessments.core.move_catalogue import CATALOGUE
from assessments.core.periods import latest_shown_period
from assessments.leads.invites import invite_create
from assessments.models import (
    CheckIn,
    Membership,
    QuestionSet,
    ResilientMove,
    Role,
    Service,
    SupervisionNote,
    Team,
    TeamAction,
)
from assessments.practitioner.checkins import checkin_start
from assessments.practitioner.moves import moves_choose
from assessments.practitioner.questions import question_set_load
from assessments.practitioner.supervision import supervision_mark
from devtools.answers import answer_every_step
from tests.actions import make_action
from tests.cast import (
    JOINED,
    make_user,
    new_admin,
    new_lead,
    new_other_lead,
    new_outsider,
    new_practitioner,
    new_service,
    new_service_lead,
    new_team,
    new_teammate,
)
from tests.checkins import shown_moment, submit_checkin

# --- teams of people who took part ----------------------------------------------------------------------------------


def people_in(team: Team, count: int, prefix: str | None = None) -> list[User]:
    """`count` new practitioners in the team."""
    prefix = prefix or f"t{team.pk}p"
    users = [make_user(f"{prefix}{i}") for i in range(count)]
    Membership.objects.bulk_create(
        Membership(user=u, team=team, role=Role.PRACTITIONER, created_at=JOINED) for u in users
    )
    return users


def send(
    team: Team,
    count: int,
    values: Callable[[int], Mapping[str, int | None]] | None = None,
    prefix: str | None = None,
    when: datetime | None = None,
) -> list[User]:
    """`count` new practitioners of `team`, each sending one check-in at `when` (by default in the newest period
    leads can see), person i answering `values(i)` (by default `diverse(i)`). A value may carry the key "default":
    the answer to every scored statement it names no value for (else 3)."""
    values = values or diverse
    users = people_in(team, count, prefix)
    for i, user in enumerate(users):
        answers = dict(values(i))
        default = answers.pop("default", None) or 3
        submit_checkin(user, team, answers, default=default, when=when or shown_moment())
    return users


SYSTEMIC = "systemic_pressures"
STANDALONE = ("leave_because_of_work", "worked_over", "supervision_happened")


def diverse(i: int) -> dict[str, int]:
    """Person i's answers: each dimension at its own level (1 to 5, shifted per dimension, so that over five people
    every level is there) and the standalone statements likewise."""
    values = {d.slug: (i + j) % 5 + 1 for j, d in enumerate(DIMENSIONS)}
    values.update({code: (i + j + 2) % 5 + 1 for j, code in enumerate(STANDALONE)})
    return values


def spread(values: Mapping[str, int] | None, index: int, count: int, default: int = 3) -> dict[str, int]:
    """The answers of the `index`-th of `count` people around `values`: one answer step below and above in turn
    (the last of an odd number exactly on it), so that the group's mean stays where `values` puts it (at the ends
    of the scale the step is kept inside it). Real teams do not all give the same answer, and the publication
    auditor rightly withholds figures of a team that does: tests about something else build teams like this."""
    offset = 0 if index == count - 1 and count % 2 else (-1 if index % 2 == 0 else 1)
    spread_values = {key: min(SCALE_MAX, max(SCALE_MIN, v + offset)) for key, v in (values or {}).items()}
    spread_values.setdefault("default", min(SCALE_MAX, max(SCALE_MIN, default + offset)))
    return spread_values


def contributions(
    team: Team, count: int, values=None, when=None, prefix=None, alike: bool = False, all_gave=None
) -> list[User]:
    """`count` new practitioners who each sent one check-in, by default in the newest period leads can see.

    Their answers are spread around `values` (see `spread`); `alike=True` gives everyone exactly `values`.
    `all_gave` (a dimension or statement code, and an answer) is given by every one of them beside the spread
    answers: the publication auditor withholds what it makes alike, and only that."""

    def answers(i: int) -> dict:
        if alike:
            return dict(values or {})
        return {**spread(values, i, count), **(all_gave or {})}

    return send(team, count, answers, prefix=prefix, when=when)


# --- the world ------------------------------------------------------------------------------------------------------

# The people of the world, by the role the page-by-page tests name them with.
ROLES = ("anonymous", "practitioner", "teammate", "other_lead", "lead", "service_lead", "admin", "outsider")


@dataclass
class World:
    """A service with two teams, everyone who can visit a page, and something on every page.

    `users` maps each of ROLES to its person (None for "anonymous"): the practitioner Priya and her teammate Tom
    in the North team, its lead Leah, the South team's lead Oscar, the service lead Sasha, the administrator Ada, and
    Olive, who is in no team.

    What Priya has: a check-in sent a month and more ago (`earlier`), a calm one (`calm`) and a strained one
    (`sent`: the support panel at its fullest) in the current period, one move chosen from `sent` (`move`) and one
    supervision note on it (`note`), and a draft with every page answered and a reflection on each phase (`draft`),
    whose first page asks her to review that move. The North team has an action (`action`) and a year-old one;
    an unused invite (`invite_token`) and a used one (`used_invite_token`). Rosa (`reset_user`) is in no team and
    can reset her password.

    With `figures`: five more of the North team sent check-ins in the newest period leads see (`period`), enough
    for its figures to show, and twelve of the South team too, all giving the same answer to one systemic
    statement, which the publication auditor withholds (the service's figure too).
    """

    service: Service
    team: Team
    other_team: Team
    question_set: QuestionSet
    users: dict[str, User | None]
    earlier: CheckIn
    calm: CheckIn
    sent: CheckIn
    move: ResilientMove
    note: SupervisionNote
    draft: CheckIn
    action: TeamAction
    invite_token: str
    used_invite_token: str
    reset_user: User
    period: str

    @property
    def practitioner(self) -> User:
        return self.users["practitioner"]  # type: ignore[return-value]

    @property
    def lead(self) -> User:
        return self.users["lead"]  # type: ignore[return-value]


STRAINED = {
    "systemic_pressures": 5,
    "individual_challenges": 5,
    "hp_low": 5,
    "hp_worn_out": 4,
    "worked_over": 4,
    "supervision_happened": 2,
}


def build_world(*, figures: bool = True) -> World:
    question_set, _ = question_set_load()
    service = new_service()
    team, other_team = new_team(service), new_team(service, "South team")
    practitioner, teammate, lead = new_practitioner(team), new_teammate(team), new_lead(team)
    users: dict[str, User | None] = {
        "anonymous": None,
        "practitioner": practitioner,
        "teammate": teammate,
        "other_lead": new_other_lead(other_team),
        "lead": lead,
        "service_lead": new_service_lead(service),
        "admin": new_admin(),
        "outsider": new_outsider(),
    }
    if figures:
        contributions(team, 5, {"systemic_pressures": 5})  # with the practitioner, enough for the figures to show
        contributions(other_team, 12, all_gave={"systemic_pressures": 4})
    earlier = submit_checkin(practitioner, team, {"values_connection": 2}, when=timezone.now() - timedelta(days=40))
    calm = submit_checkin(practitioner, team, {})
    sent = submit_checkin(practitioner, team, STRAINED)
    [move] = moves_choose(user=practitioner, checkin=sent, catalogue_keys=[CATALOGUE[0].key])
    # A dimension and a note of her own to bring to supervision: `note` is the first.
    note, _own = supervision_mark(
        user=practitioner, checkin=sent, dimensions=["systemic_pressures"], note="The waiting list."
    )
    action = make_action(
        lead,
        team,
        dimension=SYSTEMIC_DIMENSIONS[0].slug,
        description="Protected admin time on Fridays.",
        starts_on=timezone.localdate(),
        owner="",
        review_on=None,
    )
    make_action(  # a year old: the team summary follows it across every period of its trend
        lead,
        team,
        dimension=SYSTEMIC_DIMENSIONS[1].slug,
        description="A reflective practice group every fortnight.",
        starts_on=timezone.localdate() - timedelta(days=365),
        owner="",
        review_on=None,
    )
    draft = answer_every_step(
        checkin_start(user=practitioner, team=team),
        lambda q: 4,
        reflections=dict.fromkeys(PHASES_BY_SLUG, "Kept private."),
        values="Kept private too.",
    )
    _invite, invite_token = invite_create(team=team, created_by=lead, email="new.starter@riverside.nhs.uk")
    used, used_invite_token = invite_create(
        team=team, created_by=lead, email="margaret.featherstonehaugh@riverside.nhs.uk"
    )
    used.used_at = timezone.now()
    used.save()
    return World(
        service=service,
        team=team,
        other_team=other_team,
        question_set=question_set,
        users=users,
        earlier=earlier,
        calm=calm,
        sent=sent,
        move=move,
        note=note,
        draft=draft,
        action=action,
        invite_token=invite_token,
        used_invite_token=used_invite_token,
        reset_user=make_user("rosa"),
        period=latest_shown_period().key,
    )
