"""Summary pages headline a change only when it is larger than chance for the head counts (core/changes.py)."""

from __future__ import annotations

import re

from django.urls import reverse

from assessments.core.periods import latest_shown_period as shown_period
from assessments.models import CheckIn
from tests.checkins import moment_in, submit_checkin
from tests.world import contributions


def since_before(html: str, table_id: str) -> list[str]:
    """The 'Since the period before' words of each row of one summary list, in order."""
    block = html.split(f'id="{table_id}"')[1].split("</dl>")[0]
    return [re.sub(r"<[^>]+>", "", m).strip() for m in re.findall(r"Since the period before: (.*?)</p>", block, re.S)]


def test_a_small_change_at_eight_people_is_about_the_same_and_a_large_one_is_headlined(
    client, lead, team, service_lead, service, question_set
):
    before = moment_in(shown_period().previous())
    contributions(team, 8, {"systemic_pressures": 3, "systemic_support": 3}, when=before, prefix="feb")
    # This period: one person of eight one step higher on pressures (+3 on the mean), everyone higher on support.
    now = contributions(team, 7, {"systemic_pressures": 3, "systemic_support": 4}, prefix="mar")
    contributions(team, 1, {"systemic_pressures": 4, "systemic_support": 4}, prefix="one")
    assert len(now) == 7
    client.force_login(lead)
    html = client.get(reverse("leads:team_summary", args=[team.pk, shown_period().key])).content.decode()
    pressures, _values, support = since_before(html, "systemic")
    assert pressures == "about the same"  # 3.1 points at n = 8, within 25 / sqrt(8) = 8.8
    assert support == "up 25"
    assert "With 8 people this period, that is about 9 points." in html
    assert "bigger than 25 ÷ √n" in html
    client.force_login(service_lead)
    html = client.get(reverse("leads:service_summary", args=[service.pk, shown_period().key])).content.decode()
    assert since_before(html, "systemic")[0] == "about the same"
    assert since_before(html, "systemic")[2] == "up 25"


def test_the_practitioners_own_change_is_what_they_answered(client, practitioner, team, question_set):
    submit_checkin(practitioner, team, {"systemic_pressures": 3}, when=moment_in(shown_period().previous()))
    submit_checkin(practitioner, team, {"systemic_pressures": 4})
    client.force_login(practitioner)
    latest = CheckIn.objects.filter(user=practitioner).order_by("-submitted_at").first()
    html = client.get(reverse("practitioner:checkin_detail", args=[latest.pk])).content.decode()
    assert "up 25" in html and "about the same" not in html
