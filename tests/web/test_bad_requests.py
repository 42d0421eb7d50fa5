"""A form body the app cannot read gets the plain 400 page on every URL, never a 500, and saves nothing."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from assessments.models import Answer, CheckIn, PractitionerProfile
from assessments.practitioner.checkins import checkin_start
from tests.conftest import PASSWORD, BrowserClient, questions_for

FORM = "application/x-www-form-urlencoded"
# (Content-Type, body): a charset no one knows, UTF-16 bytes that do not even decode, and charsets that do decode
# but are not the UTF-8 every page of the app sends.
UNREADABLE = {
    "unknown charset": (f"{FORM}; charset=bogus-charset", b"password=a-guess&reminders_enabled=on"),
    "utf-16 that does not decode": (f"{FORM}; charset=utf-16", b"\xff\xfe\x00\xd8p\x00"),
    "latin-1": (f"{FORM}; charset=latin-1", b"password=caf\xe9"),
}
# A multipart body, UTF-16 or not, never gets this far: it is refused unread with a 413 (test_request_limits.py).
PAGE_TEXT = "Sorry, we could not read that"


def browser(user=None) -> BrowserClient:
    """A client that behaves as production does: CSRF checked, and an error answered with a page, not raised."""
    client = BrowserClient(enforce_csrf_checks=True, raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def post_with_token(client: BrowserClient, url: str, content_type: str, body: bytes):
    # The token goes in the header (as a script would send it), so the body is the only thing wrong.
    client.get(reverse("login") if url == reverse("login") else reverse("site:home"))
    token = client.cookies["csrftoken"].value
    return client.generic("POST", url, body, content_type=content_type, headers={"X-CSRFToken": token})


def assert_bad_request_page(response) -> None:
    assert response.status_code == 400
    html = response.content.decode()
    assert PAGE_TEXT in html and "nothing was saved" in html
    assert "Traceback" not in html and "Bad Request (400)" not in html


@pytest.mark.parametrize("case", UNREADABLE)
def test_the_sign_in_page_answers_an_unreadable_form_with_the_400_page(practitioner, case):
    client = browser()
    response = post_with_token(client, reverse("login"), *UNREADABLE[case])
    assert_bad_request_page(response)
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("case", UNREADABLE)
def test_signed_in_pages_answer_an_unreadable_form_with_the_400_page_and_save_nothing(practitioner, team, case):
    draft = checkin_start(user=practitioner, team=team)
    client = browser(practitioner)
    urls = [
        reverse("practitioner:my_data"),
        reverse("practitioner:checkin_step", args=[draft.pk, "challenges"]),
        reverse("practitioner:checkin_begin"),
        reverse("practitioner:account_delete"),
        reverse("password_change"),
        reverse("logout"),
    ]
    for url in urls:
        response = post_with_token(client, url, *UNREADABLE[case])
        assert_bad_request_page(response)
        assert 'href="/me/"' in response.content.decode(), "the page still knows who is signed in"
    assert not Answer.objects.exists() and CheckIn.objects.get().status == CheckIn.Status.DRAFT
    assert not PractitionerProfile.objects.exists()
    practitioner.refresh_from_db()
    assert practitioner.check_password(PASSWORD)
    assert client.get(reverse("site:home")).status_code == 200


def test_the_400_page_never_reads_the_body_so_a_body_django_refuses_cannot_turn_it_into_a_500(practitioner, settings):
    # Without the UTF-8 check, Django itself refuses a UTF-16 form when the CSRF check first reads it. Its own
    # 400 view would read the body again and fail; the app's must not.
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("Utf8FormsMiddleware")]
    client = browser(practitioner)
    for url in (reverse("practitioner:my_data"), reverse("practitioner:account_delete")):
        assert_bad_request_page(post_with_token(client, url, *UNREADABLE["utf-16 that does not decode"]))


@pytest.mark.parametrize("charset", ["utf-8", "UTF-8", '"utf-8"'])
def test_a_form_that_says_it_is_utf_8_is_read_as_usual(practitioner, question_set, team, charset):
    client = browser()
    body = urlencode({"username": "priya", "password": PASSWORD}).encode()
    response = post_with_token(client, reverse("login"), f"{FORM}; charset={charset}", body)
    assert response.status_code == 302 and "_auth_user_id" in client.session
    draft = checkin_start(user=practitioner, team=team)
    body = urlencode({f"q_{q.pk}": "4" for q in questions_for(question_set, "challenges")}).encode()
    url = reverse("practitioner:checkin_step", args=[draft.pk, "challenges"])
    response = post_with_token(client, url, f"{FORM}; charset={charset}", body)
    assert response.status_code == 302
    assert set(Answer.objects.filter(checkin=draft).values_list("value", flat=True)) == {4}


@pytest.mark.parametrize("case", UNREADABLE)
def test_with_debug_on_an_unreadable_form_still_gets_the_400_page(practitioner, settings, case):
    # `make run` serves with DEBUG on. Had the middleware raised BadRequest, Django's technical error page would
    # answer instead, and it reads request.POST: a UTF-16 body then raised again there, and the newcomer got a 500.
    settings.DEBUG = True
    client = browser(practitioner)
    for url in (reverse("login"), reverse("practitioner:my_data")):
        assert_bad_request_page(post_with_token(client, url, *UNREADABLE[case]))
