"""Private words sealed at rest: a database dump or backup shows none of them, keys rotate, and a missing or wrong
key stops with an error that names PRIVATE_WORDS_KEYS instead of showing a token as if it were words."""

from __future__ import annotations

import json
import subprocess
import sys
from contextlib import contextmanager
from io import StringIO
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from assessments.core.framework import PHASE_CHOICES
from assessments.core.steps import QUESTION_STEPS
from assessments.models import (
    CheckIn,
    MoveOutcome,
    MoveReview,
    PractitionerProfile,
    Reflection,
    ResilientMove,
    SupervisionNote,
)
from assessments.models.sealed import SealError, sealed_columns, sealed_length
from assessments.practitioner.moves import moves_choose
from tests.checkins import step_post, submit_checkin
from tests.sealed_rows import raw_value, sealed_under
from tests.server_env import app_process_env, production_env, settings_read

ROOT = Path(__file__).resolve().parents[2]
# Fixed, so every xdist worker collects the same test ids; they guard nothing.
OLD_KEY = "dGVzdHMtb25seS1hbi1vbGRlci13b3Jkcy1rZXktMzI="
NEW_KEY = "dGVzdHMtb25seS1hLW5ld2VyLXdvcmRzLWtleS0zMmI="

# One distinctive phrase per kind of private words, each typed into the real pages below.
WORDS = {
    "challenges": "The risk call with Bartholomew stayed with me all evening",
    "values": "Helping people feel heard, like Philomena did for me",
    "coping": "Walked by the Wensleydale river after clinic",
    "own_move": "Ask Gwendolyn to swap my Thursday late clinic",
    "review_note": "Gwendolyn said yes, and Thursday felt lighter",
    "supervision_from_profile": "Talk about Bartholomew and the risk paperwork",
    "supervision_own": "How to say no to a Saturday clinic with Ottoline",
}
# The made-up names in them: a dump must not hold even one word of what was written.
NAMES = ("Bartholomew", "Philomena", "Wensleydale", "Gwendolyn", "Ottoline")


def raw_dump() -> str:
    """Every cell of every table, as a database dump or a support query would show it."""
    cells = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            cells.extend(str(cell) for row in cursor.fetchall() for cell in row)
    return "\n".join(cells)


def step_url(checkin: CheckIn, slug: str) -> str:
    return reverse("practitioner:checkin_step", args=[checkin.pk, slug])


def check_in_through_the_pages(client, question_set, words: dict[str, str]) -> CheckIn:
    assert client.post(reverse("practitioner:checkin_begin")).status_code == 302
    checkin = CheckIn.objects.get(status=CheckIn.Status.DRAFT)
    for step in QUESTION_STEPS:
        extra = {"values": words["values"]} if step.asks_values else {}
        if step.closes_phase:
            extra["reflection"] = words.get(step.phase.slug, "")
        body = step_post(question_set, step.slug, 4, **extra)
        assert client.post(step_url(checkin, step.slug), body).status_code == 302
    assert client.post(step_url(checkin, "review")).status_code == 302
    checkin.refresh_from_db()
    assert checkin.is_submitted
    return checkin


def test_a_database_dump_after_a_check_in_moves_and_supervision_notes_holds_none_of_the_words(
    client, practitioner, question_set
):
    client.force_login(practitioner)
    sent = check_in_through_the_pages(client, question_set, WORDS)
    response = client.post(reverse("practitioner:moves_choose", args=[sent.pk]), {"own": WORDS["own_move"]})
    assert response.status_code == 302
    response = client.post(
        reverse("practitioner:supervision_add_from", args=[sent.pk]),
        {"phases": ["challenges"], "note": WORDS["supervision_from_profile"]},
    )
    assert response.status_code == 302
    client.post(reverse("practitioner:supervision_add"), {"note": WORDS["supervision_own"]})
    # The next check-in asks how the move went.
    client.post(reverse("practitioner:checkin_begin"))
    draft = CheckIn.objects.get(status=CheckIn.Status.DRAFT)
    move = ResilientMove.objects.get(user=practitioner)
    response = client.post(
        reverse("practitioner:moves_review", args=[draft.pk]),
        {f"outcome_{move.pk}": MoveOutcome.HELPED, f"note_{move.pk}": WORDS["review_note"]},
    )
    assert response.status_code == 302
    assert MoveReview.objects.get(move=move).note == WORDS["review_note"]

    dump = raw_dump().lower()
    for word in (*WORDS.values(), *NAMES):
        assert word.lower() not in dump, word
    assert "pw1." in raw_dump()  # the rows are there, as sealed tokens

    # The author still reads every word back: on the profile, the supervision list and in the export.
    profile = client.get(reverse("practitioner:checkin_detail", args=[sent.pk])).content.decode()
    assert WORDS["challenges"] in profile and WORDS["coping"] in profile and WORDS["values"] in profile
    supervision = client.get(reverse("practitioner:supervision")).content.decode()
    assert WORDS["supervision_own"] in supervision and WORDS["supervision_from_profile"] in supervision
    export = client.get(reverse("practitioner:export_json")).content.decode()
    for phrase in WORDS.values():
        assert json.dumps(phrase)[1:-1] in export


