"""Anonymised team and service summaries: what leads see, what they never see, and who may look."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone

from assessments.core.anonymity import PROTECTS_ANOTHER, TOO_FEW, suppress
from assessments.core.framework import DIMENSIONS, Direction
from assessments.core.periods import current_period, parse_period, period_of
from assessments.core.periods import latest_shown_period as shown_period
from assessments.figures.voices import voice_record
from assessments.leads.team_actions import team_action_create, team_action_move
from assessments.models import (
    CheckIn,
    MoveObstacleEntry,
    Reflection,
    ServiceLead,
    SummaryAccess,
    SummaryEntry,
    Team,
    TeamAction,
)
from assessments.models.figures import SCORE_FIELDS
from assessments.practitioner.checkins import checkin_delete
from tests.checkins import moment_in, shown_moment, submit_checkin
from tests.queries import PUSH
from tests.reads import chart_svg
from tests.server_env import settings_read
from tests.world import contributions, people_in

HIDDEN_TEXT = "fewer than 5 people took part"


def submit_in(user, team, values=None, when=None) -> CheckIn:
    """A sent check-in, by default in the newest period leads can see."""
    return submit_checkin(user, team, values, when=when or shown_moment())


def team_url(team, period=None, name="leads:team_summary"):
    return reverse(name, args=[team.pk, (period or shown_period()).key])


def service_url(service, period=None, name="leads:service_summary"):
    return reverse(name, args=[service.pk, (period or shown_period()).key])


def last_month_moment():
    """A moment in the period before the newest shown one."""
    start = shown_period().previous().start
    return timezone.make_aware(datetime.combine(start, time.min)) + timedelta(days=2, hours=12)


# --- the minimum group size -------------------------------------------------------------------------


def test_a_team_with_four_contributors_shows_no_figures_and_no_count(client, lead, team, question_set):
    contributions(team, 4, {"systemic_pressures": 5})
    client.force_login(lead)
    response = client.get(team_url(team))
    html = response.content.decode()
    assert "figures are hidden for this period" in html and HIDDEN_TEXT in html
    assert "4 people" not in html and "took part this period" not in html and "of 4 members" not in html
    assert response.context["cell"].people is None
    mine = [r for r in _page_table(html) if r[0] == "North team" and r[1] == shown_period().key]
    assert len(mine) == 7 and all(r[3:9] == ["", "", "", "", "", ""] for r in mine)


def test_a_team_with_five_contributors_shows_figures(client, lead, team, question_set):
    contributions(team, 5, {"systemic_pressures": 4})
    client.force_login(lead)
    html = client.get(team_url(team)).content.decode()
    assert "5 of 5 members took part this period." in html
    assert "Highest pressure: <strong>Pressures and demands of the service</strong> (75 out of 100)" in html
    # At five people each step of a share is one person: the shares are left out, with the reason.
    assert "low 0% · middle" not in html
    assert "Shares are shown when at least 10 people answered" in html


def test_each_dimension_says_what_a_higher_score_means_in_the_frameworks_words(client, lead, team, question_set):
    client.force_login(lead)
    html = client.get(team_url(team)).content.decode()
    for direction in Direction:
        rows = sum(d.direction == direction for d in DIMENSIONS)
        assert html.count(f"{direction.label}</span></dt>") == rows, direction


def test_shares_are_shown_from_ten_people(client, lead, team, question_set):
    contributions(team, 10, {"systemic_pressures": 4})
    client.force_login(lead)
    html = client.get(team_url(team)).content.decode()
    assert "10 of 10 members took part this period." in html
    assert "low 0% · middle 50% · high 50%" in html


def test_shares_of_a_hidden_team_cannot_be_worked_out_from_the_service_and_the_other_team(
    client, service_lead, service, team, other_team, question_set
):
    """Means shown for both teams (12 and 7 people). Were the shares shown for the team of 12 and for the
    service of 19, their difference would give the bands of the 7, at one person a step."""
    contributions(team, 12, {"systemic_pressures": 2})
    contributions(other_team, 7, {"systemic_pressures": 4})
    client.force_login(service_lead)
    rows = list(
        csv.reader(io.StringIO(client.get(service_url(service, name="leads:service_summary_export")).content.decode()))
    )
    pressures = {
        r[0]: r for r in rows[1:] if r[2] == "Pressures and demands of the service" and r[1] == shown_period().key
    }
    assert all(r[5] != "" for r in pressures.values())  # every mean is shown
    shares_shown = {scope for scope, r in pressures.items() if r[6] != ""}
    assert shares_shown == {"Whole service"}  # the team of 12 gives up its shares to protect the team of 7


def test_a_person_who_checks_in_twice_in_a_period_counts_once_with_their_latest(client, lead, team, question_set):
    users = contributions(team, 5, {"systemic_pressures": 2})  # answers 1, 3, 1, 3 and 2: scores 0, 50, 0, 50, 25
    submit_in(users[0], team, {"systemic_pressures": 5})
    client.force_login(lead)
    response = client.get(team_url(team))
    assert "5 of 5 members took part this period." in response.content.decode()
    # The latest of the first at 100 instead of 0: (100 + 50 + 0 + 50 + 25) / 5.
    assert response.context["cell"].dimensions["systemic_pressures"].mean == 45.0
    assert SummaryEntry.objects.filter(user=users[0], kind="month").count() == 1


def test_deleting_the_latest_checkin_brings_back_the_previous_one_in_that_period(team, question_set):
    (user,) = people_in(team, 1)
    first = submit_in(user, team, {"systemic_pressures": 1})
    latest = submit_in(user, team, {"systemic_pressures": 5})
    entry = SummaryEntry.objects.get(user=user, kind="month")
    assert entry.checkin_id == latest.pk and entry.score_systemic_pressures == 100
    checkin_delete(checkin=latest)
    entry = SummaryEntry.objects.get(user=user, kind="month")
    assert entry.checkin_id == first.pk and entry.score_systemic_pressures == 0
    checkin_delete(checkin=first)
    assert not SummaryEntry.objects.filter(user=user).exists()


def test_deleting_an_older_checkin_keeps_the_latest_counting(team, question_set):
    (user,) = people_in(team, 1)
    older = submit_in(user, team, {"systemic_pressures": 1}, when=last_month_moment())
    latest = submit_in(user, team, {"systemic_pressures": 5})
    checkin_delete(checkin=older)
    assert list(SummaryEntry.objects.filter(user=user).values_list("checkin_id", flat=True).distinct()) == [latest.pk]


def test_a_deleted_account_no_longer_counts(client, lead, team, question_set):
    users = contributions(team, 5)
    users[0].delete()
    client.force_login(lead)
    html = client.get(team_url(team)).content.decode()
    assert HIDDEN_TEXT in html
    assert not SummaryEntry.objects.filter(user_id=users[0].pk).exists()


def test_a_checkin_counts_in_the_period_of_its_submit_date(team, question_set):
    (user,) = people_in(team, 1)
    submit_in(user, team, when=last_month_moment())
    entry = SummaryEntry.objects.get(user=user, kind="month")
    assert entry.period_start == shown_period().previous().start


def test_every_dimension_has_a_summary_column():
    columns = {f.name for f in SummaryEntry._meta.get_fields() if f.name.startswith("score_")}
    assert columns == set(SCORE_FIELDS.values())
    assert len(columns) == len(DIMENSIONS) == 7


# --- the suppression rule, written once ---------------------------------------------------------------


def test_with_two_teams_a_hidden_team_hides_the_other_so_it_cannot_be_subtracted():
    decision = suppress({"a": 9, "b": 3})
    assert decision.hidden == {"b": TOO_FEW, "a": PROTECTS_ANOTHER}
    assert decision.total_hidden is None  # 12 people, and two unknowns: nothing can be worked out


def test_with_three_teams_the_next_smallest_team_is_hidden_too():
    decision = suppress({"a": 6, "b": 12, "c": 2})
    assert decision.hidden == {"c": TOO_FEW, "a": PROTECTS_ANOTHER}
    assert "b" not in decision.hidden and decision.total_hidden is None


def test_hidden_teams_that_together_are_still_too_few_hide_more():
    decision = suppress({"a": 1, "b": 2, "c": 8, "d": 9})
    assert set(decision.hidden) == {"a", "b", "c"}
    assert "d" not in decision.hidden


def test_a_lone_small_team_hides_the_service_total():
    assert suppress({"a": 4}).total_hidden == TOO_FEW
    assert suppress({"a": 7, "b": 0}).hidden == {"b": TOO_FEW}  # nobody to protect in an empty team
    decision = suppress({"a": 3, "b": 3})
    assert decision.total_hidden is None and set(decision.hidden) == {"a", "b"}


def test_no_team_is_shown_alone_next_to_a_total_it_would_reveal(settings):
    settings.MIN_GROUP_SIZE = 3
    for counts in ({"a": 5, "b": 1}, {"a": 3, "b": 4, "c": 1}, {"a": 2, "b": 2, "c": 10}):
        decision = suppress(counts)
        hidden = [k for k in decision.hidden if counts[k] > 0]
        if decision.total_hidden is None and hidden:
            assert len(hidden) >= 2 and sum(counts[k] for k in hidden) >= 3


def test_the_service_page_hides_the_next_smallest_team_when_one_is_hidden(
    client, service_lead, service, team, other_team, question_set
):
    contributions(team, 6, {"systemic_pressures": 5})
    contributions(other_team, 3, {"systemic_pressures": 1})
    client.force_login(service_lead)
    response = client.get(service_url(service))
    html = response.content.decode()
    assert "9 of 9 members took part this period." in html
    cells = {name: cell for name, cell in [(t.name, c) for t, c in response.context["team_cells"]]}
    assert cells["North team"].people is None and cells["South team"].people is None
    assert "Hidden so that the figures of a smaller group cannot be worked out" in html


def test_a_team_lead_sees_no_service_average_that_would_reveal_a_small_team(
    client, lead, service, team, other_team, question_set
):
    contributions(team, 6, {"systemic_pressures": 5})
    contributions(other_team, 3, {"systemic_pressures": 1})
    client.force_login(lead)
    response = client.get(team_url(team))
    cell, service_cell = response.context["team_cell"], response.context["systemic_rows"]
    # Either the team or the service average is hidden: never both shown with one small team beside them.
    assert cell.people is None or all(not other.is_shown for _f, other, _chart in service_cell)


def test_with_three_teams_two_stay_hidden_and_the_largest_is_shown(
    client, service_lead, service, team, other_team, question_set
):
    third = Team.objects.create(service=service, name="West team")
    contributions(team, 6)
    contributions(other_team, 2)
    contributions(third, 7)
    client.force_login(service_lead)
    response = client.get(service_url(service))
    cells = {t.name: c for t, c in response.context["team_cells"]}
    assert cells["West team"].people == 7
    assert cells["North team"].people is None and cells["South team"].people is None
    assert response.context["cell"].people == 15


# --- the CSV export ------------------------------------------------------------------------------------------


def _page_table(html: str) -> list[list[str]]:
    """The page's table of every figure, as its words read (a withheld figure's dash and "not shown" together)."""
    body = html.split('id="all-figures"')[1].split("<tbody>")[1].split("</tbody>")[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
    unescape = __import__("html").unescape
    return [
        [unescape(re.sub(r"<[^>]*>", "", v)) for v in re.findall(r"<td>(.*?)</td>", row, flags=re.S)] for row in rows
    ]


WITHHELD_NOTE = "Not shown so that no one's answers can be worked out."


@pytest.mark.parametrize("hidden_team_size, alike", [(2, False), (5, False), (12, True)])
def test_the_csv_equals_the_page(
    client, service_lead, service, team, other_team, question_set, hidden_team_size, alike
):
    """Row for row, for the page's period. Where the auditor withheld a figure, the page shows a dash and says why
    once, above the figures; the CSV leaves it blank and says why in the row's note, as a spreadsheet needs."""
    contributions(team, 6, {"systemic_pressures": 4})
    contributions(other_team, hidden_team_size, {"systemic_support": 2}, alike=alike)
    client.force_login(service_lead)
    withheld = 0
    for page, export in [
        (service_url(service), service_url(service, name="leads:service_summary_export")),
        (team_url(team), team_url(team, name="leads:team_summary_export")),
    ]:
        html = client.get(page).content.decode()
        response = client.get(export)
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows[0][:4] == ["scope", "period", "dimension", "people"]
        on_page = _page_table(html)
        # The page's table is this period's figures; the CSV has every period of the trend too.
        this_period = [r for r in rows[1:] if r[1] == shown_period().key]
        assert len(this_period) < len(rows) - 1
        for row, shown in zip(this_period, on_page, strict=True):
            if row[9] == WITHHELD_NOTE:
                withheld += 1
                assert row[5:9] == ["", "", "", ""]
                assert shown == [*row[:5], "—not shown", "", "", "", ""]
                continue
            assert shown == row
            if row[5] == "":
                assert row[6:9] == ["", "", ""] and row[9].startswith("Hidden")
            elif row[6] == "":
                assert row[7:9] == ["", ""] and row[9].startswith("Shares")
            else:
                assert row[9] == ""
        assert ("Some figures are not shown" in html) is (withheld > 0)
    assert (withheld > 0) is alike  # a team that all gave the same answers has figures withheld; others do not


