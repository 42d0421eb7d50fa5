"""The private list of things to bring to supervision."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments.models import SupervisionNote
from assessments.models.private import SUPERVISION_NOTE_MAX_LENGTH
from assessments.practitioner import supervision
from assessments.practitioner.forms import SupervisionMarkForm
from assessments.practitioner.supervision import SupervisionError, supervision_mark
from tests.checkins import submit_checkin


def test_marking_a_reflection_and_a_dimension_puts_them_on_my_printable_list(client, practitioner, team):
    checkin = submit_checkin(practitioner, team, reflections={"challenges": "The risk call on Tuesday stayed with me."})
    client.force_login(practitioner)
    profile = client.get(reverse("practitioner:checkin_detail", args=[checkin.pk])).content.decode()
    assert "The risk call on Tuesday stayed with me." in profile and "Bring something to supervision" in profile
    response = client.post(
        reverse("practitioner:supervision_add_from", args=[checkin.pk]),
        {"phases": ["challenges"], "dimensions": ["systemic_support"], "note": "Ask about caseload"},
    )
    assert response.headers["Location"] == reverse("practitioner:checkin_detail", args=[checkin.pk])
    assert SupervisionNote.objects.filter(user=practitioner, done_at__isnull=True).count() == 3
    html = client.get(reverse("practitioner:supervision")).content.decode()
    assert "The risk call on Tuesday stayed with me." in html
    assert "Supervision and peer support" in html and "Score then: 50 / 100" in html
    assert "Ask about caseload" in html


def test_marking_the_same_thing_twice_does_not_duplicate_it(client, practitioner, team):
    checkin = submit_checkin(practitioner, team, {})
    client.force_login(practitioner)
    for _ in range(2):
        client.post(
            reverse("practitioner:supervision_add_from", args=[checkin.pk]), {"dimensions": ["work_boundaries"]}
        )
    assert SupervisionNote.objects.count() == 1


def test_ticking_off_moves_an_item_off_the_list_and_it_can_be_put_back(client, practitioner, team):
    checkin = submit_checkin(practitioner, team, {})
    client.force_login(practitioner)
    client.post(reverse("practitioner:supervision_add_from", args=[checkin.pk]), {"dimensions": ["work_boundaries"]})
    note = SupervisionNote.objects.get()
    client.post(reverse("practitioner:supervision_tick", args=[note.pk]), {"done": "1"})
    note.refresh_from_db()
    assert note.done_at is not None
    html = client.get(reverse("practitioner:supervision")).content.decode()
    assert "Nothing on your list yet" in html and "Already talked about" in html
    client.post(reverse("practitioner:supervision_tick", args=[note.pk]), {"done": "0"})
    note.refresh_from_db()
    assert note.done_at is None


def test_no_one_else_sees_or_ticks_my_supervision_list(client, practitioner, teammate, lead, team):
    checkin = submit_checkin(practitioner, team, reflections={"challenges": "Private words"})
    client.force_login(practitioner)
    client.post(reverse("practitioner:supervision_add_from", args=[checkin.pk]), {"phases": ["challenges"]})
    note = SupervisionNote.objects.get()
    for other in (teammate, lead):
        client.force_login(other)
        assert "Private words" not in client.get(reverse("practitioner:supervision")).content.decode()
        assert client.post(reverse("practitioner:supervision_tick", args=[note.pk])).status_code == 404
        assert (
            client.post(
                reverse("practitioner:supervision_add_from", args=[checkin.pk]), {"phases": ["challenges"]}
            ).status_code
            == 404
        )
    note.refresh_from_db()
    assert note.done_at is None and SupervisionNote.objects.count() == 1


def test_bad_marks_show_the_form_again_with_an_error_summary_and_save_nothing(client, practitioner, team):
    checkin = submit_checkin(practitioner, team, {})  # no reflections
    client.force_login(practitioner)
    url = reverse("practitioner:supervision_add_from", args=[checkin.pk])
    for body, message, target in [
        ({"dimensions": ["not_a_dimension"]}, "Choose from the parts of your profile listed", "sup-dimensions"),
        ({"phases": ["challenges"]}, "Choose from your reflections on this check-in", "sup-phases"),
        ({"note": "x" * 501}, "Your note must be 500 characters or fewer. It has 501.", "sup-note"),
        ({}, "Choose something to bring to supervision, or write a note", "sup-dimensions"),
    ]:
        response = client.post(url, body)
        html = response.content.decode()
        assert response.status_code == 400
        assert message in html, body
        assert f'href="#{target}"' in html and f'id="{target}"' in html, body
        assert "<title>Error: " in html
    assert SupervisionNote.objects.count() == 0


def test_the_note_limit_in_the_error_is_the_limit_enforced(client, practitioner, monkeypatch):
    monkeypatch.setattr(supervision, "SUPERVISION_NOTE_MAX_LENGTH", 40)
    with pytest.raises(SupervisionError, match="under 40 characters"):
        supervision_mark(user=practitioner, checkin=None, note="x" * 41)
    client.force_login(practitioner)
    response = client.post(reverse("practitioner:supervision_add"), {"note": "x" * 501})
    assert "Your note must be 500 characters or fewer. It has 501." in response.content.decode()
    assert 'href="#sup-own-note"' in response.content.decode()
    help_text = str(SupervisionMarkForm.base_fields["note"].help_text)
    assert help_text.endswith(f"Up to {SUPERVISION_NOTE_MAX_LENGTH} characters.")
    assert SupervisionMarkForm.base_fields["note"].max_length == SUPERVISION_NOTE_MAX_LENGTH


def test_an_own_note_can_be_added_from_the_list_page(client, practitioner):
    client.force_login(practitioner)
    client.post(reverse("practitioner:supervision_add"), {"note": "How to say no to extra clinics"})
    assert "How to say no to extra clinics" in client.get(reverse("practitioner:supervision")).content.decode()


def test_the_supervision_list_query_count_does_not_grow_with_its_length(
    client, practitioner, team, django_assert_num_queries
):
    client.force_login(practitioner)
    checkin = submit_checkin(practitioner, team, reflections={"challenges": "words"})
    client.post(reverse("practitioner:supervision_add_from", args=[checkin.pk]), {"phases": ["challenges"]})
    # The session, the user, the open notes, their reflections, their check-ins' scores, the notes done.
    with django_assert_num_queries(6):
        assert client.get(reverse("practitioner:supervision")).status_code == 200
    for _ in range(5):
        other = submit_checkin(practitioner, team, reflections={"challenges": "more words"})
        client.post(
            reverse("practitioner:supervision_add_from", args=[other.pk]),
            {"phases": ["challenges"], "dimensions": ["work_boundaries"]},
        )
    with django_assert_num_queries(6):
        assert client.get(reverse("practitioner:supervision")).status_code == 200
