"""The summary and journey forms show the shared error summary: it is focused and links each error to its field."""

from __future__ import annotations

from django.urls import reverse

from assessments.models import Team
from tests.checkins import submit_checkin

SUMMARY = 'id="error-summary" tabindex="-1" autofocus'


def test_a_team_action_without_its_fields_links_each_error_to_its_field(client, lead, team):
    client.force_login(lead)
    response = client.post(reverse("leads:team_action_add", args=[team.pk]), {"dimension": "", "description": ""})
    html = response.content.decode()
    assert response.status_code == 400
    assert SUMMARY in html
    for field in ("id_dimension", "id_description", "id_owner", "id_starts_on", "id_review_on"):
        assert f'href="#{field}"' in html
        assert f'id="{field}"' in html


def test_deleting_an_account_with_a_wrong_password_links_the_error_to_the_password(client, practitioner):
    client.force_login(practitioner)
    response = client.post(reverse("practitioner:account_delete"), {"password": "not-my-password"})
    html = response.content.decode()
    assert SUMMARY in html
    assert 'href="#id_password"' in html


def test_an_unknown_move_links_the_error_to_the_list_of_moves(client, practitioner, team, question_set):
    sent = submit_checkin(practitioner, team, {})
    client.force_login(practitioner)
    response = client.post(reverse("practitioner:moves_choose", args=[sent.pk]), {"moves": ["no-such-move"]})
    html = response.content.decode()
    assert SUMMARY in html
    assert 'href="#id_moves"' in html
    assert 'id="id_moves"' in html


def test_an_unknown_reminder_rhythm_shows_the_error_summary_and_changes_nothing(client, lead, team):
    client.force_login(lead)
    before = Team.objects.get(pk=team.pk).checkin_cadence
    response = client.post(reverse("leads:team_reminders", args=[team.pk]), {"checkin_cadence": "hourly"})
    html = response.content.decode()
    assert SUMMARY in html
    assert 'href="#id_checkin_cadence_0"' in html  # a radio group: the link goes to its first choice
    assert 'id="id_checkin_cadence_0"' in html
    assert Team.objects.get(pk=team.pk).checkin_cadence == before
