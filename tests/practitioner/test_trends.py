"""A practitioner's own trends over time, and what moved most since last time."""

from __future__ import annotations

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from assessments.core.framework import DIMENSIONS, PHASES
from tests.checkins import submit_checkin
from tests.queries import PUSH
from tests.reads import chart_svg


def test_the_trends_page_shows_every_phase_and_dimension_with_dates_and_a_table(client, practitioner, team):
    now = timezone.now()
    submit_checkin(practitioner, team, {"systemic_pressures": 2}, when=now - timedelta(days=60))
    submit_checkin(practitioner, team, {"systemic_pressures": 5}, when=now - timedelta(days=30))
    client.force_login(practitioner)
    html = client.get(reverse("practitioner:trends")).content.decode()
    for item in (*PHASES, *DIMENSIONS):
        assert str(item.name) in html
    assert html.count('<svg class="trend-chart"') == len(DIMENSIONS)  # one per dimension (the NHS logo is an <svg>)
    assert html.count("<table") == len(PHASES) + 1  # and one of working over and supervision that went ahead
    # The page shows dates on the service's clock (Europe/London), so the check does too: late in a UTC evening
    # the moment 60 days back can fall on the next day in British Summer Time.
    assert timezone.localtime(now - timedelta(days=60)).strftime("%-d %b %Y") in html
    assert "Higher means more pressure" in html and "Higher means more support and strength" in html
    # 25 then 100 for systemic pressures, in the table.
    # (A cell starts with the heading it shows when the table stacks on a phone.)
    cells = re.findall(r'<td[^>]*>(?:<span class="nhsuk-table__heading"[^>]*>[^<]*</span>)?([^<]*)</td>', html)
    assert "25" in cells and "100" in cells


def test_the_trends_page_never_blends_a_phases_individual_and_systemic_parts(client, practitioner, team):
    """Phase 1 answered 'Strongly disagree' about oneself and 'Strongly agree' about the service: 0 and 100. A blended
    phase line would show 50, a number that is neither the person's nor the service's."""
    values = {"individual_challenges": 1, "systemic_pressures": 5}
    submit_checkin(practitioner, team, values, when=timezone.now() - timedelta(days=30))
    submit_checkin(practitioner, team, values, when=timezone.now() - timedelta(days=2))
    client.force_login(practitioner)
    html = client.get(reverse("practitioner:trends")).content.decode()
    table = re.search(r'<table[^>]*>.*?id="table-challenges".*?</table>', html, flags=re.DOTALL).group(0)
    cells = re.findall(r'<td[^>]*>(?:<span class="nhsuk-table__heading"[^>]*>[^<]*</span>)?([^<]*)</td>', table)
    assert cells == ["0", "100", "0", "100"]
    assert 'aria-labelledby="trend-chart-challenges-title"' not in html and "as a whole" not in html
    chart_svg(html, "trend-chart-individual_challenges")  # each part on its own chart
    chart_svg(html, "trend-chart-systemic_pressures")


def test_the_trends_page_shows_only_my_own_check_ins(client, practitioner, teammate, team):
    submit_checkin(practitioner, team, {}, when=timezone.now() - timedelta(days=3))
    submit_checkin(teammate, team, {}, when=timezone.now() - timedelta(days=400))
    client.force_login(practitioner)
    html = client.get(reverse("practitioner:trends")).content.decode()
    assert timezone.localtime(timezone.now() - timedelta(days=400)).strftime("%-d %b %Y") not in html
    assert "From your one check-in" in html


def test_the_trends_page_without_check_ins_says_so(client, practitioner):
    client.force_login(practitioner)
    response = client.get(reverse("practitioner:trends"))
    assert response.status_code == 200
    assert "You have not sent a check-in yet" in response.content.decode()


def test_the_trends_page_needs_sign_in(client):
    assert client.get(reverse("practitioner:trends")).status_code == 302


def _many_checkins(user, team, n):
    now = timezone.now()
    for i in range(n):
        submit_checkin(user, team, {}, when=now - timedelta(days=7 * (n - i)))


def test_the_trends_page_query_count_does_not_grow_with_history(client, practitioner, team, django_assert_num_queries):
    client.force_login(practitioner)
    _many_checkins(practitioner, team, 2)
    # The session, the user, the check-ins, their scores, the moves, the overtime and supervision statements and the
    # answers to them; the first request after signing in also pushes the session's end back, and asks the menu.
    with django_assert_num_queries(7 + PUSH):
        assert client.get(reverse("practitioner:trends")).status_code == 200
    _many_checkins(practitioner, team, 8)
    with django_assert_num_queries(7):
        assert client.get(reverse("practitioner:trends")).status_code == 200


def test_the_profile_says_what_moved_most_since_last_time(client, practitioner, team):
    submit_checkin(
        practitioner, team, {"work_boundaries": 4, "systemic_pressures": 3}, when=timezone.now() - timedelta(7)
    )
    latest = submit_checkin(practitioner, team, {"work_boundaries": 1, "systemic_pressures": 4})
    client.force_login(practitioner)
    html = client.get(reverse("practitioner:checkin_detail", args=[latest.pk])).content.decode()
    assert "What moved most since last time" in html
    section = html.split("What moved most since last time")[1].split("</aside>")[0]
    assert "Work boundaries" in section and "down 75" in section
    assert "less support and strength than last time" in section


def test_the_first_profile_has_no_moved_most_panel(client, practitioner, team):
    checkin = submit_checkin(practitioner, team, {})
    client.force_login(practitioner)
    html = client.get(reverse("practitioner:checkin_detail", args=[checkin.pk])).content.decode()
    assert "What moved most since last time" not in html
    assert "Choose your moves" in html


def test_a_small_wobble_is_not_headlined_as_what_moved_most(client, practitioner, team):
    # 3 -> one answer of 4 among several statements: a few points only.
    submit_checkin(practitioner, team, {}, when=timezone.now() - timedelta(days=7))
    latest = submit_checkin(practitioner, team, {})
    client.force_login(practitioner)
    html = client.get(reverse("practitioner:checkin_detail", args=[latest.pk])).content.decode()
    assert "Nothing changed by more than a little since last time." in html


def test_a_part_left_unanswered_leaves_a_gap_in_its_line_and_the_concerning_end_is_shaded(client, practitioner, team):
    now = timezone.now()
    submit_checkin(practitioner, team, {"systemic_pressures": 5}, when=now - timedelta(days=60))
    submit_checkin(
        practitioner, team, {"work_boundaries": None, "systemic_pressures": 4}, when=now - timedelta(days=30)
    )
    submit_checkin(practitioner, team, {"systemic_pressures": 5}, when=now)
    client.force_login(practitioner)
    html = client.get(reverse("practitioner:trends")).content.decode()
    boundaries = chart_svg(html, "trend-chart-work_boundaries")
    # Answered, not answered, answered: two dots with nothing drawn between them, not a line across the gap.
    assert boundaries.count("<circle") == 2 and "<polyline" not in boundaries
    pressures = chart_svg(html, "trend-chart-systemic_pressures")
    assert pressures.count("<circle") == 3 and pressures.count("<polyline") == 1
    assert pressures.count('class="trend-band"') == 1 and boundaries.count('class="trend-band"') == 1
    middle = timezone.localtime(now - timedelta(days=30))
    assert f"{middle:%-d %B %Y}: 75 / 100" in pressures  # each dot says when it was and the score
