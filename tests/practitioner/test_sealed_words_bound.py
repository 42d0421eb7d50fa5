"""Sealed words are bound to their row and column (docs/adr/0008): someone with write access to the database
who copies one person's sealed words into another person's row, or into another column, gets nothing shown; a copy
of the database shows neither when the words were saved nor their rough length; words of the first format (Fernet)
still open until `reseal_private_words` moves them over."""

from __future__ import annotations

import base64
import json
import logging
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import transaction
from django.urls import reverse

from assessments.core.framework import PHASE_CHOICES
from assessments.models import PractitionerProfile, Reflection, SupervisionNote
from assessments.models.seal_format import BUCKETS, PREFIX, SealError
from assessments.practitioner.supervision import supervision_mark
from tests.checkins import submit_checkin
from tests.sealed_rows import raw_set, raw_value, sealed_under, write_first_format

OLD_KEY = "dGVzdHMtb25seS1hbi1vbGRlci13b3Jkcy1rZXktMzI="
NEW_KEY = "dGVzdHMtb25seS1hLW5ld2VyLXdvcmRzLWtleS0zMmI="
WANDAS = "Wanda's worst day: the Hollingsworth risk call"
PATS = "Pat's own words about a quiet Tuesday"


def pages(client, checkin) -> str:
    """What the author can read of a check-in: its profile page and the export of everything held about them."""
    profile = client.get(reverse("practitioner:checkin_detail", args=[checkin.pk]))
    export = client.get(reverse("practitioner:export_json"))
    assert profile.status_code == 200 and export.status_code == 200
    return profile.content.decode() + json.dumps(json.loads(export.content))


@pytest.fixture
def pat_and_wanda(client, practitioner, teammate, team):
    """Pat (the practitioner) and Wanda (a teammate), each with a sent check-in and a reflection; Pat signed in."""
    pats = submit_checkin(practitioner, team, reflections={"challenges": PATS})
    wandas = submit_checkin(teammate, team, reflections={"challenges": WANDAS})
    client.force_login(practitioner)
    assert PATS in pages(client, pats)
    return pats, wandas


def test_wandas_words_copied_into_pats_check_in_are_not_shown_to_pat(client, pat_and_wanda, caplog):
    pats, wandas = pat_and_wanda
    pat_row, wanda_row = Reflection.objects.get(checkin=pats), Reflection.objects.get(checkin=wandas)
    token = raw_value(Reflection, wanda_row.pk, "text")
    raw_set(Reflection, pat_row.pk, "text", token)

    with caplog.at_level(logging.WARNING, logger="assessments.models.sealed"):
        shown = pages(client, pats)
    assert WANDAS not in shown and PATS not in shown and token not in shown and PREFIX not in shown
    warned = [r.getMessage() for r in caplog.records if "sealed for another row or column" in r.getMessage()]
    assert warned and f"Reflection.text (id {pat_row.pk})" in warned[0]
    assert WANDAS not in caplog.text and token not in caplog.text

    # Resealing leaves it as it is and says so; Wanda still reads her own words.
    out = StringIO()
    call_command("reseal_private_words", stdout=out)
    assert "Reflection.text: 0 resealed, 1 already current. 1 sealed for another row or column" in out.getvalue()
    assert "look into them (the log names each row) before removing an older key" in out.getvalue()
    assert raw_value(Reflection, pat_row.pk, "text") == token
    assert Reflection.objects.get(pk=wanda_row.pk).text == WANDAS


def test_wandas_whole_row_moved_into_pats_check_in_is_not_shown_to_pat(client, pat_and_wanda):
    """Moving the row, identity and all, changes its owner: the words were sealed for Wanda's check-in."""
    pats, wandas = pat_and_wanda
    Reflection.objects.filter(checkin=pats).delete()
    wanda_row = Reflection.objects.get(checkin=wandas)
    raw_set(Reflection, wanda_row.pk, "checkin_id", pats.pk)
    assert Reflection.objects.get(checkin=pats).pk == wanda_row.pk
    assert WANDAS not in pages(client, pats)


def test_wandas_words_copied_with_her_rows_identity_are_not_shown_to_pat(client, pat_and_wanda):
    pats, wandas = pat_and_wanda
    pat_row, wanda_row = Reflection.objects.get(checkin=pats), Reflection.objects.get(checkin=wandas)
    identity = raw_value(Reflection, wanda_row.pk, "sealed_id")
    raw_set(Reflection, wanda_row.pk, "sealed_id", "0" * 32)  # the identity is unique: free it first
    raw_set(Reflection, pat_row.pk, "sealed_id", identity)
    raw_set(Reflection, pat_row.pk, "text", raw_value(Reflection, wanda_row.pk, "text"))
    assert WANDAS not in pages(client, pats)


