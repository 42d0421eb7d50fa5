"""The benchmark's floor (devtools/bench_urls.py): what `manage.py bench` compares a lead page with, in process and
in the server it starts with devtools/bench_settings.py. Served, it sends `?bytes=N` bytes, so it must send exactly
N to a signed-in person, nothing to anyone else, and refuse to be made to hold a silly amount. The app's own URLs
never have it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from devtools.bench_urls import FLOOR, FLOOR_MAX_BYTES
from tests.clients import BrowserClient

FLOOR_URL = "/bench/floor/"


@pytest.fixture
def bench_urls(settings) -> None:
    settings.ROOT_URLCONF = "devtools.bench_urls"


@pytest.fixture
def signed_in(lead: User) -> BrowserClient:
    client = BrowserClient()
    client.force_login(lead)
    return client


@pytest.mark.parametrize("size", [0, 1, 48_213, FLOOR_MAX_BYTES])
def test_the_served_floor_sends_as_many_bytes_as_asked(bench_urls, signed_in, size):
    response = signed_in.get(FLOOR_URL, {"bytes": size})
    assert response.status_code == 200
    assert len(response.content) == size


def test_without_a_size_the_floor_sends_the_pages_own_bytes(bench_urls, signed_in, monkeypatch):
    monkeypatch.setitem(FLOOR, "body", b"<html>the page as it was sent</html>")
    response = signed_in.get(FLOOR_URL)
    assert response.content == b"<html>the page as it was sent</html>"


@pytest.mark.parametrize("size", ["-1", str(FLOOR_MAX_BYTES + 1), "10e6", "", "1.5", "\u0661\u0662", "many"])
def test_the_floor_refuses_a_size_it_should_not_hold(bench_urls, signed_in, size):
    response = signed_in.get(FLOOR_URL, {"bytes": size})
    assert response.status_code == 400
    assert len(response.content) < 100


@pytest.mark.parametrize("query", [{}, {"bytes": 1000}])
def test_the_floor_sends_nothing_to_someone_signed_out(bench_urls, db, query):
    response = BrowserClient().get(FLOOR_URL, query)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('login')}?next=")
    assert b"x" * 100 not in response.content


def test_the_running_app_has_no_floor(signed_in):
    assert signed_in.get(FLOOR_URL, {"bytes": 1000}).status_code == 404
    assert signed_in.get(FLOOR_URL).status_code == 404
