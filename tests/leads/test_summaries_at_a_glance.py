"""The summaries read at a glance. The service page names the teams that need a look first; one key for
the bands; a hidden figure is a dash explained once; the table of every figure is this page's; a small team's lead
reads the whole service's figures; and a one-page conversation pack takes it all to the team."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from assessments.core.periods import latest_shown_period as shown_period
from assessments.models import SummaryAccess, Team
from tests.actions import make_action
from tests.world import contributions

KEY = 'id="figures-key"'


def team_page(client, team, name="leads:team_summary") -> str:
    response = client.get(reverse(name, args=[team.pk, shown_period().key]))
    assert response.status_code == 200
    return response.content.decode()


def service_page(client, service) -> str:
    response = client.get(reverse("leads:service_summary", args=[service.pk, shown_period().key]))
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, heading_id: str) -> str:
    """The section a heading opens, up to its end."""
    return html.split(f'id="{heading_id}"')[1].split("</section>")[0]


def test_the_service_summary_names_the_team_that_needs_a_look_before_anything_else(
    client, service_lead, service, team, other_team, question_set
):
    contributions(team, 12, {"systemic_pressures": 4})
    contributions(other_team, 12)
    client.force_login(service_lead)
    html = service_page(client, service)
    looks = section(html, "teams-to-look-at-heading")
    assert "North team</a>: 1 part worth a look" in looks
    assert "Pressures and demands of the service, high at" in looks
    assert "South team" not in looks  # nothing of South's is at its concerning end
    # First on the page after who took part: before the service's own hotspots and every table.
    assert html.index("teams-to-look-at-heading") < html.index("hotspots-heading") < html.index("teams-heading")


def test_the_service_summary_says_when_no_team_stands_out(client, service_lead, service, team, question_set):
    contributions(team, 6)
    client.force_login(service_lead)
    assert "No team stands out this period." in section(service_page(client, service), "teams-to-look-at-heading")


def test_the_bands_and_worth_a_look_are_defined_once_on_every_page_with_the_direction(
    client, lead, service_lead, team, question_set
):
    contributions(team, 6, {"systemic_pressures": 4})
    client.force_login(lead)
    pages = [team_page(client, team), team_page(client, team, "leads:team_pack")]
    client.force_login(service_lead)
    pages.append(service_page(client, team.service))
    for html in pages:
        assert html.count(KEY) == 1
        key = html.split(KEY)[1].split("</div>")[0]
        assert "<strong>Low</strong> is under 40, <strong>middle</strong> is 40 to 59" in key
        assert "For pressures, high is bad. For support and strengths, high is good." in key
        # The key is not folded away, so it prints.
        assert "<details" not in html.split(KEY)[0].rsplit("</details>", 1)[-1]


def test_the_teams_table_says_once_why_its_dashes_are_there(
    client, service_lead, service, team, other_team, question_set
):
    third = Team.objects.create(service=service, name="West team")
    contributions(team, 6)  # shares hidden (fewer than 10 answered) in every dimension
    contributions(other_team, 2)  # hidden: too few took part
    contributions(third, 7)
    client.force_login(service_lead)
    response = client.get(reverse("leads:service_summary", args=[service.pk, shown_period().key]))
    table = section(response.content.decode(), "teams-heading")
    reasons = response.context["side_by_side_reasons"]
    assert len(reasons) >= 2
    for reason in reasons:
        assert table.count(reason) == 1, reason  # said once, under the table, not in each of its cells
    cells = table.split("<tbody")[1].split("</tbody>")[0]
    assert "took part" not in cells.split("</tr>", 1)[1] and "Shares are" not in cells
    assert cells.count('<span aria-hidden="true">—</span>') >= 14


def test_every_figure_on_the_page_is_this_periods_with_plain_headings_and_the_csv_keeps_every_period(
    client, lead, team, question_set
):
    contributions(team, 6, {"systemic_pressures": 4})
    client.force_login(lead)
    html = team_page(client, team)
    table = html.split('id="all-figures"')[1].split("</table>")[0]
    head = table.split("<tbody>")[0]
    assert "low_share" not in head and ">scope<" not in head and ">mean<" not in head
    assert "Low %" in head and "Mean (0 to 100)" in head and "Team or service" in head
    body = table.split("<tbody>")[1]
    assert body.count("<tr>") == 2 * 7  # the team and the service average, this period's seven dimensions
    assert shown_period().previous().key not in body
    export = client.get(reverse("leads:team_summary_export", args=[team.pk, shown_period().key]))
    periods = {row[1] for row in csv.reader(io.StringIO(export.content.decode()))}
    assert shown_period().previous().key in periods  # the CSV keeps the trend's periods
    # On a phone the CSV is offered in its place.
    assert "Download all the figures (CSV), to read in a spreadsheet" in html


def test_the_lead_of_a_small_team_reads_the_services_figures_and_is_told_why(
    client, lead, service, team, other_team, question_set
):
    third = Team.objects.create(service=service, name="West team")
    contributions(team, 3, {"systemic_pressures": 4})
    contributions(other_team, 12, {"systemic_pressures": 4})
    contributions(third, 12, {"systemic_pressures": 4})
    client.force_login(lead)
    response = client.get(reverse("leads:team_summary", args=[team.pk, shown_period().key]))
    html = response.content.decode()
    assert response.context["team_cell"].hidden  # the team's own figures stay hidden
    service_cell = response.context["cell"]
    assert service_cell.people == 27 and not service_cell.hidden
    explained = html.split('id="in-place-of-team"')[1].split("</div>")[0]
    assert "Your team's own figures are not shown this period." in explained
    assert "these are the whole service's figures and suggestions" in explained
    assert "Across the whole service" in html
    assert "27 of 27 members took part this period." in html
    assert "Highest pressure: <strong>Pressures and demands of the service</strong>" in html
    assert reverse("leads:team_action_add", args=[team.pk]) in html
    # Never a smaller group: no figure of the team, or of the other teams, is on the page.
    assert "3 of 3" not in html and "12 of 12" not in html


def test_a_team_whose_service_is_hidden_too_shows_no_figures_at_all(client, lead, team, question_set):
    contributions(team, 3)
    client.force_login(lead)
    response = client.get(reverse("leads:team_summary", args=[team.pk, shown_period().key]))
    assert response.context["cell"].hidden and not response.context["in_place_of_team"]
    assert 'id="in-place-of-team"' not in response.content.decode()


def test_the_conversation_pack_takes_what_stands_out_to_the_team_with_questions_and_room_to_commit(
    client, lead, team, question_set
):
    contributions(team, 12, {"systemic_pressures": 4})
    make_action(lead, team=team, description="Cap new assessments at four a day")
    client.force_login(lead)
    read_before = SummaryAccess.objects.count()
    html = team_page(client, team, "leads:team_pack")
    assert SummaryAccess.objects.count() == read_before + 1  # read like the summary, and audited like it
    assert "Team conversation: North team" in html
    assert "12 of 12 members took part this period." in html
    stands_out = section(html, "stands-out-heading")
    assert "Highest pressure: <strong>Pressures and demands of the service</strong>" in stands_out
    questions = section(html, "questions-heading")
    assert 2 <= questions.count("<li>") <= 3
    assert "Pressures and demands of the service is high. What makes it hard at the moment" in questions
    assert "Cap new assessments at four a day" in section(html, "pack-actions-heading")
    commit = section(html, "commit-heading")
    assert commit.count("<tr><td></td><td></td><td></td></tr>") == 2  # lines to write on, on paper
    assert reverse("leads:team_action_add", args=[team.pk]) in commit
    # The summary links to it.
    assert reverse("leads:team_pack", args=[team.pk, shown_period().key]) in team_page(client, team)


def test_the_conversation_pack_of_a_team_too_small_to_show_holds_no_figure_of_it(
    client, lead, service, team, other_team, question_set
):
    third = Team.objects.create(service=service, name="West team")
    contributions(team, 3, {"systemic_pressures": 1})
    contributions(other_team, 12, {"systemic_pressures": 4})
    contributions(third, 12, {"systemic_pressures": 4})
    client.force_login(lead)
    html = team_page(client, team, "leads:team_pack")
    assert 'id="in-place-of-team"' in html and "27 of 27 members took part this period." in html
    assert "3 of 3" not in html


@pytest.mark.parametrize("period", ["2026-13", "2099-01"])
def test_the_conversation_pack_of_a_period_with_no_summary_is_not_found(client, lead, team, question_set, period):
    client.force_login(lead)
    response = client.get(reverse("leads:team_pack", args=[team.pk, period]))
    assert response.status_code == 404
    assert "There is no summary" in response.content.decode()
