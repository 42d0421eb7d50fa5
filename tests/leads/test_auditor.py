"""The anonymity review's attacks on the figures, played through the app as a curious lead would: build a team, let
the period end, read every page and CSV, and try to work out one person's answers. Each fails if its protection is
undone.

The attacks on who counts (made-up colleagues at one mailbox, an administrator taking over an account or moving a
join date, a look-alike address at sign-in) are played in tests/leads/test_invites.py,
tests/web/test_admin_accounts.py, tests/leads/test_admin_changes.py and tests/web/test_organisation_sign_in.py.
"""

from __future__ import annotations

import csv
import io
import itertools
import threading

import pytest
from django.db import connection
from django.urls import reverse

from assessments.core.periods import latest_shown_period
from assessments.core.scoring import keyed
from assessments.figures import publication
from assessments.models import CheckIn, ServiceLead, Team
from assessments.practitioner.checkins import checkin_delete
from assessments.practitioner.questions import FIRST_EDITION_FILE, question_set_activate, question_set_load
from tests.checkins import shown_moment, submit_checkin
from tests.world import people_in, spread

PRESSURES = "Pressures and demands of the service"
_SENDS = itertools.count()


def _csv(client, url: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(client.get(url).content.decode())))


def _reads(client, scope: str, pk: int) -> tuple[dict, dict]:
    """The lead's dimension rows and statement rows for the newest period, by scope name."""
    period = latest_shown_period().key
    figures = _csv(client, reverse(f"leads:{scope}_summary_export", args=[pk, period]))
    statements = _csv(client, reverse(f"leads:{scope}_summary_statements_export", args=[pk, period]))
    return (
        {(r["scope"], r["dimension"]): r for r in figures if r["period"] == period},
        {(r["scope"], r["code"]): r for r in statements if r["period"] == period},
    )


def _counts(row: dict) -> dict[int, int]:
    """A statement's answer counts, exact from its n and whole-per-cent shares (as any reader can make them)."""
    n = int(row["answered"])
    return {v: round(int(row[f"answer_{v}"]) * n / 100) for v in range(1, 6)}


def _send(team: Team, values_of: list[dict]) -> list:
    """One sent check-in each, in the newest period a lead can see, with `values_of[i]` for the i-th person."""
    people = people_in(team, len(values_of), prefix=f"t{team.pk}s{next(_SENDS)}p")
    for person, values in zip(people, values_of, strict=True):
        answers = dict(values)
        default = answers.pop("default", 3)
        submit_checkin(person, team, answers, default=default, when=shown_moment())
    return people


# --- 1. A lone skipped statement beside the mean -------------------------------------------------------------------


def test_a_lone_skipped_statement_no_longer_gives_the_skippers_score(client, lead, team, question_set):
    """Twelve colleagues answer every service-pressures statement; one leaves "referrals that do not fit" blank and
    strongly agrees with the rest. With the mean of people's scores, k·N·mean − (sum of every answer) gave that
    person's exact score. The mean is now taken over the same answers as the statements: the sum says nothing more."""
    values = [spread({"systemic_pressures": 3}, i, 12) for i in range(12)]
    values[0] = {"systemic_pressures": 5, "sp_fit": None}
    _send(team, values)
    client.force_login(lead)
    dimensions, statements = _reads(client, "team", team.pk)
    mean = dimensions[(team.name, PRESSURES)]["mean"]
    assert mean != "", "the figure is shown: the attack is tried, not dodged"
    codes = [q.code for q in question_set.questions.filter(dimension="systemic_pressures", kind="scored")]
    reverse_keyed = set(
        question_set.questions.filter(code__in=codes, reverse_keyed=True).values_list("code", flat=True)
    )
    total = sum(
        keyed(v, reverse=code in reverse_keyed) * n
        for code in codes
        for v, n in _counts(statements[(team.name, code)]).items()
    )
    k, people = len(codes), 12
    # Solve the mean of scores for the one score out of k - 1 answers (exact after snapping to a whole sum).
    skipped_sum = round(k * (k - 1) * (people * float(mean) / 25 + people - total / k))
    worked_out = 25 * (skipped_sum / (k - 1) - 1)
    assert abs(worked_out - 100.0) > 25 / (k - 1), "the skipper's score (100) came out of the figures"


# --- 2. One person still on the older question set ----------------------------------------------------------------


