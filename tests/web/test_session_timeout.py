"""The idle timeout, as a person meets it: the page says how long its session has left, "Stay signed in"
pushes the end back, and when the time has run out the sign-in page says so, and that a page sent afterwards was not
saved. A real sign-out says "You have signed out" instead."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from assessments.models import Answer, CheckIn
from assessments.web import session_timeout
from tests.cast import PASSWORD
from tests.checkins import step_post

TIMED_OUT = "You were signed out after 30 minutes without activity."
NOT_SAVED = "Your answers on that page were not saved."


def sign_in(client, user) -> None:
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302


def start_draft(client) -> CheckIn:
    client.post(reverse("practitioner:checkin_begin"))
    return CheckIn.objects.get()


def test_a_page_sent_after_the_session_ended_leads_to_sign_in_saying_what_happened(client, practitioner, question_set):
    sign_in(client, practitioner)
    draft = start_draft(client)
    step = reverse("practitioner:checkin_step", args=[draft.pk, "challenges"])
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        response = client.post(step, step_post(question_set, "challenges", 4))
        assert response.status_code == 302 and response.headers["Location"].startswith(reverse("login"))
        page = client.get(response.headers["Location"]).content.decode()
    assert TIMED_OUT in page and NOT_SAVED in page
    assert not Answer.objects.exists()
    # Said once: the next visit to the sign-in page is an ordinary one.
    assert TIMED_OUT not in client.get(reverse("login")).content.decode()


def test_opening_a_page_after_the_session_ended_says_so_without_talking_of_lost_answers(client, practitioner):
    sign_in(client, practitioner)
    client.get(reverse("site:home"))
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        response = client.get(reverse("practitioner:history"), follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert TIMED_OUT in page and "Sign in to carry on." in page and NOT_SAVED not in page


def test_the_sign_in_page_itself_says_so_when_the_warning_sent_the_person_there(client, practitioner):
    sign_in(client, practitioner)
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        page = client.get(reverse("login") + "?next=/checkins/history/").content.decode()
    assert TIMED_OUT in page


def test_signing_out_says_you_have_signed_out_and_never_that_time_ran_out(client, practitioner):
    sign_in(client, practitioner)
    client.get(reverse("site:home"))
    response = client.post(reverse("logout"), follow=True)
    page = response.content.decode()
    assert "You have signed out." in page and TIMED_OUT not in page
    assert client.cookies[session_timeout.SIGNED_IN_COOKIE].value == ""  # forgotten
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        assert TIMED_OUT not in client.get(reverse("site:home"), follow=True).content.decode()


def test_someone_who_never_signed_in_here_is_told_nothing_about_time_running_out(client, practitioner):
    page = client.get(reverse("practitioner:history"), follow=True).content.decode()
    assert "Sign in" in page and TIMED_OUT not in page and "You have signed out" not in page


def test_a_signed_in_page_says_how_long_its_session_has_left_and_a_signed_out_page_has_no_warning(client, practitioner):
    assert 'id="session-timeout"' not in client.get(reverse("login")).content.decode()
    sign_in(client, practitioner)
    html = client.get(reverse("site:home")).content.decode()
    left = int(re.search(r'data-seconds-left="(\d+)" data-warn="120"', html).group(1))
    assert settings.SESSION_COOKIE_AGE - 2 <= left <= settings.SESSION_COOKIE_AGE
    assert "You will be signed out soon" in html and "Stay signed in" in html


def test_the_time_left_counts_from_the_last_push_within_the_minute(client, practitioner):
    sign_in(client, practitioner)
    client.get(reverse("site:home"))  # pushed now
    with time_machine.travel(timezone.now() + timedelta(seconds=40)):
        html = client.get(reverse("site:home")).content.decode()
    left = int(re.search(r'data-seconds-left="(\d+)"', html).group(1))
    assert settings.SESSION_COOKIE_AGE - 42 <= left <= settings.SESSION_COOKIE_AGE - 39


def test_stay_signed_in_pushes_the_end_of_the_session_back(client, practitioner):
    sign_in(client, practitioner)
    client.get(reverse("site:home"))
    before = Session.objects.get().expire_date
    with time_machine.travel(timezone.now() + timedelta(seconds=20)):  # within the minute: no push of its own
        response = client.post(reverse("site:stay_signed_in"), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert json.loads(response.content) == {"signed_in": True, "seconds_left": settings.SESSION_COOKIE_AGE}
    assert Session.objects.get().expire_date >= before + timedelta(seconds=19)


def test_stay_signed_in_after_the_end_answers_401_and_signs_no_one_in(client, practitioner):
    sign_in(client, practitioner)
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        response = client.post(reverse("site:stay_signed_in"), HTTP_ACCEPT="application/json")
        assert response.status_code == 401
        assert client.get(reverse("site:home")).status_code == 302


def test_stay_signed_in_as_a_plain_form_goes_back_to_the_page_and_never_elsewhere(client, practitioner):
    sign_in(client, practitioner)
    back = client.post(reverse("site:stay_signed_in"), {"next": "/checkins/history/"})
    assert back.headers["Location"] == "/checkins/history/"
    away = client.post(reverse("site:stay_signed_in"), {"next": "https://example.org/"})
    assert away.headers["Location"] == reverse("site:home")