def test_words_copied_into_another_column_or_another_row_of_the_same_person_do_not_open(
    client, practitioner, team, settings
):
    reflections = {phase: f"{phase}: words for this phase only" for phase, _ in PHASE_CHOICES}
    checkin = submit_checkin(practitioner, team, reflections=reflections)
    profile = PractitionerProfile.objects.create(user=practitioner, values="Kindness, and being useful")
    (note,) = supervision_mark(user=practitioner, checkin=None, note="My own note")
    client.force_login(practitioner)
    rows = {r.phase: r for r in Reflection.objects.filter(checkin=checkin)}
    challenges = raw_value(Reflection, rows["challenges"].pk, "text")

    raw_set(PractitionerProfile, profile.pk, "values", challenges)  # another table and column, same person
    raw_set(SupervisionNote, note.pk, "note", challenges)
    (other_phase, row), *_ = [(p, r) for p, r in rows.items() if p != "challenges"]
    raw_set(Reflection, row.pk, "text", challenges)  # the same column, another row of the same check-in

    shown = pages(client, checkin) + client.get(reverse("practitioner:supervision")).content.decode()
    assert shown.count(reflections["challenges"]) == 2  # the real one, on the page and in the export; no copy
    assert reflections[other_phase] not in shown
    assert "Kindness" not in shown and "My own note" not in shown


def test_a_token_holds_no_timestamp_and_shows_only_which_size_the_words_are(practitioner, team):
    checkin = submit_checkin(practitioner, team)

    def token_for(words: str) -> str:
        row = Reflection.objects.create(checkin=checkin, phase=PHASE_CHOICES[len(token_for.made)][0], text=words)
        token_for.made.append(row)
        return raw_value(Reflection, row.pk, "text")

    token_for.made = []  # type: ignore[attr-defined]
    short, longer, long = token_for("ok"), token_for("x" * (BUCKETS[0] - 1)), token_for("x" * BUCKETS[0])

    now = int(time.time())
    for token in (short, longer, long):
        assert token.startswith(PREFIX)
        body = base64.urlsafe_b64decode(token[len(PREFIX) :])
        for at in range(len(body) - 7):  # Fernet keeps the time as 8 bytes, big-endian, after its version byte
            assert abs(int.from_bytes(body[at : at + 8], "big") - now) > 10**9, f"a timestamp at byte {at}"

    assert len(short) == len(longer) < len(long)  # one bucket: the same length whatever the words' length


def test_words_of_the_first_format_still_open_and_reseal_moves_them_under_the_new_key(
    client, practitioner, team, settings
):
    checkin = submit_checkin(practitioner, team, reflections={"challenges": PATS})
    row = Reflection.objects.get(checkin=checkin)
    old = write_first_format(Reflection, row.pk, "text", PATS, OLD_KEY)
    settings.PRIVATE_WORDS_KEYS = [NEW_KEY, OLD_KEY]
    client.force_login(practitioner)
    assert PATS in pages(client, checkin)

    dry = StringIO()
    call_command("reseal_private_words", "--dry-run", stdout=dry)
    assert "Reflection.text: 1 to reseal, 0 already current." in dry.getvalue()
    assert "Nothing was changed" in dry.getvalue() and raw_value(Reflection, row.pk, "text") == old

    out = StringIO()
    call_command("reseal_private_words", stdout=out)
    assert "Reflection.text: 1 resealed, 0 already current." in out.getvalue()
    after = raw_value(Reflection, row.pk, "text")
    assert after.startswith(PREFIX) and sealed_under(after, NEW_KEY) and not sealed_under(after, OLD_KEY)
    settings.PRIVATE_WORDS_KEYS = [NEW_KEY]  # the old key can go
    assert PATS in pages(client, checkin)

    # With the old key gone, first-format words from before (copied in from a backup, say) no longer open at all.
    write_first_format(Reflection, row.pk, "text", WANDAS, OLD_KEY)
    with pytest.raises(SealError, match="PRIVATE_WORDS_KEYS"):
        Reflection.objects.get(pk=row.pk).text  # noqa: B018 (opened when read)


def test_the_start_up_check_catches_an_old_first_format_row_whose_key_is_gone(practitioner, team, settings):
    checkin = submit_checkin(practitioner, team, reflections={phase: "words" for phase, _ in PHASE_CHOICES})
    oldest = Reflection.objects.filter(checkin=checkin).order_by("pk").first()
    write_first_format(Reflection, oldest.pk, "text", "words", OLD_KEY)
    settings.PRIVATE_WORDS_KEYS = [*settings.PRIVATE_WORDS_KEYS, OLD_KEY]
    warned = StringIO()
    call_command("check", databases=["default"], stderr=warned)
    assert f"Reflection.text (id {oldest.pk}) are still sealed in the first format" in warned.getvalue()

    settings.PRIVATE_WORDS_KEYS = settings.PRIVATE_WORDS_KEYS[:-1]
    with pytest.raises(SystemCheckError, match="PRIVATE_WORDS_KEYS") as raised:
        call_command("check", databases=["default"])
    assert f"The private words in Reflection.text (id {oldest.pk}) cannot be opened" in str(raised.value)


def test_a_sealed_field_cannot_be_written_by_update_which_does_not_know_the_row(practitioner, team):
    from django.core.exceptions import FieldError

    checkin = submit_checkin(practitioner, team, reflections={"challenges": PATS})
    with pytest.raises(FieldError, match="written by saving the object"), transaction.atomic():
        Reflection.objects.filter(checkin=checkin).update(text="unbound words")
    assert Reflection.objects.get(checkin=checkin).text == PATS