def test_one_person_on_the_older_question_set_does_not_stand_out(client, lead, team, question_set):
    """An administrator's routine upgrade mid-period: one person sent their check-in on the first edition, eleven on
    the second. The first edition's pressures had four statements, the second's five: the lone first-edition person
    looked like a skipper, and the statements CSV said exactly one person answered the old set."""
    first = question_set_load(path=FIRST_EDITION_FILE, activate=False)[0]
    question_set_activate(question_set=first)
    (old,) = _send(team, [{"systemic_pressures": 5, "systemic_values": 1, "default": 3}])
    question_set_activate(question_set=question_set)
    _send(team, [spread({"systemic_pressures": 3}, i, 11) for i in range(11)])
    assert CheckIn.objects.get(user=old).question_set == first
    client.force_login(lead)
    dimensions, statements = _reads(client, "team", team.pk)
    # Nothing in the team's systemic figures is made of the one first-edition check-in alone...
    for (scope, code), row in statements.items():
        assert row["answered"] != "1", (scope, code)
    # ... and the dimensions whose statements changed between editions are withheld for a period that mixes them
    # (the lone person has nobody asked the same statements to be exchanged with).
    assert dimensions[(team.name, PRESSURES)]["mean"] == ""
    assert "no one" in dimensions[(team.name, PRESSURES)]["note"]


# --- 3. Everyone answered alike -----------------------------------------------------------------------------------


def test_a_team_that_all_gave_the_same_answer_shows_no_share_of_it(client, lead, team, question_set):
    """Thirteen members, all took part, all agreed the caseload felt relentless and all said they never think of
    leaving: "100% agreed" and "Never 100%" beside "13 of 13 took part" told the lead every named member's answer."""
    _send(
        team,
        [{**spread({"systemic_pressures": 3}, i, 13), "sp_volume": 4, "leave_because_of_work": 1} for i in range(13)],
    )
    client.force_login(lead)
    html = client.get(reverse("leads:team_summary", args=[team.pk, latest_shown_period().key])).content.decode()
    assert "13 of 13 members took part this period." in html
    _dimensions, statements = _reads(client, "team", team.pk)
    for code in ("sp_volume", "leave_because_of_work"):
        row = statements[(team.name, code)]
        assert row["answered"] == "" and "no one" in row["note"], row
    assert "Mostly: 100%" not in html and "100% agreed" not in html
    assert html.count("Some figures are not shown so that no one's answers can be worked out.") == 1


# --- 4. A hidden remainder that is all alike -----------------------------------------------------------------------


def test_the_service_minus_the_shown_teams_never_leaves_a_remainder_all_in_one_band(
    client, service_lead, service, team, other_team, question_set
):
    """North shows its band shares; two small teams are too small for shares, and every one of their ten people is
    under high pressure. The service's shares minus North's gave the ten's bands: all high."""
    east = other_team
    south = Team.objects.create(service=service, name="West team")
    _send(team, [spread({"systemic_pressures": 3}, i, 12) for i in range(12)])
    for small in (east, south):
        _send(small, [spread({"systemic_pressures": 5}, i, 5) for i in range(5)])
    client.force_login(service_lead)
    dimensions, _statements = _reads(client, "service", service.pk)
    whole = dimensions[("Whole service", PRESSURES)]
    north = dimensions[(team.name, PRESSURES)]
    if whole["high_share"] and north["high_share"]:
        high = round(int(whole["high_share"]) * 22 / 100) - round(int(north["high_share"]) * 12 / 100)
        assert high < 10, "the ten people of East and South are all high pressure, worked out by subtraction"
    for small in (east, south):
        assert dimensions[(small.name, PRESSURES)]["high_share"] == ""
    assert ServiceLead.objects.filter(user=service_lead, service=service).exists()


# --- 8. Publication reads one snapshot -----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_deletion_between_two_reads_of_a_publication_is_not_half_seen(monkeypatch, team, question_set):
    """Publishing reads the sums, then the statements, in separate queries. A check-in deleted between the two (by
    another server, committed at once) gave a period whose means counted a person and whose statements did not:
    the difference was that person. Now every read shares one snapshot: the deletion is seen by all of them or
    (SQLite holds writers off while the publication reads) by none."""
    people = _send(team, [spread({"systemic_pressures": 3}, i, 12) for i in range(12)])
    leaving = CheckIn.objects.filter(user=people[0]).latest("submitted_at")
    attempts = []
    counted = publication._counted_rows

    def delete_in_another_connection():
        try:
            checkin_delete(checkin=CheckIn.objects.get(pk=leaving.pk))
            attempts.append("deleted")
        except Exception as refused:  # SQLite: the table is locked by the publication's read
            attempts.append(type(refused).__name__)
        finally:
            connection.close()

    def counted_then_a_deletion(*args, **kwargs):
        rows = counted(*args, **kwargs)
        other = threading.Thread(target=delete_in_another_connection)
        other.start()
        other.join(timeout=30)
        return rows

    monkeypatch.setattr(publication, "_counted_rows", counted_then_a_deletion)
    figures = publication.published_periods(team.service, [latest_shown_period()])[latest_shown_period()]
    assert attempts, "the deletion was tried between the reads"
    cell = figures["cells"][str(team.pk)]
    answered = {code: s["n"] for code, s in cell["statements"].items() if s["hidden"] is None}
    assert answered, "statement figures are shown, so the two reads can be compared"
    # sp_volume was answered by everyone who counted: as many as the head count, from the same snapshot.
    assert answered["sp_volume"] == cell["people"], (attempts, cell["people"], answered)
