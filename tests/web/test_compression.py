"""Pages sent compressed where that is safe (docs/adr/0016): the leads' pages and the pages for everyone, never a
page that shows a person's private words."""

from __future__ import annotations

import gzip

import pytest
from django.urls import reverse

from assessments.core.periods import latest_shown_period
from tests.checkins import shown_moment, submit_checkin

BROWSER = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br, zstd"}  # what Chromium sends


def gzip_padding(body: bytes) -> int:
    """How many bytes of padding the gzip header carries (the FNAME field Django fills with 0 to 99 random bytes)."""
    assert body[:3] == b"\x1f\x8b\x08" and body[3] & 0x08, "a gzip stream with a file name field"
    return body.index(b"\x00", 10) - 10


@pytest.fixture
def team_summary(team, lead):
    return reverse("leads:team_summary", args=[team.pk, latest_shown_period().key])


def test_a_team_summary_is_sent_compressed_to_a_browser_that_accepts_it(client, lead, team, team_summary):
    client.force_login(lead)
    response = client.get(team_summary, **BROWSER)
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    page = gzip.decompress(response.content)
    assert team.name.encode() in page and b'name="csrfmiddlewaretoken"' in page
    assert len(response.content) < len(page) / 3
    assert int(response["Content-Length"]) == len(response.content)


def test_the_sign_in_page_is_sent_compressed(client):
    response = client.get(reverse("login"), **BROWSER)
    assert response["Content-Encoding"] == "gzip"
    assert b"Sign in" in gzip.decompress(response.content)


def test_a_browser_that_does_not_accept_gzip_gets_the_page_as_it_is(client, lead, team, team_summary):
    client.force_login(lead)
    response = client.get(team_summary, HTTP_ACCEPT_ENCODING="identity")
    assert not response.has_header("Content-Encoding")
    assert team.name.encode() in response.content


def test_each_compressed_page_is_padded_by_a_random_length_against_breach(client, lead, team_summary):
    client.force_login(lead)
    paddings = {gzip_padding(client.get(team_summary, **BROWSER).content) for _ in range(20)}
    # 20 draws of 0 to 99 bytes: all the same would happen about once in 10^38 runs.
    assert len(paddings) > 1 and max(paddings) < 100


def test_pages_showing_a_persons_private_words_are_never_compressed(client, practitioner, team):
    checkin = submit_checkin(practitioner, team, when=shown_moment(), reflections={"challenges": "A private thought"})
    client.force_login(practitioner)
    for url in [
        reverse("site:home"),
        reverse("practitioner:checkin_detail", args=[checkin.pk]),
        reverse("practitioner:history"),
        reverse("practitioner:trends"),
    ]:
        response = client.get(url, **BROWSER)
        assert response.status_code == 200, url
        assert not response.has_header("Content-Encoding"), url
        assert b"<html" in response.content, url
    assert b"A private thought" in client.get(reverse("practitioner:checkin_detail", args=[checkin.pk])).content
