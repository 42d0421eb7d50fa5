"""A curious lead with time: reads everything, saves it, acts within their powers, waits, and reads again.

Each test plays one attack end to end through the app, as a lead could, with the clock moved by time-machine,
and asserts that the lead learns nothing new: every page and CSV the lead can read is byte-identical before
and after, or the attack's step is refused. Each fails if its protection is reverted:

1. made-up colleagues     -> invites by email only, no lead role from leads, members count from the first
                             whole period after joining, a reader's own check-ins never count;
2. deletion after the end -> published figures never change;
3. the nightly purge      -> published figures never change, and go as whole periods past retention;
4. a period-kind switch   -> the app refuses to start with another SUMMARY_PERIOD;
5. shares at small n      -> shares only from SHARE_MIN_GROUP_SIZE people.

docs/privacy-model.md lists what remains (a lead who controls real mailboxes in the allowed domain and
waits a whole period).
"""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.urls import reverse

from assessments.core.periods import QUARTER, Period, latest_shown_period, parse_period
from assessments.figures.publication import published_periods, refuse_a_changed_period_kind
from assessments.models import CheckIn, Invite, Membership, PublishedPeriod, Role, ServiceLead, Team
from assessments.practitioner.account import account_delete
from assessments.practitioner.checkins import checkin_delete
from tests.cast import JOINED, PASSWORD, make_user
from tests.checkins import submit_checkin
from tests.clients import BrowserClient
from tests.outbox import delivered
from tests.reads import lead_reads
from tests.world import spread

# Slow, so `make test` runs it and `make test-fast` leaves it out: periods published, read and purged over simulated
# months; a start-up in a new process.
pytestmark = pytest.mark.slow

LONDON = ZoneInfo("Europe/London")
ROOT = Path(__file__).resolve().parents[2]
OUTLIER = {"systemic_pressures": 5, "systemic_values": 1, "systemic_support": 1, "individual_challenges": 5}


def at(year: int, month: int, day: int, hour: int = 12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=LONDON)


def colleague(team: Team, name: str, joined: datetime = JOINED):
    user = make_user(name)
    Membership.objects.create(user=user, team=team, role=Role.PRACTITIONER, created_at=joined)
    return user


def figures_for(reads: dict[str, bytes], key: str) -> set[tuple[str, ...]]:
    """The distinct CSV rows (any scope, any page's trend) holding a figure for period `key`: a count or a mean."""
    rows = set()
    for url, body in reads.items():
        if url.endswith(".csv"):
            for row in list(csv.reader(io.StringIO(body.decode())))[1:]:
                if row[1] == key and (row[3] or row[5]):
                    rows.add(tuple(row))
    return rows


@pytest.fixture
def lead_client(lead, service) -> BrowserClient:
    ServiceLead.objects.create(user=lead, service=service)
    client = BrowserClient()
    client.force_login(lead)
    return client


# --- 1. Made-up colleagues ------------------------------------------------------------------------------------


def test_a_lead_cannot_fill_a_team_with_made_up_colleagues_to_subtract_one_real_person(
    lead, lead_client, team, service, question_set
):
    """One real practitioner and four real colleagues who did not check in. The lead, who is also a practitioner
    in the team and controls four mailboxes, tries every path the interface offers to reach five."""
    real = colleague(team, "real.person")
    Membership.objects.create(user=lead, team=team, role=Role.PRACTITIONER, created_at=JOINED)
    with time_machine.travel(at(2026, 3, 10), tick=False):
        submit_checkin(real, team, OUTLIER)

        # A lead role cannot be handed out: the form has no such field, and a posted one is ignored.
        invites_url = reverse("leads:team_invites", args=[team.pk])
        assert 'name="role"' not in lead_client.get(invites_url).content.decode()
        for i in range(4):
            response = lead_client.post(invites_url, {"email": f"made.up.{i}@example.nhs.uk", "role": Role.LEAD})
            assert response.status_code == 302
            assert "/join/" not in lead_client.get(response["Location"]).content.decode()  # the link is not shown
        assert set(Invite.objects.values_list("role", flat=True)) == {Role.PRACTITIONER}
        # A made-up link gets nowhere, and the lead cannot use a real link for an account of their own.
        assert lead_client.get(reverse("site:join", args=["guessed-token"])).status_code == 404
        first_link = re.search(r"(/join/[^\s]+/)", delivered()[0].body).group(1)
        assert lead_client.post(first_link).status_code == 410

        # The lead controls the four mailboxes: they follow the links, sign up and check in with known answers.
        for message in delivered():
            stranger = BrowserClient()
            link = re.search(r"(/join/[^\s]+/)", message.body).group(1)
            body = {"first_name": "", "password1": PASSWORD, "password2": PASSWORD}
            assert stranger.post(link, body).status_code == 302
            made_up = Membership.objects.get(team=team, user__email=message.to[0]).user
            submit_checkin(made_up, team, {})
        submit_checkin(lead, team, {})  # and the lead checks in too
        assert CheckIn.objects.filter(team=team, status=CheckIn.Status.SUBMITTED).count() == 6

    with time_machine.travel(at(2026, 4, 2), tick=False):
        assert latest_shown_period().key == "2026-03"
        reads = lead_reads(lead, [team], [service])
        # Made-up members count from the first whole period after joining, and the lead's own check-in never
        # counts in figures the lead can read: March holds one person, so nothing about March is shown.
        assert figures_for(reads, "2026-03") == set()
        assert "real.person" not in b"".join(reads.values()).decode()


