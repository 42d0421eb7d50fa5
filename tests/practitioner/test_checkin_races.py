"""Two tabs or a double click: starting twice opens one draft, sending twice stores one check-in, calmly.

Each race is tested twice. The deterministic version (any database) lets the competing request land between the
view's read and its write, through monkeypatch. The concurrent version (PostgreSQL only: SQLite serialises writers
and locks the whole file) sends two requests at once from two threads, each with its own connection.
"""

from __future__ import annotations

import re
import threading

import pytest
from django.db import connection
from django.urls import reverse

from assessments.models import CheckIn, DimensionScore
from assessments.practitioner import checkins as checkin_writes
from assessments.practitioner.views import checkins as checkin_views
from tests.conftest import BrowserClient, post_every_step

THANK_YOU = "Check-in sent</h1>"  # the confirmation page
ALREADY_SENT = "Your check-in has already been sent. Thank you."

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="real concurrency needs PostgreSQL (set DATABASE_URL)"
)


def step_url(checkin: CheckIn, slug: str) -> str:
    return reverse("practitioner:checkin_step", args=[checkin.pk, slug])


def draft_ready_to_send(client: BrowserClient, question_set) -> CheckIn:
    client.post(reverse("practitioner:checkin_begin"))
    checkin = CheckIn.objects.get(status=CheckIn.Status.DRAFT)
    post_every_step(client, checkin, question_set)
    return checkin


def alerts(html: str) -> list[str]:
    """The kind of each message on the page, by its banner's title: "Done", "Important" or "Please check"."""
    return re.findall(r'class="nhsuk-notification-banner__title" id="message-\d+-title">([^<]+)</h2>', html)


def test_starting_while_another_tab_opens_the_draft_takes_both_to_it(
    client, practitioner, team, question_set, monkeypatch
):
    client.force_login(practitioner)
    real_current_draft = checkin_writes.current_draft
    other_tab: list[CheckIn] = []

    def other_tab_starts_first(user):
        if not other_tab:  # the view's look-up finds no draft, then the other tab's insert lands
            other_tab.append(CheckIn.objects.create(user=user, team=team, question_set=question_set))
            return None
        return real_current_draft(user)

    monkeypatch.setattr(checkin_writes, "current_draft", other_tab_starts_first)
    response = client.post(reverse("practitioner:checkin_begin"))

    assert response.status_code == 302
    assert response["Location"] == step_url(other_tab[0], "challenges")
    assert CheckIn.objects.filter(user=practitioner, status=CheckIn.Status.DRAFT).count() == 1


def test_sending_while_another_tab_sends_shows_the_confirmation_with_one_calm_message(
    client, practitioner, question_set, monkeypatch
):
    client.force_login(practitioner)
    checkin = draft_ready_to_send(client, question_set)
    real_fetch = checkin_views.get_checkin_for_user

    def other_tab_sends_first(user, pk):
        stale = real_fetch(user, pk)  # the view reads a draft...
        checkin_writes.checkin_submit(checkin=real_fetch(user, pk))  # ...and the other tab's send commits
        monkeypatch.setattr(checkin_views, "get_checkin_for_user", real_fetch)
        return stale

    monkeypatch.setattr(checkin_views, "get_checkin_for_user", other_tab_sends_first)
    response = client.post(step_url(checkin, "review"), follow=True)

    assert response.redirect_chain == [(reverse("practitioner:checkin_sent", args=[checkin.pk]), 302)]
    html = response.content.decode()
    assert alerts(html) == ["Important"]
    assert html.count(ALREADY_SENT) == 1 and "can no longer be changed" not in html
    assert CheckIn.objects.filter(user=practitioner, status=CheckIn.Status.SUBMITTED).count() == 1
    assert DimensionScore.objects.filter(checkin=checkin).count() == 7


def test_sending_again_after_a_lost_answer_shows_the_confirmation_calmly(client, practitioner, question_set):
    client.force_login(practitioner)
    checkin = draft_ready_to_send(client, question_set)
    client.post(step_url(checkin, "review"))  # sent, but the answer (and the thank-you it carried) was lost
    client.cookies.pop("messages", None)
    submitted_at = CheckIn.objects.get(pk=checkin.pk).submitted_at

    response = client.post(step_url(checkin, "review"), follow=True)

    assert response.redirect_chain == [(reverse("practitioner:checkin_sent", args=[checkin.pk]), 302)]
    html = response.content.decode()
    assert alerts(html) == ["Important"] and html.count(ALREADY_SENT) == 1
    assert CheckIn.objects.get(pk=checkin.pk).submitted_at == submitted_at
    assert DimensionScore.objects.filter(checkin=checkin).count() == 7


def at_once(requests, *, pause_in, name: str, monkeypatch) -> list:
    """Run each request in its own thread (its own database connection); all of them pass `name` in `pause_in`
    before any goes on, so every request has done its read before any does its write."""
    barrier = threading.Barrier(len(requests), timeout=10)
    real = getattr(pause_in, name)
    paused = threading.local()

    def read_then_wait(*args, **kwargs):
        result = real(*args, **kwargs)
        if not getattr(paused, "done", False):
            paused.done = True
            barrier.wait()
        return result

    monkeypatch.setattr(pause_in, name, read_then_wait)
    responses: list = [None] * len(requests)

    def run(i):
        try:
            responses[i] = requests[i]()
        except Exception as exc:  # a 500 in the test client is an exception: keep it to assert on
            responses[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return responses


def two_tabs(practitioner) -> list[BrowserClient]:
    tabs = [BrowserClient(), BrowserClient()]
    for tab in tabs:
        tab.force_login(practitioner)
    return tabs


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_tabs_starting_at_once_open_one_draft(practitioner, question_set, monkeypatch):
    tabs = two_tabs(practitioner)
    begin = reverse("practitioner:checkin_begin")
    responses = at_once(
        [lambda tab=tab: tab.post(begin) for tab in tabs],
        pause_in=checkin_writes,
        name="current_draft",
        monkeypatch=monkeypatch,
    )

    draft = CheckIn.objects.get(user=practitioner, status=CheckIn.Status.DRAFT)
    assert [getattr(r, "status_code", r) for r in responses] == [302, 302]
    assert [r["Location"] for r in responses] == [step_url(draft, "challenges")] * 2


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_double_click_on_send_stores_one_check_in_and_shows_each_click_a_calm_page(
    practitioner, question_set, monkeypatch
):
    tabs = two_tabs(practitioner)
    checkin = draft_ready_to_send(tabs[0], question_set)
    review = step_url(checkin, "review")
    responses = at_once(
        [lambda tab=tab: tab.post(review) for tab in tabs],
        pause_in=checkin_views,
        name="get_checkin_for_user",
        monkeypatch=monkeypatch,
    )

    sent = reverse("practitioner:checkin_sent", args=[checkin.pk])
    assert [getattr(r, "status_code", r) for r in responses] == [302, 302]
    assert [r["Location"] for r in responses] == [sent, sent]
    monkeypatch.undo()
    pages = [tab.get(sent).content.decode() for tab in tabs]
    assert all(THANK_YOU in page for page in pages)
    assert sorted(alerts(page) for page in pages) == [[], ["Important"]]
    assert sum(ALREADY_SENT in page for page in pages) == 1
    assert CheckIn.objects.filter(user=practitioner, status=CheckIn.Status.SUBMITTED).count() == 1
    assert DimensionScore.objects.filter(checkin=checkin).count() == 7
