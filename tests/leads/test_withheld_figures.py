"""What a lead sees where the publication auditor withheld a figure: a dash in its place (read out as "not shown"),
and one sentence for the whole page that says why, never which rule. The other reasons keep their own words."""

from __future__ import annotations

import html as html_lib
import re

import pytest
import time_machine
from django.urls import reverse

from assessments.core.periods import latest_shown_period
from assessments.figures.voices import voice_record
from tests.conftest import contributions, make_action, shown_moment

SAYS_WHY = "Some figures are not shown so that no one's answers can be worked out."
THE_OLD_NOTE = "Not shown so that no one's answers can be worked out."
DASH = '<span aria-hidden="true">—</span><span class="nhsuk-u-visually-hidden">not shown</span>'
LEAVING = "How often did you think about leaving this job because of how work is for you?"
PRESSURES = "Pressures and demands of the service"


def _read(client, name: str, pk: int) -> str:
    return html_lib.unescape(client.get(reverse(name, args=[pk, latest_shown_period().key])).content.decode())


def _words(html: str) -> str:
    return re.sub(r"<[^>]*>", "", html)


def _statement(page: str, text: str) -> str:
    """The list item of one statement: its words and its figures."""
    return re.search(rf"<li>{re.escape(text)}<br>(.*?)</li>", page, flags=re.S)[1]


def _dimension_row(page: str, name: str) -> str:
    """A dimension's figures at the top of a summary: this scope's and the one it is compared with (not its chart)."""
    return re.search(rf"{re.escape(name)}<br>.*?</dt>(.*?)<details", page, flags=re.S)[1]


@pytest.mark.parametrize("page", ["leads:team_summary", "leads:service_summary"])
def test_a_page_with_one_withheld_figure_says_why_once_and_shows_no_number_for_it(
    client, lead, service_lead, team, question_set, page
):
    """Twelve colleagues, every one of whom said they never think of leaving: "Never 100%" would tell the lead each
    one's answer. That one statement is withheld, for the team and the service; everything else is shown."""
    contributions(team, 12, all_gave={"leave_because_of_work": 1})
    client.force_login(lead if page == "leads:team_summary" else service_lead)
    html = _read(client, page, team.pk if page == "leads:team_summary" else team.service.pk)
    assert html.count(SAYS_WHY) == 1
    assert THE_OLD_NOTE not in html
    leaving = _statement(html, LEAVING)
    assert DASH in leaving and not re.search(r"\d", _words(leaving)), leaving
    assert html.count(DASH) == 1  # the statement is the only figure withheld on the page
    assert "agreed" in _statement(html, "I felt my supervisor had my back.")  # the others are shown


def test_a_withheld_mean_is_a_dash_wherever_the_page_shows_it(client, lead, team, question_set):
    """Everyone put the service's pressures at the same level: its mean, shares and statements are withheld for the
    team and, with only one team, for the service; they show as dashes at the top, in the trend and in the table of
    every figure, and the page says why once."""
    contributions(team, 12, all_gave={"systemic_pressures": 4})
    client.force_login(lead)
    html = _read(client, "leads:team_summary", team.pk)
    assert html.count(SAYS_WHY) == 1
    assert THE_OLD_NOTE not in html
    top = _dimension_row(html, PRESSURES)
    assert top.count(DASH) == 2 and not re.search(r"\d", _words(top)), top  # this team, and the service average
    trend = re.search(rf'<th class="nhsuk-table__header" scope="row">{PRESSURES}</th>(.*?)</tr>', html, flags=re.S)[1]
    assert trend.endswith(f"{DASH}</td>")  # the newest period
    table = html.split('id="all-figures"')[1].split("</tbody>")[0]
    rows = [r for r in re.findall(r"<tr>(.*?)</tr>", table, flags=re.S) if f"<td>{PRESSURES}</td>" in r]
    newest = [r for r in rows if f"<td>{latest_shown_period().key}</td>" in r]
    assert len(newest) == 2 and all(f"<td>{DASH}</td><td></td><td></td><td></td><td></td>" in r for r in newest)
    assert f"<strong>{PRESSURES}</strong>" not in html  # a hotspot is only ever a shown figure
    # Its statements say nothing either.
    assert DASH in _statement(html, "The number of patients I was expected to see felt relentless.")


def test_a_page_where_nothing_was_withheld_does_not_say_it(client, lead, service_lead, team, question_set):
    contributions(team, 12, {"systemic_pressures": 4})
    client.force_login(lead)
    html = _read(client, "leads:team_summary", team.pk)
    assert "took part this period" in html
    assert "not shown" not in html and "—" not in html.split('id="took-part"')[1]
    client.force_login(service_lead)
    assert "not shown" not in _read(client, "leads:service_summary", team.service.pk)


def test_the_other_reasons_keep_their_own_words(client, lead, team, question_set):
    """Five people: means, but no shares, and no statements; nothing the auditor decided."""
    contributions(team, 5, {"systemic_pressures": 4})
    client.force_login(lead)
    html = _read(client, "leads:team_summary", team.pk)
    assert "Shares are shown when at least 10 people answered" in html
    assert SAYS_WHY not in html and DASH not in html


@pytest.mark.parametrize(
    "answers, withheld", [(["yes"] * 10, True), (["yes", "not_yet", "no", "yes", "no"] * 2, False)]
)
def test_a_withheld_voice_is_a_dash_on_the_action_and_the_summary(client, lead, team, question_set, answers, withheld):
    """Ten members, and every one of them said the action has made a difference: "10 of 10 said yes" would tell the
    lead each one's answer."""
    people = contributions(team, 10, {"systemic_support": 3})
    action = make_action(lead, team)
    with time_machine.travel(shown_moment(), tick=False):
        for person, answer in zip(people, answers, strict=True):
            voice_record(action=action, user=person, answer=answer)
    client.force_login(lead)
    detail = html_lib.unescape(client.get(reverse("leads:action_detail", args=[action.pk])).content.decode())
    summary = _read(client, "leads:team_summary", team.pk)
    for page in (detail, summary):
        assert page.count(SAYS_WHY) == int(withheld)
        assert ("Of 10 people who answered:" in page) is not withheld
        assert (DASH in page) is withheld
        assert THE_OLD_NOTE not in page