def test_a_leads_own_check_in_does_not_count_in_figures_they_can_read(lead, lead_client, team, service, question_set):
    """Four colleagues and the lead check in: five check-ins, but only four count, so the team is hidden and the
    lead cannot subtract their own answers from a shown mean."""
    Membership.objects.create(user=lead, team=team, role=Role.PRACTITIONER, created_at=JOINED)
    with time_machine.travel(at(2026, 3, 10), tick=False):
        for i in range(4):
            submit_checkin(colleague(team, f"c{i}"), team, OUTLIER if i == 0 else {})
        submit_checkin(lead, team, {})
    with time_machine.travel(at(2026, 4, 2), tick=False):
        assert figures_for(lead_reads(lead, [team], [service]), "2026-03") == set()


# --- 2. Deletion after a period has ended -----------------------------------------------------------------------


def test_deleting_check_ins_and_accounts_after_a_period_ended_changes_nothing_a_lead_can_read(
    lead, lead_client, team, other_team, service, question_set
):
    """Six in the lead's team, one alone in another team (hidden, and it makes the service total matter).
    The lead reads everything, asks people to delete, and reads again."""
    with time_machine.travel(at(2026, 3, 10), tick=False):
        people = [colleague(team, f"p{i}") for i in range(6)]
        target = people[0]
        target_checkins = [submit_checkin(target, team, OUTLIER), submit_checkin(target, team, OUTLIER)]
        for person in people[1:]:
            submit_checkin(person, team, {})
        alone = colleague(other_team, "alone")
        submit_checkin(alone, other_team, OUTLIER)

    with time_machine.travel(at(2026, 4, 2), tick=False):
        before = lead_reads(lead, [team, other_team], [service])
        assert figures_for(before, "2026-03")  # the team's March figures are shown
        checkin_delete(checkin=target_checkins[1])  # the latest: the earlier one would count again
        checkin_delete(checkin=target_checkins[0])
        account_delete(user=people[1])
        account_delete(user=alone)  # someone alone in a hidden team
        assert lead_reads(lead, [team, other_team], [service]) == before

    with time_machine.travel(at(2026, 6, 15), tick=False):  # weeks later, the same periods read the same
        later = lead_reads(lead, [team, other_team], [service])
        assert figures_for(later, "2026-03") == figures_for(before, "2026-03")


def test_membership_changes_and_a_renamed_or_new_team_change_nothing_a_lead_has_read(
    lead, lead_client, team, service, question_set
):
    with time_machine.travel(at(2026, 3, 10), tick=False):
        people = [colleague(team, f"p{i}") for i in range(5)]
        for person in people:
            submit_checkin(person, team, {})
    with time_machine.travel(at(2026, 4, 2), tick=False):
        before = lead_reads(lead, [team], [service])
        Membership.objects.filter(user=people[0], team=team).delete()  # someone leaves the team
        colleague(team, "newcomer")
        Team.objects.create(service=service, name="A brand new team")
        after = lead_reads(lead, [team], [service])
        csv_urls = [u for u in before if u.endswith(".csv")]
        assert {u: after[u] for u in csv_urls} == {u: before[u] for u in csv_urls}
        Team.objects.filter(pk=team.pk).update(name="Renamed team")
        renamed = lead_reads(lead, [team], [service])
        assert {u: renamed[u] for u in csv_urls} == {u: before[u] for u in csv_urls}


def test_two_servers_publishing_the_same_period_at_once_store_it_once(lead_client, team, service, question_set):
    """The first insert wins; a second publication computed later (after a deletion) is not stored."""
    from assessments.figures.publication import published_periods

    with time_machine.travel(at(2026, 3, 10), tick=False):
        people = [colleague(team, f"p{i}") for i in range(6)]
        checkins = [submit_checkin(person, team, {}) for person in people]
    with time_machine.travel(at(2026, 4, 2), tick=False):
        march = parse_period("2026-03")
        first = published_periods(service, [march])[march]
        checkin_delete(checkin=checkins[0])
        PublishedPeriod.objects.all().delete()
        PublishedPeriod.objects.create(service=service, kind=march.kind, period_start=march.start, figures=first)
        # A slower server that computed its figures only now, after the deletion, finds the period stored.
        assert published_periods(service, [march])[march] == first
        assert PublishedPeriod.objects.filter(period_start=march.start).count() == 1


# --- 3. The retention purge, night after night -------------------------------------------------------------------