def test_the_csv_leaves_hidden_cells_blank_with_the_reason(client, lead, team, question_set):
    contributions(team, 3, {"systemic_pressures": 5})
    client.force_login(lead)
    rows = list(csv.reader(io.StringIO(client.get(team_url(team, name="leads:team_summary_export")).content.decode())))
    mine = [r for r in rows[1:] if r[0] == "North team" and r[1] == shown_period().key]
    assert len(mine) == 7
    # No head count, no number of members, no figures: only the reason.
    assert all(r[3:9] == ["", "", "", "", "", ""] and HIDDEN_TEXT in r[9] for r in mine)


def test_the_csv_does_not_carry_spreadsheet_formulas(client, admin_user, service, question_set):
    team = Team.objects.create(service=service, name="=HYPERLINK(1)")
    contributions(team, 5)
    client.force_login(admin_user)
    rows = list(csv.reader(io.StringIO(client.get(team_url(team, name="leads:team_summary_export")).content.decode())))
    assert {r[0] for r in rows[1:]} == {"'=HYPERLINK(1)", "Service average"}


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r", "\n"])
def test_the_csv_writes_a_team_name_that_starts_like_a_formula_as_text(
    client, admin_user, service, question_set, start
):
    team = Team.objects.create(service=service, name=f"{start}1+cmd|' /C calc'!A0")
    contributions(team, 5)
    client.force_login(admin_user)
    for url in (
        team_url(team, name="leads:team_summary_export"),
        service_url(service, name="leads:service_summary_export"),
    ):
        rows = list(csv.reader(io.StringIO(client.get(url).content.decode())))
        assert f"'{start}1+cmd|' /C calc'!A0" in {r[0] for r in rows[1:]}
        assert not any(cell.startswith(start) for row in rows for cell in row if cell != "")