def test_words_written_under_the_old_key_stay_readable_are_resealed_and_then_need_only_the_new_key(
    client, practitioner, team, settings
):
    settings.PRIVATE_WORDS_KEYS = [OLD_KEY]
    checkin = submit_checkin(practitioner, team, reflections={"challenges": WORDS["challenges"]})
    (move,) = moves_choose(user=practitioner, checkin=checkin, catalogue_keys=[], own_text=WORDS["own_move"])
    reflection = Reflection.objects.get(checkin=checkin)
    before = raw_value(Reflection, reflection.pk, "text")
    assert sealed_under(before, OLD_KEY) and not sealed_under(before, NEW_KEY)

    settings.PRIVATE_WORDS_KEYS = [NEW_KEY, OLD_KEY]
    client.force_login(practitioner)
    assert WORDS["challenges"] in client.get(reverse("practitioner:checkin_detail", args=[checkin.pk])).content.decode()

    out = StringIO()
    call_command("reseal_private_words", "--batch-size", "1", stdout=out)
    assert "Reflection.text: 1 resealed, 0 already current." in out.getvalue()
    assert "ResilientMove.text: 1 resealed" in out.getvalue()
    after = raw_value(Reflection, reflection.pk, "text")
    assert after != before
    assert sealed_under(after, NEW_KEY) and not sealed_under(after, OLD_KEY)

    settings.PRIVATE_WORDS_KEYS = [NEW_KEY]
    assert WORDS["challenges"] in client.get(reverse("practitioner:checkin_detail", args=[checkin.pk])).content.decode()
    assert ResilientMove.objects.get(pk=move.pk).text == WORDS["own_move"]
    again = StringIO()
    call_command("reseal_private_words", stdout=again)
    assert "Reflection.text: 0 resealed, 1 already current." in again.getvalue()
    assert raw_value(Reflection, reflection.pk, "text") == after


def test_resealing_does_nothing_while_another_server_reseals(practitioner, team, settings, monkeypatch):
    settings.PRIVATE_WORDS_KEYS = [OLD_KEY]
    checkin = submit_checkin(practitioner, team, reflections={"challenges": WORDS["challenges"]})
    pk = Reflection.objects.get(checkin=checkin).pk
    before = raw_value(Reflection, pk, "text")
    settings.PRIVATE_WORDS_KEYS = [NEW_KEY, OLD_KEY]

    @contextmanager
    def held(job):
        yield False

    monkeypatch.setattr("assessments.management.commands.reseal_private_words.job_lock", held)
    out = StringIO()
    call_command("reseal_private_words", stdout=out)
    assert "Another server is resealing private words" in out.getvalue()
    assert raw_value(Reflection, pk, "text") == before


def test_a_wrong_key_stops_reading_with_an_error_naming_the_variable_and_never_shows_the_token(
    client, practitioner, team, settings
):
    checkin = submit_checkin(practitioner, team, reflections={"challenges": WORDS["challenges"]})
    pk = Reflection.objects.get(checkin=checkin).pk
    token = raw_value(Reflection, pk, "text")
    sealed_with = list(settings.PRIVATE_WORDS_KEYS)
    settings.PRIVATE_WORDS_KEYS = [NEW_KEY]

    with pytest.raises(SealError, match="PRIVATE_WORDS_KEYS") as raised:
        Reflection.objects.get(pk=pk).text  # noqa: B018 (opened when read)
    assert token not in str(raised.value)

    client.force_login(practitioner)
    client.raise_request_exception = False
    response = client.get(reverse("practitioner:checkin_detail", args=[checkin.pk]))
    assert response.status_code == 500
    assert token not in response.content.decode() and "pw1." not in response.content.decode()

    with pytest.raises(SystemCheckError, match="PRIVATE_WORDS_KEYS"):
        call_command("check", databases=["default"])
    with pytest.raises(CommandError, match="PRIVATE_WORDS_KEYS") as raised:
        call_command("reseal_private_words", stdout=StringIO())
    assert f"Reflection.text, id {pk}" in str(raised.value) and token not in str(raised.value)

    settings.PRIVATE_WORDS_KEYS = [NEW_KEY, *sealed_with]
    call_command("check", databases=["default"])  # the right key back: every check passes