def test_the_nightly_purge_never_thins_a_period_a_lead_has_read_and_takes_it_whole(
    lead, lead_client, team, service, question_set, settings
):
    settings.RETENTION_MONTHS = 2
    with time_machine.travel(at(2026, 3, 2), tick=False):
        people = [colleague(team, f"p{i}") for i in range(6)]
    for day, person in enumerate(people, start=2):  # one check-in a day, so the purge takes one a night
        with time_machine.travel(at(2026, 3, day * 4), tick=False):
            submit_checkin(person, team, OUTLIER if day == 2 else {})
    with time_machine.travel(at(2026, 4, 2), tick=False):
        first = lead_reads(lead, [team], [service])
        march_figures = figures_for(first, "2026-03")
        assert march_figures

    seen_partial = []
    # Every night from 1 May, before the first March check-in passes the two months, to 2 June, the night after
    # March as a whole is past retention.
    for night in range(33):
        moment = at(2026, 5, 1, 2) + (at(2026, 5, 2, 2) - at(2026, 5, 1, 2)) * night
        with time_machine.travel(moment, tick=False):
            call_command("purge_expired", stdout=io.StringIO())
            march = figures_for(lead_reads(lead, [team], [service], months=4), "2026-03")
            if march != march_figures and march != set():
                seen_partial.append((moment.date(), march))
    assert seen_partial == []  # March was shown whole, then gone whole: never one person fewer
    assert not CheckIn.objects.filter(team=team).exists()
    assert not PublishedPeriod.objects.filter(period_start=parse_period("2026-03").start).exists()  # not again


# --- 4. Switching the period kind -----------------------------------------------------------------------------------


def test_switching_summary_period_after_publication_is_refused_naming_the_variable(
    lead, lead_client, team, service, question_set, settings
):
    with time_machine.travel(at(2026, 4, 2), tick=False):
        lead_reads(lead, [team], [service], months=1)  # monthly figures are now published
    settings.SUMMARY_PERIOD = "quarter"
    with pytest.raises(ImproperlyConfigured, match="SUMMARY_PERIOD"):
        refuse_a_changed_period_kind()
    settings.SUMMARY_PERIOD = "month"
    refuse_a_changed_period_kind()  # the kind it was published in is fine


def test_figures_of_another_kind_are_refused_where_they_are_written(lead, team, service, question_set, settings):
    with time_machine.travel(at(2026, 4, 2), tick=False):
        lead_reads(lead, [team], [], months=1)  # monthly figures are now published
        # A second server, started as quarterly before any figures existed, passed its start-up check.
        settings.SUMMARY_PERIOD = "quarter"
        with pytest.raises(ImproperlyConfigured, match="set SUMMARY_PERIOD=month"):
            published_periods(service, [Period(QUARTER, date(2026, 1, 1))])
    assert set(PublishedPeriod.objects.values_list("kind", flat=True)) == {"month"}


def test_the_app_refuses_to_start_with_another_summary_period(tmp_path):
    """Start-up as a server does it (the WSGI module, which runserver and gunicorn load), on a database where
    monthly figures were published."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "resilience_site.settings",
    }
    python = sys.executable
    migrate_and_publish = (  # one process: each Django start costs about half a second
        "import django; django.setup(); from django.core.management import call_command;"
        " call_command('migrate', verbosity=0); from assessments.models import PublishedPeriod, Service;"
        " import datetime; PublishedPeriod.objects.create(service=Service.objects.create(name='S'), kind='month',"
        " period_start=datetime.date(2026, 3, 1), figures={})"
    )
    subprocess.run([python, "-c", migrate_and_publish], cwd=ROOT, env=env, check=True)
    started = subprocess.run(
        [python, "-c", "import resilience_site.wsgi"],
        cwd=ROOT,
        env={**env, "SUMMARY_PERIOD": "quarter"},
        capture_output=True,
        text=True,
    )
    assert started.returncode != 0
    assert "SUMMARY_PERIOD" in started.stderr and "set SUMMARY_PERIOD=month" in started.stderr
    checked = subprocess.run(
        [python, "manage.py", "check", "--database", "default"],
        cwd=ROOT,
        env={**env, "SUMMARY_PERIOD": "quarter"},
        capture_output=True,
        text=True,
    )
    assert checked.returncode != 0 and "SUMMARY_PERIOD" in checked.stderr
    same = subprocess.run([python, "-c", "import resilience_site.wsgi"], cwd=ROOT, env=env, capture_output=True)
    assert same.returncode == 0


# --- 5. Shares at small n ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("people, shares_shown", [(5, False), (9, False), (10, True)])
def test_band_shares_are_shown_only_where_they_do_not_count_heads(
    lead, lead_client, team, service, question_set, people, shares_shown
):
    with time_machine.travel(at(2026, 3, 10), tick=False):
        for i in range(people):  # half one step below the middle, half one step above: low and high in turn
            answers = spread({}, i, people)
            submit_checkin(colleague(team, f"p{i}"), team, default=answers["default"])
    with time_machine.travel(at(2026, 4, 2), tick=False):
        reads = lead_reads(lead, [team], [service], months=1)
        page = reads[reverse("leads:team_summary", args=[team.pk, "2026-03"])].decode()
        assert ("low 50% · middle 0% · high 50%" in page) is shares_shown
        for row in figures_for(reads, "2026-03"):
            assert row[5] != ""  # the mean is shown from five people
            assert (row[6:9] != ("", "", "")) is shares_shown, row