def test_the_csv_keeps_ordinary_team_names_and_figures_as_they_are(client, lead, team, question_set):
    contributions(team, 5, {"systemic_pressures": 4})
    client.force_login(lead)
    rows = list(csv.reader(io.StringIO(client.get(team_url(team, name="leads:team_summary_export")).content.decode())))
    mine = [r for r in rows[1:] if r[0] == "North team" and r[1] == shown_period().key]
    assert len(mine) == 7
    assert all(r[3] == "5" and r[4] == "5" and re.fullmatch(r"\d+\.\d", r[5]) for r in mine)


# --- who may look ---------------------------------------------------------------------------------------------


def _lead_urls(team, service):
    return [
        team_url(team),
        team_url(team, name="leads:team_summary_export"),
        reverse("leads:team_summary_current", args=[team.pk]),
        reverse("leads:team_action_add", args=[team.pk]),
        service_url(service),
        service_url(service, name="leads:service_summary_export"),
        reverse("leads:service_summary_current", args=[service.pk]),
    ]


@pytest.mark.parametrize("who", ["practitioner", "other_lead", "outsider"])
def test_people_who_do_not_lead_a_team_get_404_on_every_lead_page(client, request, who, team, service, question_set):
    client.force_login(request.getfixturevalue(who))
    for url in _lead_urls(team, service):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(reverse("leads:team_action_add", args=[team.pk]), {"dimension": "systemic_support"}).status_code
        == 404
    )
    assert not SummaryAccess.objects.exists() and not TeamAction.objects.exists()


