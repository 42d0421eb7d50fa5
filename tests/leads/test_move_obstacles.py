"""What got in the way of the moves people chose: said by a practitioner reviewing a move, kept as the obstacle alone
beside the check-in that counts, and seen by leads only as a published team figure from enough people, so no
read before and after one person's change, and no team subtracted from the service, tells a lead what anyone said."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.core.move_catalogue import CATALOGUE
from assessments.core.periods import latest_shown_period
from assessments.figures.contributions import entries_refresh
from assessments.models import CheckIn, Membership, MoveObstacleEntry, MoveReview, Role, ServiceLead, SummaryEntry
from assessments.practitioner.account import account_delete
from assessments.practitioner.checkins import checkin_delete, checkin_discard, checkin_start
from assessments.practitioner.moves import moves_choose, moves_review
from tests.cast import make_user
from tests.checkins import send_saying_what_got_in_the_way, shown_moment, submit_checkin
from tests.reads import lead_reads
from tests.world import people_in

LONDON = ZoneInfo("Europe/London")
FIGURE = re.compile(r"\d+% \(\d+ (?:person|people)\)")
HEADING = "What got in the way of the moves people chose"
OBSTACLE_EXPORTS = ("export", "obstacles_export")
TOO_FEW = "Shares are shown when at least 10 people answered, so that they cannot point to anyone."
PROTECTS = "Shares are left out so that a smaller group's shares cannot be worked out from the others."


def at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 12, tzinfo=LONDON)


def kept(user) -> set[tuple[str, str]]:
    return set(MoveObstacleEntry.objects.filter(entry__user=user).values_list("entry__kind", "obstacle"))


def obstacle_csv(client, name: str, pk: int, period: str) -> list[dict]:
    """The rows of an obstacles CSV for `period` itself (a team's CSV also holds its trend's periods)."""
    body = client.get(reverse(name, args=[pk, period])).content.decode()
    return [r for r in csv.DictReader(io.StringIO(body)) if r["period"] == period]


# --- what is kept ------------------------------------------------------------------------------------------------


def test_the_review_on_the_page_passes_on_only_the_obstacle_beside_the_check_in_that_counts(
    client, practitioner, team, question_set
):
    sent = submit_checkin(practitioner, team, when=shown_moment() - timedelta(hours=1))
    with time_machine.travel(shown_moment() - timedelta(hours=1), tick=False):
        a, b, c = moves_choose(user=practitioner, checkin=sent, catalogue_keys=[m.key for m in CATALOGUE[:3]])
    with time_machine.travel(shown_moment(), tick=False):
        client.force_login(practitioner)
        draft = checkin_start(user=practitioner, team=team)
        response = client.post(
            reverse("practitioner:moves_review", args=[draft.pk]),
            {
                f"outcome_{a.pk}": "not_yet",
                f"obstacle_{a.pk}": "diary_full",
                f"note_{a.pk}": "Clinic overran every Tuesday",
                f"outcome_{b.pk}": "dropped",
                f"obstacle_{b.pk}": "not_allowed",
                f"outcome_{c.pk}": "helped",
            },
        )
        assert response.status_code == 302
        assert not MoveObstacleEntry.objects.exists()  # nothing passes on before the check-in is sent
    assert submit_checkin(practitioner, team, when=shown_moment()).pk == draft.pk  # the draft, finished and sent
    # Both period kinds, as every entry; only the keys, nothing of the moves' words or the note.
    assert kept(practitioner) == {(k, o) for k in ("month", "quarter") for o in ("diary_full", "not_allowed")}
    assert set(MoveObstacleEntry.objects.values_list("entry__checkin", flat=True)) == {draft.pk}
    fields = {f.name for f in MoveObstacleEntry._meta.get_fields()}
    assert fields == {"id", "entry", "obstacle"}


def test_a_review_given_in_a_draft_that_was_thrown_away_counts_nowhere(practitioner, team, question_set):
    sent = submit_checkin(practitioner, team, when=shown_moment() - timedelta(hours=1))
    with time_machine.travel(shown_moment() - timedelta(hours=1), tick=False):
        (move,) = moves_choose(user=practitioner, checkin=sent, catalogue_keys=[CATALOGUE[0].key])
    with time_machine.travel(shown_moment() - timedelta(minutes=30), tick=False):
        checkin_discard(checkin=checkin_start(user=practitioner, team=team))
        moves_review(user=practitioner, reviews={move.pk: ("dropped", "", "no_time")})
    submit_checkin(practitioner, team, when=shown_moment())  # a new draft, begun after the review
    assert SummaryEntry.objects.filter(user=practitioner).exists() and not MoveObstacleEntry.objects.exists()


def test_deleting_the_check_in_or_the_account_takes_what_it_passed_on(practitioner, teammate, team, question_set):
    counting = send_saying_what_got_in_the_way(practitioner, team, ["no_time", "forgot"])
    send_saying_what_got_in_the_way(teammate, team, ["other"])
    assert kept(practitioner) == {(k, o) for k in ("month", "quarter") for o in ("no_time", "forgot")}
    checkin_delete(checkin=CheckIn.objects.get(pk=counting.pk))
    # The check-in the moves were chosen from counts again, and nothing was said while filling it in.
    assert SummaryEntry.objects.filter(user=practitioner).exists() and kept(practitioner) == set()
    assert MoveReview.objects.filter(move__user=practitioner).count() == 2  # the person's own reviews stay theirs
    account_delete(user=teammate)
    assert not MoveObstacleEntry.objects.exists()


# --- what a lead sees --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("people, shown", [(9, False), (10, True)])
def test_leads_see_what_got_in_the_way_only_from_enough_people(client, lead, team, question_set, people, shown):
    for i, person in enumerate(people_in(team, people)):
        send_saying_what_got_in_the_way(person, team, ["no_time", "diary_full"] if i % 2 else ["no_time"])
    people_in_team = people_in(team, 2, prefix="quiet")  # took part, said nothing got in the way
    for person in people_in_team:
        submit_checkin(person, team, when=shown_moment())
    period = latest_shown_period().key
    client.force_login(lead)
    html = client.get(reverse("leads:team_summary", args=[team.pk, period])).content.decode()
    section = html.split(HEADING, 1)[1].split("</section>", 1)[0]
    rows = obstacle_csv(client, "leads:team_summary_obstacles_export", team.pk, period)
    team_rows = [r for r in rows if r["scope"] == team.name]
    assert [r["code"] for r in team_rows] != [] and len(team_rows) == 5
    if shown:
        assert "10 people said what got in the way this period." in section
        assert "No time: 100% (10 people)" in section
        assert "A full diary: 50% (5 people)" in section
        assert "Forgot: 0% (0 people)" in section
        assert section.index("No time") < section.index("A full diary") < section.index("Forgot")  # most named first
        by_code = {r["code"]: r for r in team_rows}
        assert by_code["no_time"]["named_by"] == "10" and by_code["no_time"]["people"] == "10"
        assert by_code["diary_full"]["share"] == "50" and by_code["diary_full"]["note"] == ""
    else:
        assert (
            TOO_FEW in section and not FIGURE.search(section) and "said what got in the way this period" not in section
        )
        assert all(r["named_by"] == r["people"] == r["share"] == "" and r["note"] == TOO_FEW for r in team_rows)


def test_the_service_figure_minus_the_shown_teams_never_gives_a_hidden_teams(
    client, service_lead, service, team, other_team, question_set
):
    """North: 12 said what got in the way. South: 6 took part and 4 said, all "not allowed" (hidden: too few). With
    only North shown, the service's figure minus North's would give South's four; so North's is left out too."""
    for person in people_in(team, 12):
        send_saying_what_got_in_the_way(person, team, ["no_time"])
    south = people_in(other_team, 6)
    for i, person in enumerate(south):
        if i < 4:
            send_saying_what_got_in_the_way(person, other_team, ["not_allowed"])
        else:
            submit_checkin(person, other_team, when=shown_moment())
    period = latest_shown_period().key
    client.force_login(service_lead)
    rows = obstacle_csv(client, "leads:service_summary_obstacles_export", service.pk, period)
    by_scope = {}
    for r in rows:
        by_scope.setdefault(r["scope"], {})[r["code"]] = r
    assert by_scope["Whole service"]["not_allowed"]["named_by"] == "4"
    assert by_scope["Whole service"]["no_time"]["people"] == "16"
    assert {r["note"] for r in by_scope[other_team.name].values()} == {TOO_FEW}
    assert {r["note"] for r in by_scope[team.name].values()} == {PROTECTS}
    assert all(r["named_by"] == "" for name in (team.name, other_team.name) for r in by_scope[name].values())
    html = client.get(reverse("leads:service_summary", args=[service.pk, period])).content.decode()
    assert "16 people said what got in the way this period." in html


# What ten colleagues said got in the way, in turn: as varied as a real team's answers, so that the publication
# auditor has no reason to withhold the figure (a team that all said the same has it withheld: see test_auditor.py).
TEN_SAY = [
    "no_time",
    "diary_full",
    "no_time",
    "forgot",
    "no_time",
    "diary_full",
    "no_time",
    "other",
    "no_time",
    "diary_full",
]


def test_the_obstacles_of_someone_who_can_read_the_figures_never_count(client, lead, team, question_set):
    for person, said in zip(people_in(team, 10), TEN_SAY, strict=True):
        send_saying_what_got_in_the_way(person, team, [said])
    Membership.objects.create(user=lead, team=team, role=Role.PRACTITIONER, created_at=at(2023, 1, 2))
    send_saying_what_got_in_the_way(lead, team, ["not_allowed"])
    client.force_login(lead)
    rows = obstacle_csv(client, "leads:team_summary_obstacles_export", team.pk, latest_shown_period().key)
    mine = {r["code"]: r for r in rows if r["scope"] == team.name}
    assert mine["no_time"]["people"] == "10" and mine["not_allowed"]["named_by"] == "0"


def test_reading_before_and_after_people_join_leave_or_delete_tells_a_lead_nothing_of_one_persons_answer(
    lead, team, other_team, service, question_set
):
    """Ten colleagues say what got in the way in March (five of them no time); Xavier says his move was not allowed.
    The lead (who also leads the service) reads everything while March is open, then after it ends. Then Xavier
    deletes his check-in, a colleague deletes their account, another leaves the team, and a newcomer joins and says
    something else: the lead reads again. During March nothing of it shows; after March its figure never moves;
    and what Xavier said is one answer among eleven, never alone."""
    ServiceLead.objects.create(user=lead, service=service)
    colleagues = people_in(team, 10)
    xavier = people_in(team, 1, prefix="xavier")[0]
    for i, (person, said) in enumerate(zip(colleagues, TEN_SAY, strict=True)):
        send_saying_what_got_in_the_way(person, team, [said], when=at(2026, 3, 10) + timedelta(minutes=i))
    xaviers = send_saying_what_got_in_the_way(xavier, team, ["not_allowed"], when=at(2026, 3, 11))
    with time_machine.travel(at(2026, 3, 20), tick=False):
        before = lead_reads(lead, [team, other_team], [service], 1, OBSTACLE_EXPORTS)
        assert not any(b"said what got in the way this period" in page for page in before.values())
        checkin_delete(checkin=CheckIn.objects.filter(user=colleagues[0]).latest("submitted_at"))
        send_saying_what_got_in_the_way(colleagues[0], team, ["no_time"], when=at(2026, 3, 20))
        assert (
            lead_reads(lead, [team, other_team], [service], 1, OBSTACLE_EXPORTS) == before
        )  # an open period shows nowhere
    with time_machine.travel(at(2026, 4, 2), tick=False):
        after_march = lead_reads(lead, [team, other_team], [service], 2, OBSTACLE_EXPORTS)
        page = after_march[reverse("leads:team_summary", args=[team.pk, "2026-03"])].decode()
        section = page.split(HEADING, 1)[1].split("</section>", 1)[0]
        assert "11 people said what got in the way this period." in section
        assert "No time: 45% (5 people)" in section and "Not allowed, or not possible at work: 9% (1 person)" in section

        checkin_delete(checkin=CheckIn.objects.get(pk=xaviers.pk))
        account_delete(user=colleagues[1])
        Membership.objects.filter(user=colleagues[2]).delete()
        newcomer = make_user("nina")
        Membership.objects.create(user=newcomer, team=team, role=Role.PRACTITIONER, created_at=at(2026, 3, 5))
        send_saying_what_got_in_the_way(newcomer, team, ["forgot"], when=at(2026, 3, 31))
        assert (
            lead_reads(lead, [team, other_team], [service], 2, OBSTACLE_EXPORTS) == after_march
        )  # published: it never moves
    with time_machine.travel(at(2026, 5, 2), tick=False):
        # April: Xavier says it again, alone in the team: nothing of April is shown.
        send_saying_what_got_in_the_way(xavier, team, ["not_allowed"], when=at(2026, 4, 20))
        april = lead_reads(lead, [team], [], 1, OBSTACLE_EXPORTS)
    rows = list(
        csv.DictReader(
            io.StringIO(april[reverse("leads:team_summary_obstacles_export", args=[team.pk, "2026-04"])].decode())
        )
    )
    assert not [r for r in rows if r["period"] == "2026-04"]  # a hidden team keeps no figures at all
    assert (
        b"said what got in the way this period" not in april[reverse("leads:team_summary", args=[team.pk, "2026-04"])]
    )
    # March in April's trend reads as it did on the 2nd of April.
    march_csv = after_march[reverse("leads:team_summary_obstacles_export", args=[team.pk, "2026-03"])].decode()
    assert [r for r in rows if r["period"] == "2026-03"] == list(csv.DictReader(io.StringIO(march_csv)))


def test_keeping_what_got_in_the_way_takes_the_same_queries_however_long_the_history(team, question_set):
    """Recomputing a person's standing (as every send and delete does) keeps what got in the way in a fixed number
    of queries: one check-in and one obstacle, or a year of check-ins and three obstacles."""
    short = people_in(team, 1, prefix="short")[0]
    send_saying_what_got_in_the_way(short, team, ["no_time"])
    long = people_in(team, 1, prefix="long")[0]
    for months in range(12, 0, -1):
        submit_checkin(long, team, when=shown_moment() - timedelta(days=31 * months))
    send_saying_what_got_in_the_way(long, team, ["no_time", "forgot", "other"])
    counts = []
    for person in (short, long):
        moments = list(CheckIn.objects.filter(user=person).values_list("submitted_at", flat=True))
        with CaptureQueriesContext(connection) as queries:
            entries_refresh(user_id=person.pk, moments=moments)
        counts.append(len(queries))
    assert len(kept(long)) == 3 * 2 and len(kept(short)) == 2  # month and quarter, kept again
    # The check-ins, their scores, the old entries; deleting the statements and obstacles they passed on, and the
    # entries; inserting the new entries; the statements read and kept; what got in the way read and kept.
    assert counts == [11, 11]