@pytest.mark.parametrize("old_rows", ["oldest", "between"])
def test_the_start_up_check_opens_older_rows_not_only_the_newest(practitioner, team, settings, old_rows):
    """A key set that opens the newest row but not older ones fails the check at start-up, naming the column."""
    checkin = submit_checkin(practitioner, team)
    phases = [phase for phase, _ in PHASE_CHOICES]
    assert len(phases) >= 3
    under_old = {"oldest": phases[:2], "between": phases[1:2]}[old_rows]
    for phase in phases:
        settings.PRIVATE_WORDS_KEYS = [OLD_KEY] if phase in under_old else [NEW_KEY]
        Reflection.objects.create(checkin=checkin, phase=phase, text=WORDS["challenges"])
    pks = Reflection.objects.order_by("pk").values_list("pk", flat=True)
    assert sealed_under(raw_value(Reflection, pks.last(), "text"), NEW_KEY)  # the newest opens
    first_old = pks.filter(phase__in=under_old).first()

    settings.PRIVATE_WORDS_KEYS = [NEW_KEY]  # the old key removed before the rows were resealed
    with pytest.raises(SystemCheckError, match="PRIVATE_WORDS_KEYS") as raised:
        call_command("check", databases=["default"])
    assert f"The private words in Reflection.text (id {first_old}) cannot be opened" in str(raised.value)

    settings.PRIVATE_WORDS_KEYS = [NEW_KEY, OLD_KEY]
    call_command("check", databases=["default"])  # both keys: every row opens


def start_up(tmp_path, **variables: str) -> subprocess.CompletedProcess:
    """A real start-up of the app in a new process, with DEBUG off."""
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=app_process_env(production_env(tmp_path, **variables)),
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize(
    "keys, message",
    [
        ("", "PRIVATE_WORDS_KEYS must be set when DEBUG is off"),
        ("not-a-key", "PRIVATE_WORDS_KEYS entry 1 is not a Fernet key"),
        (f"{NEW_KEY},{NEW_KEY[:-4]}", "PRIVATE_WORDS_KEYS entry 2 is not a Fernet key"),
        (f"{NEW_KEY},{NEW_KEY}", "PRIVATE_WORDS_KEYS names the same key twice"),
    ],
)
def test_a_missing_or_malformed_key_in_production_stops_start_up_naming_the_variable(tmp_path, keys, message):
    with pytest.raises(ImproperlyConfigured, match=f"^{message}"):
        settings_read(production_env(tmp_path, PRIVATE_WORDS_KEYS=keys))


def test_the_words_keys_cannot_be_the_secret_key(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="^PRIVATE_WORDS_KEYS must not contain SECRET_KEY"):
        settings_read(production_env(tmp_path, SECRET_KEY=NEW_KEY, PRIVATE_WORDS_KEYS=NEW_KEY))


@pytest.mark.slow
def test_production_starts_with_a_good_key(tmp_path):
    assert settings_read(production_env(tmp_path, PRIVATE_WORDS_KEYS=f"{NEW_KEY},{OLD_KEY}")).PRIVATE_WORDS_KEYS == [
        NEW_KEY,
        OLD_KEY,
    ]
    started = start_up(tmp_path, PRIVATE_WORDS_KEYS=f"{NEW_KEY},{OLD_KEY}")  # and the whole app, in a new process
    assert started.returncode == 0, started.stderr


def test_a_laptop_without_the_variable_gets_one_key_generated_once_into_a_private_file(tmp_path):
    from resilience_site.settings import _development_words_key

    path = tmp_path / ".private_words_key"
    first = _development_words_key(path)
    assert _development_words_key(path) == first
    Fernet(first)  # a usable key
    assert path.stat().st_mode & 0o777 == 0o600
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_sealed_fields_cannot_be_filtered_on_rather_than_quietly_matching_nothing(db):
    with pytest.raises(FieldError, match="sealed"):
        list(Reflection.objects.filter(text="anything"))
    with pytest.raises(FieldError, match="sealed"):
        list(SupervisionNote.objects.exclude(note__icontains="anything"))