def test_a_team_lead_sees_their_team_but_not_the_whole_service(client, lead, team, other_team, service, question_set):
    client.force_login(lead)
    assert client.get(team_url(team)).status_code == 200
    assert client.get(team_url(other_team)).status_code == 404
    assert client.get(service_url(service)).status_code == 404


def test_a_service_lead_sees_every_team_of_their_service_and_an_administrator_sees_all(
    client, service_lead, admin_user, team, other_team, service, question_set
):
    client.force_login(service_lead)
    for url in (team_url(team), team_url(other_team), service_url(service)):
        assert client.get(url).status_code == 200
    client.force_login(admin_user)
    for url in (team_url(team), service_url(service)):
        assert client.get(url).status_code == 200


def test_signed_out_visitors_are_sent_to_sign_in(client, team):
    for url in (team_url(team), team_url(team, name="leads:team_summary_export")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert not SummaryAccess.objects.exists()


def test_lead_pages_never_show_reflections_or_names(client, lead, team, question_set):
    users = contributions(team, 5)
    Reflection.objects.create(checkin=users[0].checkins.first(), phase="challenges", text="SECRET-REFLECTION-TEXT")
    client.force_login(lead)
    for url in (team_url(team), team_url(team, name="leads:team_summary_export")):
        body = client.get(url).content.decode()
        assert "SECRET-REFLECTION-TEXT" not in body
        assert all(u.username not in body for u in users)


# --- the audit log ---------------------------------------------------------------------------------------------


def test_every_view_and_export_writes_an_audit_row(client, service_lead, team, service, question_set):
    client.force_login(service_lead)
    client.get(team_url(team))
    client.get(team_url(team, name="leads:team_summary_export"))
    client.get(service_url(service))
    client.get(service_url(service, name="leads:service_summary_export"))
    rows = list(SummaryAccess.objects.order_by("at", "pk").values_list("username", "action", "team_id", "period"))
    key = shown_period().key
    assert rows == [
        ("sasha", "view", team.pk, key),
        ("sasha", "export", team.pk, key),
        ("sasha", "view", None, key),
        ("sasha", "export", None, key),
    ]
    assert SummaryAccess.objects.filter(service=service).count() == 4


def test_the_audit_log_is_read_only_in_the_admin(client, admin_user, lead, team, question_set):
    client.force_login(lead)
    client.get(team_url(team))
    entry = SummaryAccess.objects.get()
    client.force_login(admin_user)
    assert client.get(reverse("admin:assessments_summaryaccess_changelist")).status_code == 200
    assert client.get(reverse("admin:assessments_summaryaccess_add")).status_code == 403
    assert (
        client.post(reverse("admin:assessments_summaryaccess_delete", args=[entry.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert SummaryAccess.objects.filter(pk=entry.pk).exists()


# --- bad input -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["2026-13", "2026-00", "abc", "2026-Q4", "26-11", "2026-1", "1999-12", "2026-11-01"])
def test_a_malformed_period_is_a_clear_404(client, lead, team, key, question_set):
    client.force_login(lead)
    response = client.get(reverse("leads:team_summary", args=[team.pk, key]))
    assert response.status_code == 404
    assert "Summaries are for whole months" in response.content.decode()
    assert not SummaryAccess.objects.exists()


def test_a_future_period_is_a_clear_404(client, service_lead, team, service, question_set):
    client.force_login(service_lead)
    future = current_period().next()
    assert client.get(team_url(team, future)).status_code == 404
    assert client.get(service_url(service, future, name="leads:service_summary_export")).status_code == 404


def test_the_period_still_open_is_not_shown_and_says_why(client, service_lead, team, service, question_set):
    contributions(team, 6, when=timezone.now())
    client.force_login(service_lead)
    for url in (
        team_url(team, current_period()),
        service_url(service, current_period(), "leads:service_summary_export"),
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert "once it has ended" in response.content.decode()
    assert client.get(reverse("leads:team_summary_current", args=[team.pk])).headers["Location"] == team_url(team)


def test_an_unknown_team_or_service_is_404(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("leads:team_summary", args=[999999, shown_period().key])).status_code == 404
    assert client.get(reverse("leads:service_summary", args=[999999, shown_period().key])).status_code == 404


def test_a_quarterly_setting_takes_quarter_keys(client, lead, team, settings, question_set):
    settings.SUMMARY_PERIOD = "quarter"
    contributions(team, 5)
    client.force_login(lead)
    quarter = shown_period()
    assert re.fullmatch(r"\d{4}-Q[1-4]", quarter.key)
    assert "5 of 5 members took part this period." in client.get(team_url(team, quarter)).content.decode()
    assert (
        client.get(reverse("leads:team_summary", args=[team.pk, period_of(timezone.now(), "month").key])).status_code
        == 404
    )


def test_periods_parse_strictly():
    assert parse_period("2026-11", "month").key == "2026-11"
    assert parse_period("2026-Q4", "quarter").start.month == 10
    for bad in ("2026-11 ", " 2026-11", "2026-011", "２０２６-11", "", "2026-11\n"):
        assert parse_period(bad, "month") is None


def test_min_group_size_below_three_refuses_to_start():
    with pytest.raises(ImproperlyConfigured, match="^MIN_GROUP_SIZE must be at least 3"):
        settings_read({"MIN_GROUP_SIZE": "2"})


# --- team actions ---------------------------------------------------------------------------------------------


def test_a_lead_records_an_action_and_the_team_sees_it(client, lead, practitioner, team, question_set):
    client.force_login(lead)
    response = client.post(
        reverse("leads:team_action_add", args=[team.pk]),
        {
            "dimension": "systemic_pressures",
            "provision": "",
            "description": "Protected reflection time every fortnight",
            "owner": "Dana, clinical lead",
            "starts_on": shown_period().previous().start.isoformat(),
            "review_on": shown_period().end.isoformat(),
        },
    )
    action = TeamAction.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("leads:action_detail", args=[action.pk])
    assert action.team == team and action.service == team.service and action.created_by == lead
    assert action.status == TeamAction.Status.PLANNED and action.owner == "Dana, clinical lead"
    html = client.get(team_url(team)).content.decode()
    assert "Protected reflection time every fortnight" in html and "Owner: Dana, clinical lead" in html
    detail = client.get(response["Location"]).content.decode()
    assert "Team mean on this dimension in the periods since" in detail
    client.force_login(practitioner)
    assert "Protected reflection time every fortnight" in client.get(reverse("site:home")).content.decode()


def test_an_action_on_an_individual_dimension_without_what_the_service_provides_is_refused(
    client, lead, team, question_set
):
    client.force_login(lead)
    response = client.post(
        reverse("leads:team_action_add", args=[team.pk]),
        {
            "dimension": "individual_coping",
            "description": "Do more yoga",
            "owner": "Leah",
            "starts_on": "2026-01-01",
            "review_on": "2026-03-01",
        },
    )
    assert response.status_code == 400
    assert "Choose what the service will provide: training, preceptorship, induction or protected time." in (
        response.content.decode()
    )
    assert not TeamAction.objects.exists()


def test_the_home_page_links_leads_to_their_summaries(
    client, lead, service_lead, admin_user, practitioner, team, service
):
    client.force_login(practitioner)
    assert reverse("leads:summary_index") not in client.get(reverse("site:home")).content.decode()
    client.force_login(admin_user)
    assert reverse("leads:summary_index") in client.get(reverse("site:home")).content.decode()
    client.force_login(lead)
    assert reverse("leads:team_summary_current", args=[team.pk]) in client.get(reverse("site:home")).content.decode()
    client.force_login(service_lead)
    assert (
        reverse("leads:service_summary_current", args=[service.pk]) in client.get(reverse("site:home")).content.decode()
    )


# --- queries do not grow with data ------------------------------------------------------------------------------


def test_the_trend_leaves_a_gap_for_a_hidden_period_and_shades_the_concerning_end(client, lead, team, question_set):
    two_before = shown_period().previous().previous()
    contributions(team, 5, {"systemic_pressures": 4}, when=moment_in(two_before), prefix="early")
    contributions(team, 4, {"systemic_pressures": 4}, when=last_month_moment(), prefix="few")  # hidden: too few
    contributions(team, 5, {"systemic_pressures": 4})
    client.force_login(lead)
    html = client.get(team_url(team)).content.decode()
    assert html.count('<svg class="trend-chart"') == len(DIMENSIONS)
    chart = chart_svg(html, "trend-systemic_pressures")
    # Shown, hidden, shown: two dots and no line across the hidden period, so nothing is drawn for it.
    assert chart.count("<circle") == 2 and "<polyline" not in chart
    assert f"{shown_period().short_label}: 75 / 100" in chart
    assert "Trend of Pressures and demands of the service. The figures are in the table below." in chart
    assert chart.count('class="trend-band"') == 1
    assert "The shaded band marks the end of the scale that is worth a look." in html


@pytest.mark.parametrize("people, history", [(5, False), (20, True)])
def test_summary_pages_use_the_same_number_of_queries_at_two_sizes(
    client, service_lead, service, team, other_team, question_set, django_assert_num_queries, people, history
):
    extra_teams = [Team.objects.create(service=service, name=f"Extra {i}") for i in range(3 if history else 0)]
    for t in [team, other_team, *extra_teams]:
        contributions(t, people, prefix=f"q{t.pk}")
        if history:
            contributions(t, people, when=last_month_moment(), prefix=f"h{t.pk}")
    actions = [
        team_action_create(
            team=team if i % 2 else None,
            service=service,
            created_by=service_lead,
            dimension="systemic_support",
            description=f"More peer time {i}",
            starts_on=shown_period().previous().previous().start,  # voices asked for from 4 weeks on
        )
        for i in range(4 if history else 1)
    ]
    if history:  # the team's members answered on every action, in both periods; one action is closed
        for user in User.objects.filter(memberships__team=team):
            for action in actions:
                for when in (shown_moment(), last_month_moment()):
                    with time_machine.travel(when, tick=False):
                        voice_record(action=action, user=user, answer="yes")
        team_action_move(action=actions[0], by=service_lead, status=TeamAction.Status.DONE)
        # Everyone said what got in the way of their moves (kept beside their entries, as a real review is).
        MoveObstacleEntry.objects.bulk_create(
            MoveObstacleEntry(entry=entry, obstacle=obstacle)
            for entry in SummaryEntry.objects.all()
            for obstacle in ("no_time", "diary_full")
        )
    client.force_login(service_lead)
    # Every page: the session, the user, the team or service (its access check), the audit row, its stored part
    # (docs/adr/0015). The summary pages read the actions shown beside the figures in their access check's statement
    # (the menu is in the session).
    page = 5
    summary, export = page, page
    # The first read of a page renders its part (the lookup above finds none): the stored figures it is rendered from,
    # the ids of the periods it is kept beside, and its insert.
    render = 3
    # The first read of a period publishes it too: no figures of another kind stored, the service's teams, the entries
    # grouped by team and period, the members of each team and of the service, the voices on actions, the statements'
    # answers, the obstacles named, the scores, which statements each question set asked and their words, the insert
    # and the read back. And the first request after signing in pushes the session's end back, and asks the menu.
    publish = 13
    with django_assert_num_queries(summary + render + publish + PUSH):
        assert client.get(team_url(team)).status_code == 200
    # ... and every read after it reads the stored part in one query, at either size; and once this process has read
    # it, from memory (assessments/leads/parts.py), in none.
    with django_assert_num_queries(summary):
        assert client.get(team_url(team)).status_code == 200
    with django_assert_num_queries(summary - 1):
        assert client.get(team_url(team)).status_code == 200
    with django_assert_num_queries(summary + render):
        assert client.get(service_url(service)).status_code == 200
    with django_assert_num_queries(summary):
        assert client.get(service_url(service)).status_code == 200
    with django_assert_num_queries(summary - 1):
        assert client.get(service_url(service)).status_code == 200
    for export_name in ("export", "statements_export", "obstacles_export"):
        for url in (
            service_url(service, name=f"leads:service_summary_{export_name}"),
            team_url(team, name=f"leads:team_summary_{export_name}"),
        ):
            with django_assert_num_queries(export + render):
                assert client.get(url).status_code == 200
            with django_assert_num_queries(export):
                assert client.get(url).status_code == 200
            with django_assert_num_queries(export - 1):
                assert client.get(url).status_code == 200


@pytest.mark.slow
def test_seed_demo_makes_a_summary_a_lead_can_open(client, db):
    from django.core.management import call_command

    call_command(
        "seed_demo", "--teams", "4", "--services", "2", "--members", "6", "--periods", "3", stdout=io.StringIO()
    )
    call_command(
        "seed_demo", "--teams", "4", "--services", "2", "--members", "6", "--periods", "3", stdout=io.StringIO()
    )
    assert CheckIn.objects.filter(team__name__startswith="Scale team").count() == 4 * 6 * 3
    lead = ServiceLead.objects.get(service__name="Scale service 001").user
    client.force_login(lead)
    html = client.get(service_url(lead.services_led.get().service)).content.decode()
    assert "12 of 12 members took part this period." in html
