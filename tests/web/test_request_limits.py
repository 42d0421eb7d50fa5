"""What a scanner or a shared computer would notice: uploads and oversized bodies are refused unread with a 413
page, and nothing a signed-in person is shown may be kept in a cache."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments.core.periods import latest_shown_period
from assessments.models import CheckIn
from tests.conftest import contributions, step_post

TOO_MUCH = "That was too much to send"


class BodyThatMustNotBeRead:
    """A request body that fails the test if the app reads any of it."""

    def read(self, *args):
        raise AssertionError("the app read a body it should have refused unread")

    readline = read


def send(client, url: str, content_type: str, length: int):
    environ = {"CONTENT_TYPE": content_type, "CONTENT_LENGTH": str(length), "wsgi.input": BodyThatMustNotBeRead()}
    return client.generic("POST", url, **environ)


@pytest.mark.parametrize(
    "content_type",
    ["multipart/form-data; boundary=x", "Multipart/Form-Data; boundary=x", "multipart/mixed; boundary=x"],
)
def test_any_multipart_body_gets_the_413_page_unread(client, db, content_type):
    response = send(client, reverse("login"), content_type, 1000)
    assert response.status_code == 413
    assert TOO_MUCH in response.content.decode()


def test_a_100_megabyte_body_gets_the_413_page_unread(client, db):
    response = send(client, reverse("login"), "application/x-www-form-urlencoded", 100 * 1024 * 1024)
    assert response.status_code == 413
    assert TOO_MUCH in response.content.decode() and "Traceback" not in response.content.decode()


def test_a_signed_in_persons_oversized_step_is_refused_and_saves_nothing(client, practitioner, question_set):
    client.force_login(practitioner)
    client.post(reverse("practitioner:checkin_begin"))
    checkin = CheckIn.objects.get()
    url = reverse("practitioner:checkin_step", args=[checkin.pk, "challenges"])
    response = send(client, url, "multipart/form-data; boundary=x", 5000)
    assert response.status_code == 413
    checkin.refresh_from_db()
    assert checkin.steps_completed == 0 and not checkin.answers.exists()


def test_the_limit_can_be_set_and_a_body_just_under_it_is_read(client, practitioner, question_set, settings):
    settings.REQUEST_MAX_BYTES = settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    client.force_login(practitioner)
    client.post(reverse("practitioner:checkin_begin"))
    checkin = CheckIn.objects.get()
    url = reverse("practitioner:checkin_step", args=[checkin.pk, "challenges"])
    data = step_post(question_set, "challenges", reflection="A long day. " * 400)  # about 5 KB: an ordinary form
    assert client.post(url, data).status_code == 302
    assert send(client, url, "application/x-www-form-urlencoded", 64 * 1024 + 1).status_code == 413


def test_every_page_a_signed_in_practitioner_sees_says_no_store(client, practitioner, question_set):
    client.force_login(practitioner)
    start = client.post(reverse("practitioner:checkin_begin"))
    for response in [start, client.get(start["Location"]), client.get(reverse("site:home"))]:
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"no-store", "private"} <= cache_control, response


def test_a_leads_csv_export_says_no_store(client, lead, team, question_set):
    contributions(team, 5)
    client.force_login(lead)
    response = client.get(reverse("leads:team_summary_export", args=[team.pk, latest_shown_period().key]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= cache_control and "public" not in cache_control
