"""The action cycle: who may record, change and close an action, each status move, its history, the suggestions,
and which actions reach a practitioner's home page."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.core.periods import add_months
from assessments.core.periods import latest_shown_period as shown_period
from assessments.leads.action_library import LIBRARY_BY_KEY
from assessments.leads.team_actions import TRANSITIONS, team_action_move
from assessments.models import Membership, Role, SummaryAccess, TeamAction, TeamActionEvent
from tests.actions import make_action
from tests.admin_forms import admin_form
from tests.cast import make_user
from tests.checkins import shown_moment, submit_checkin
from tests.world import people_in, spread

Status = TeamAction.Status


def an_action(team, lead, **extra) -> TeamAction:
    return make_action(lead, team, **extra)


def a_service_action(service, service_lead) -> TeamAction:
    return make_action(
        service_lead,
        service=service,
        dimension="systemic_pressures",
        description="A caseload ceiling for every team",
        owner="Operations manager",
    )


def moved_to(action: TeamAction, status: str) -> TeamAction:
    """The action put into `status` through allowed moves, by its creator."""
    path = {
        Status.PLANNED: [],
        Status.UNDER_WAY: [Status.UNDER_WAY],
        Status.DONE: [Status.DONE],
        Status.STOPPED: [Status.STOPPED],
    }[status]
    for step in path:
        action = team_action_move(action=action, by=action.created_by, status=step)
    return action


ALL_MOVES = [(a, b) for a in Status.values for b in Status.values if a != b]


@pytest.mark.parametrize("start, target", ALL_MOVES)
def test_every_status_move_is_allowed_or_refused_as_the_cycle_says(client, lead, team, start, target):
    action = moved_to(an_action(team, lead), start)
    events_before = action.events.count()
    client.force_login(lead)
    response = client.post(reverse("leads:action_status", args=[action.pk]), {"status": target})
    action.refresh_from_db()
    if target in TRANSITIONS[start]:
        assert response.status_code == 302
        assert action.status == target
        assert (action.closed_at is not None) is (target in (Status.DONE, Status.STOPPED))
        last = action.events.last()
        assert (last.field, last.actor_username) == (TeamActionEvent.Field.STATUS, "leah")
        assert (last.before, last.after) == (Status(start).label, Status(target).label)
    else:
        assert response.status_code == 400
        assert "Please choose one of the statuses listed." in response.content.decode()
        assert action.status == start and action.events.count() == events_before


def test_closing_an_action_and_opening_it_again_is_all_in_its_history(client, lead, team):
    action = an_action(team, lead)
    client.force_login(lead)
    for status in (Status.UNDER_WAY, Status.DONE, Status.UNDER_WAY, Status.STOPPED):
        assert client.post(reverse("leads:action_status", args=[action.pk]), {"status": status}).status_code == 302
    html = client.get(reverse("leads:action_detail", args=[action.pk])).content.decode()
    assert [e.after for e in action.events.all()] == ["Planned", "Under way", "Done", "Under way", "Stopped"]
    assert "Status: Planned → Under way" in html and "Status: Done → Under way" in html
    assert "Recorded the action." in html


@pytest.mark.parametrize(
    "who, may",
    [
        ("lead", True),
        ("service_lead", True),
        ("admin_user", True),
        ("other_lead", False),
        ("practitioner", False),
        ("outsider", False),
    ],
)
def test_who_may_move_a_teams_action(client, request, lead, team, who, may):
    action = an_action(team, lead)
    client.force_login(request.getfixturevalue(who))
    response = client.post(reverse("leads:action_status", args=[action.pk]), {"status": Status.UNDER_WAY})
    action.refresh_from_db()
    assert response.status_code == (302 if may else 404)
    assert action.status == (Status.UNDER_WAY if may else Status.PLANNED)


@pytest.mark.parametrize(
    "who, reads, may",
    [
        ("service_lead", True, True),
        ("admin_user", True, True),
        ("lead", True, False),
        ("other_lead", True, False),
        ("practitioner", False, False),
    ],
)
def test_a_services_action_is_read_by_its_team_leads_and_moved_on_by_its_service_leads(
    client, request, service, service_lead, team, other_team, who, reads, may
):
    if who in ("lead", "other_lead"):
        request.getfixturevalue(who)
    action = a_service_action(service, service_lead)
    client.force_login(request.getfixturevalue(who))
    detail = client.get(reverse("leads:action_detail", args=[action.pk]))
    assert detail.status_code == (200 if reads else 404)
    if reads and not may:
        assert "its service leads move it on" in detail.content.decode()
    response = client.post(reverse("leads:action_status", args=[action.pk]), {"status": Status.UNDER_WAY})
    edit = client.get(reverse("leads:action_edit", args=[action.pk]))
    assert (response.status_code, edit.status_code) == ((302, 200) if may else (404, 404))
    action.refresh_from_db()
    assert action.status == (Status.UNDER_WAY if may else Status.PLANNED)


def test_editing_an_action_keeps_who_changed_what_and_when(client, lead, team):
    action = an_action(team, lead)
    client.force_login(lead)
    response = client.post(
        reverse("leads:action_edit", args=[action.pk]),
        {"provision": "", "description": "A peer group every week", "owner": "Sam", "review_on": "2026-05-01"},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.description, action.owner, action.review_on) == ("A peer group every week", "Sam", date(2026, 5, 1))
    changes = {e.field: (e.before, e.after) for e in action.events.exclude(field=TeamActionEvent.Field.CREATED)}
    assert changes == {
        "description": ("A peer group every fortnight", "A peer group every week"),
        "owner": ("Dana", "Sam"),
        "review_on": ("1 April 2026", "1 May 2026"),
    }
    html = client.get(reverse("leads:action_detail", args=[action.pk])).content.decode()
    assert "Who owns it: Dana → Sam" in html and "leah" in html


def test_saving_the_edit_form_unchanged_keeps_the_dates_and_records_no_change(client, lead, team):
    action = an_action(team, lead, starts_on=date(2026, 1, 5), review_on=date(2027, 1, 5))
    client.force_login(lead)
    url = reverse("leads:action_edit", args=[action.pk])
    as_shown = admin_form(client, url)
    assert as_shown["review_on"] == "2027-01-05"
    response = client.post(url, as_shown)
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.review_on == date(2027, 1, 5)
    assert not action.events.exclude(field=TeamActionEvent.Field.CREATED).exists()


def test_an_edit_with_a_bad_date_changes_nothing_and_says_why(client, lead, team):
    action = an_action(team, lead)
    client.force_login(lead)
    response = client.post(
        reverse("leads:action_edit", args=[action.pk]),
        {"description": "Changed", "owner": "", "review_on": "not a date"},
    )
    assert response.status_code == 400
    action.refresh_from_db()
    assert action.description == "A peer group every fortnight" and action.events.count() == 1


def test_an_action_on_an_individual_dimension_is_through_what_the_service_provides(client, lead, team):
    client.force_login(lead)
    form = client.get(reverse("leads:team_action_add", args=[team.pk])).content.decode()
    assert "these actions are the service's to deliver, not the team's to try harder" in form.replace("&#x27;", "'")
    response = client.post(
        reverse("leads:team_action_add", args=[team.pk]),
        {
            "dimension": "individual_challenges",
            "provision": "preceptorship",
            "description": "A named preceptor for every newly qualified PWP",
            "owner": "Clinical lead",
            "starts_on": "2026-01-05",
            "review_on": "2026-07-01",
        },
    )
    assert response.status_code == 302
    action = TeamAction.objects.get()
    assert (action.dimension, action.provision) == ("individual_challenges", "preceptorship")
    assert "The service provides: Preceptorship" in client.get(response["Location"]).content.decode()


def test_a_systemic_action_cannot_carry_a_provision_and_a_review_cannot_come_before_the_start(client, lead, team):
    client.force_login(lead)
    response = client.post(
        reverse("leads:team_action_add", args=[team.pk]),
        {
            "dimension": "systemic_support",
            "provision": "training",
            "description": "Supervision",
            "owner": "Dana",
            "starts_on": "2026-03-01",
            "review_on": "2026-02-01",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400 and not TeamAction.objects.exists()
    assert "Leave this as “Nothing” for a part the service runs." in html
    assert "The review date must be on or after the date the action starts." in html


def test_a_lead_starts_an_action_from_a_suggestion_in_one_step(client, lead, team):
    client.force_login(lead)
    form = client.get(reverse("leads:team_action_add", args=[team.pk])).content.decode()
    suggestion = LIBRARY_BY_KEY["protected_supervision"]
    url = reverse("leads:team_action_suggested", args=[team.pk, suggestion.key])
    assert f'action="{url}"' in form
    response = client.post(url)
    action = TeamAction.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("leads:action_edit", args=[action.pk])
    today = timezone.localdate()
    assert (action.team, action.dimension, action.description, action.suggestion) == (
        team,
        "systemic_support",
        str(suggestion.description),
        "protected_supervision",
    )
    assert (action.status, action.owner, action.starts_on, action.review_on) == (
        Status.PLANNED,
        "Leah",
        today,
        add_months(today, 3),
    )


def test_a_service_lead_starts_a_service_action_for_every_team_and_an_unknown_suggestion_is_404(
    client, service, service_lead
):
    client.force_login(service_lead)
    assert client.post(reverse("leads:service_action_suggested", args=[service.pk, "no-such"])).status_code == 404
    response = client.post(reverse("leads:service_action_suggested", args=[service.pk, "preceptorship"]))
    action = TeamAction.objects.get()
    assert response.status_code == 302
    assert action.team is None and action.service == service and action.provision == "preceptorship"


def test_only_open_actions_reach_the_home_page_and_a_services_action_reaches_every_team(
    client, lead, service_lead, service, team, other_team, practitioner
):
    elsewhere = make_user("uma")
    Membership.objects.create(user=elsewhere, team=other_team, role=Role.PRACTITIONER)
    planned = an_action(team, lead, description="Planned for the North team")
    under_way = moved_to(an_action(team, lead, description="Under way for the North team"), Status.UNDER_WAY)
    done = moved_to(an_action(team, lead, description="Done for the North team"), Status.DONE)
    stopped = moved_to(an_action(team, lead, description="Stopped for the North team"), Status.STOPPED)
    for_all = a_service_action(service, service_lead)
    client.force_login(practitioner)
    home = client.get(reverse("site:home")).content.decode()
    for shown in (planned, under_way, for_all):
        assert shown.description in home
    for hidden in (done, stopped):
        assert hidden.description not in home
    client.force_login(elsewhere)
    home = client.get(reverse("site:home")).content.decode()
    assert for_all.description in home and planned.description not in home


def test_the_service_page_lists_every_teams_actions_and_the_team_page_its_own_and_the_services(
    client, lead, other_lead, service_lead, service, team, other_team
):
    north = an_action(team, lead, description="The North team action")
    south = an_action(other_team, other_lead, description="The South team action")
    closed = moved_to(an_action(team, lead, description="The finished North team action"), Status.DONE)
    for_all = a_service_action(service, service_lead)
    client.force_login(service_lead)
    page = client.get(reverse("leads:service_summary", args=[service.pk, shown_period().key])).content.decode()
    for action in (north, south, closed, for_all):
        assert reverse("leads:action_detail", args=[action.pk]) in page
    assert "1 closed action" in page and "Every team of the service" in page
    client.force_login(lead)
    page = client.get(reverse("leads:team_summary", args=[team.pk, shown_period().key])).content.decode()
    assert north.description in page and for_all.description in page and south.description not in page


def test_an_open_action_past_its_review_date_says_it_is_due(client, lead, team):
    due = an_action(team, lead, description="Due", review_on=timezone.localdate())
    later = an_action(team, lead, description="Later", review_on=add_months(timezone.localdate(), 2))
    client.force_login(lead)
    assert "review due" in client.get(reverse("leads:action_detail", args=[due.pk])).content.decode()
    assert "review due" not in client.get(reverse("leads:action_detail", args=[later.pk])).content.decode()
    moved_to(due, Status.DONE)
    assert "review due" not in client.get(reverse("leads:action_detail", args=[due.pk])).content.decode()


def test_reading_an_action_is_recorded_as_reading_the_teams_figures(client, lead, team):
    action = an_action(team, lead)
    client.force_login(lead)
    client.get(reverse("leads:action_detail", args=[action.pk]))
    assert SummaryAccess.objects.filter(user=lead, team=team, period=shown_period().key).count() == 1


def test_each_hotspot_links_to_the_suggestion_that_answers_its_statement(client, lead, team, question_set):
    # Referrals that do not fit drive the pressure; colleagues to turn to drive the low support.
    for i, person in enumerate(people_in(team, 12)):
        answers = spread({"systemic_pressures": 4, "systemic_support": 2}, i, 12)
        default = answers.pop("default")
        mostly = {"sp_fit": 5, "ss_peers": 1} if i < 8 else {"sp_fit": 2, "ss_peers": 4}
        submit_checkin(person, team, {**answers, **mostly}, default=default, when=shown_moment())
    client.force_login(lead)
    html = client.get(reverse("leads:team_summary", args=[team.pk, shown_period().key])).content.decode()
    add = reverse("leads:team_action_add", args=[team.pk])
    assert "did not fit what our service can offer" in html
    assert f'href="{add}#suggestion-referral_fit"' in html
    assert f'href="{add}#suggestion-peer_network"' in html
    assert "#suggestions-systemic_pressures" not in html
    page = client.get(add).content.decode()
    assert 'id="suggestion-referral_fit"' in page and 'id="suggestion-peer_network"' in page


@pytest.mark.parametrize("moves", [1, 12])
def test_an_actions_page_uses_the_same_number_of_queries_however_long_its_history(
    client, lead, team, moves, django_assert_num_queries
):
    action = an_action(team, lead)
    for i in range(moves):
        status = Status.UNDER_WAY if i % 2 == 0 else Status.DONE
        action = team_action_move(action=action, by=lead, status=status)
    client.force_login(lead)
    client.get(reverse("leads:action_detail", args=[action.pk]))  # the first read publishes the periods
    # The session, the user, the action (with its access check), whether this lead may change it, the published
    # figures, the audit row and the history.
    with django_assert_num_queries(7):
        assert client.get(reverse("leads:action_detail", args=[action.pk])).status_code == 200


@pytest.mark.parametrize("count", [1, 8])
def test_the_home_page_uses_the_same_number_of_queries_however_many_actions_and_answers(
    client, lead, team, practitioner, count, django_assert_num_queries
):
    for i in range(count):
        action = an_action(team, lead, description=f"Action {i}")
        client.force_login(practitioner)
        client.post(reverse("site:action_voice", args=[action.pk]), {"answer": "yes"})
    # The home page without actions (tests/practitioner/test_checkin_flow.py: the session, the user, the teams, the
    # draft, the newest sent check-in, the profile, the moves, the team and service), and the actions, this
    # person's answers to them and when they joined each team (only those there when an action started are asked),
    # one query each.
    with django_assert_num_queries(12):
        html = client.get(reverse("site:home")).content.decode()
    assert html.count("You said yes for") == count