def test_no_model_orders_indexes_or_constrains_on_a_sealed_field():
    sealed = {(c.table, c.column) for c in sealed_columns()}
    assert {label.split(".")[0] for label in (c.label for c in sealed_columns())} == {
        "Reflection",
        "PractitionerProfile",
        "ResilientMove",
        "MoveReview",
        "SupervisionNote",
    }
    for model in apps.get_models():
        names = {f.name for f in model._meta.concrete_fields if (model._meta.db_table, f.column) in sealed}
        ordering = {o.lstrip("-") for o in model._meta.ordering if isinstance(o, str)}
        indexed = {f for index in model._meta.indexes for f in index.fields}
        constrained = {f for c in model._meta.constraints for f in getattr(c, "fields", ())}
        assert not names & (ordering | indexed | constrained), model


def test_the_longest_move_in_four_byte_characters_fits_its_sealed_column(practitioner, team):
    checkin = submit_checkin(practitioner, team)
    longest = "🌱" * ResilientMove._meta.get_field("text").max_length
    (move,) = moves_choose(user=practitioner, checkin=checkin, catalogue_keys=[], own_text=longest)
    assert ResilientMove.objects.get(pk=move.pk).text == longest
    assert len(raw_value(ResilientMove, move.pk, "text")) <= sealed_length(200)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_migrations_seal_then_bind_words_already_stored_and_going_back_opens_them(question_set):
    before, sealed = [("assessments", "0005_question_reverse_keyed")], [("assessments", "0007_seal_private_words")]
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(before)
        old = MigrationExecutor(connection).loader.project_state(before).apps
        user = old.get_model("auth", "User").objects.create(username="pre-seal")
        team = old.get_model("assessments", "Team").objects.create(
            service=old.get_model("assessments", "Service").objects.create(name="Old service"), name="Old team"
        )
        checkin = old.get_model("assessments", "CheckIn").objects.create(
            user_id=user.pk, team_id=team.pk, question_set_id=question_set.pk
        )
        reflection = old.get_model("assessments", "Reflection").objects.create(
            checkin_id=checkin.pk, phase="challenges", text=WORDS["challenges"]
        )
        old.get_model("assessments", "PractitionerProfile").objects.create(user_id=user.pk, values=WORDS["values"])
        move = old.get_model("assessments", "ResilientMove").objects.create(user_id=user.pk, text=WORDS["own_move"])
        old.get_model("assessments", "MoveReview").objects.create(move_id=move.pk, outcome="helped", note="")
        call_command("check", databases=["default"])  # plain words before the migration are not a wrong key

        executor = MigrationExecutor(connection)
        executor.migrate(sealed)
        assert WORDS["challenges"] not in raw_dump() and WORDS["own_move"] not in raw_dump()
        first_format = raw_value(Reflection, reflection.pk, "text")

        # Binding (0017) gives every row its identity and leaves the words in the first format, which still open.
        MigrationExecutor(connection).migrate(leaves)
        assert raw_value(Reflection, reflection.pk, "text") == first_format
        assert Reflection.objects.get(pk=reflection.pk).text == WORDS["challenges"]
        assert PractitionerProfile.objects.get(user_id=user.pk).values == WORDS["values"]
        assert ResilientMove.objects.get(pk=move.pk).text == WORDS["own_move"]
        assert MoveReview.objects.get(move_id=move.pk).note == ""  # nothing written stays empty
        warned = StringIO()
        call_command("check", databases=["default"], stderr=warned)  # a warning, not an error
        assert "assessments.W002" in warned.getvalue() and "reseal_private_words" in warned.getvalue()
        call_command("reseal_private_words", stdout=StringIO())
        assert raw_value(Reflection, reflection.pk, "text").startswith("pw1.")
        assert Reflection.objects.get(pk=reflection.pk).text == WORDS["challenges"]
        warned = StringIO()
        call_command("check", databases=["default"], stderr=warned)
        assert "assessments.W002" not in warned.getvalue()

        # Going back reseals the bound words in the first format (0017), then opens them (0007).
        MigrationExecutor(connection).migrate(before)
        assert raw_value(Reflection, reflection.pk, "text") == WORDS["challenges"]
        assert raw_value(ResilientMove, move.pk, "text") == WORDS["own_move"]
    finally:
        MigrationExecutor(connection).migrate(leaves)


def test_an_administrator_deleting_an_account_is_not_shown_the_persons_own_words(
    client, admin_user, practitioner, team
):
    """The admin's "are you sure?" page lists everything the deletion takes, by each object's name."""
    checkin = submit_checkin(practitioner, team, reflections={"challenges": WORDS["challenges"]})
    moves_choose(user=practitioner, checkin=checkin, catalogue_keys=[], own_text=WORDS["own_move"])
    client.force_login(admin_user)
    page = client.get(reverse("admin:auth_user_delete", args=[practitioner.pk])).content.decode()
    assert "Resilient move" in page
    assert WORDS["own_move"] not in page and WORDS["challenges"] not in page
