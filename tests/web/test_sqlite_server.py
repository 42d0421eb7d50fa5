"""The production server (`make serve`) on the embedded default, SQLite: six tabs starting a check-in at once get one
draft and no error, and starting the server never changes which question set is active."""

from __future__ import annotations

import re
import secrets
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from tests.server_env import app_process_env, serving

# Slow: prepares a database and starts the production server (gunicorn) in new processes.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "six-tabs-password-2026"
TABS = 6

# Run in the server's database before the server starts: a practitioner with no draft, in a demo team, and an
# administrator's choice of question set (v2, not the v3 that `load_questions` would pick on an empty database).
PREPARE = f"""
from django.contrib.auth import get_user_model
from assessments.models import Membership, Role, Team
from assessments.practitioner.questions import DEFAULT_QUESTION_FILE, question_set_load
question_set_load(path=DEFAULT_QUESTION_FILE.with_name("questions_v2.json"), activate=True)
user = get_user_model().objects.create_user("six-tabs", "six-tabs@example.nhs.uk", {PASSWORD!r})
Membership.objects.create(user=user, team=Team.objects.order_by("pk").first(), role=Role.PRACTITIONER)
"""
READ = """
from assessments.models import CheckIn, QuestionSet
print("active", list(QuestionSet.objects.filter(is_active=True).values_list("version", flat=True)))
print("drafts", CheckIn.objects.filter(user__username="six-tabs").count())
"""


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[tuple[str, dict[str, str]]]:
    """scripts/serve on a SQLite file that already holds the demo, a practitioner with no draft, and question set v2
    made active."""
    tmp_path = tmp_path_factory.mktemp("sqlite-serve")
    env = app_process_env(
        {
            "WEB_CONCURRENCY": "2",  # two processes of four threads, as a small server runs
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "STATIC_ROOT": str(tmp_path / "static"),
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "SECURE_HSTS_SECONDS": "0",
        }
    )
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_questions")
    manage(env, "seed_demo")
    manage(env, "shell", "-c", PREPARE)
    with serving(env) as served:
        yield served.url, env


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def signed_in(url: str) -> tuple[urllib.request.OpenerDirector, str]:
    """A browser signed in as the six-tabs practitioner: its opener (keeping cookies, not following redirects) and a
    CSRF token."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()), NoRedirect)
    page = opener.open(f"{url}/accounts/login/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": "six-tabs", "password": PASSWORD})
    try:
        opener.open(f"{url}/accounts/login/", form.encode(), timeout=10)
    except urllib.error.HTTPError as exc:
        assert exc.code == 302, exc.code  # signed in: on to the home page
    home = opener.open(f"{url}/", timeout=10).read().decode()
    assert "checkins/start/" in home, "the home page offers no check-in"
    return opener, re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', home).group(1)


def test_starting_the_server_keeps_the_question_set_an_administrator_chose(server):
    _url, env = server
    assert "active [2]" in manage(env, "shell", "-c", READ)


def test_six_tabs_starting_a_check_in_at_once_get_one_draft_and_no_error(server):
    url, env = server
    opener, token = signed_in(url)
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token}).encode()
    answers: list[tuple[int, str]] = []
    ready = threading.Barrier(TABS)

    def tab() -> None:
        request = urllib.request.Request(f"{url}/checkins/start/", body, headers={"Referer": f"{url}/"})
        ready.wait()
        try:
            with opener.open(request, timeout=30) as response:
                answers.append((response.status, ""))
        except urllib.error.HTTPError as exc:
            answers.append((exc.code, exc.headers.get("Location", "")))

    tabs = [threading.Thread(target=tab) for _ in range(TABS)]
    for thread in tabs:
        thread.start()
    for thread in tabs:
        thread.join(timeout=60)

    assert [status for status, _location in answers] == [302] * TABS, answers
    # Every tab is sent to the same check-in's first page.
    drafts = {re.search(r"/checkins/(\d+)/", location).group(1) for _status, location in answers}
    assert len(drafts) == 1, answers
    assert "drafts 1" in manage(env, "shell", "-c", READ)
