"""Bind private words to their place (issue 27, docs/adr/0008): each row holding sealed words gets a random identity
(`sealed_id`), and the sealed fields name their owner, so words sealed from now on open only in their own table,
column, row and owner's row. The sealed CharField columns widen for the padded tokens.

Words already stored stay in the first format (Fernet) and still open; `manage.py reseal_private_words` moves them to
the new one (the start-up check warns until it has, assessments.W002).

Reversible: going back reseals every row of the new format in the first format (the previous release reads only
that), then drops the identities. The previous release cannot read the new format, so stop every app server for
this upgrade rather than restarting them one at a time.
"""

import uuid

from django.db import migrations, models

import assessments.models.sealed
from assessments.models.seal_format import Misplaced, fernet_seal, is_first_format, place, unseal

# (model, field, owner) of every sealed field, as they are at this migration.
SEALED = [
    ("reflection", "text", "checkin"),
    ("practitionerprofile", "values", "user"),
    ("resilientmove", "text", "user"),
    ("movereview", "note", "move"),
    ("supervisionnote", "note", "user"),
]

BATCH = 1000


def give_each_row_an_identity(apps, schema_editor):
    for model_name in {model_name for model_name, _, _ in SEALED}:
        model = apps.get_model("assessments", model_name)
        while pks := list(model.objects.filter(sealed_id__isnull=True).values_list("pk", flat=True)[:BATCH]):
            for pk in pks:
                model.objects.filter(pk=pk).update(sealed_id=uuid.uuid4())


def back_to_the_first_format(apps, schema_editor):
    """Reseal every new-format token as Fernet, in raw SQL (the historical models would seal and open themselves).
    Words sealed for another place cannot be opened anywhere, so they are cleared."""
    connection = schema_editor.connection
    q = connection.ops.quote_name
    for model_name, field_name, owner_name in SEALED:
        meta = apps.get_model("assessments", model_name)._meta
        table, pk, column = meta.db_table, meta.pk.column, meta.get_field(field_name).column
        row, owner = meta.get_field("sealed_id").column, meta.get_field(owner_name).column
        last = 0
        while True:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT {q(pk)}, {q(row)}, {q(owner)}, {q(column)} FROM {q(table)} "
                    f"WHERE {q(pk)} > %s AND {q(column)} <> '' ORDER BY {q(pk)} LIMIT %s",
                    [last, BATCH],
                )
                rows = cursor.fetchall()
                if not rows:
                    break
                last = rows[-1][0]
                changed = []
                for row_pk, row_id, owner_id, token in rows:
                    if is_first_format(token):
                        continue
                    try:
                        words = fernet_seal(unseal(token, place(table, column, row_id, owner_id)))
                    except Misplaced:
                        words = ""
                    changed.append((words, row_pk))
                cursor.executemany(f"UPDATE {q(table)} SET {q(column)} = %s WHERE {q(pk)} = %s", changed)


def sealed_id(**kwargs):
    return models.UUIDField(editable=False, **kwargs)


class Migration(migrations.Migration):

    dependencies = [
        ("assessments", "0016_summary_entry_answered"),
    ]

    operations = [
        *[
            migrations.AddField(model_name=model_name, name="sealed_id", field=sealed_id(null=True))
            for model_name in ("reflection", "practitionerprofile", "resilientmove", "movereview", "supervisionnote")
        ],
        migrations.RunPython(give_each_row_an_identity, migrations.RunPython.noop),
        *[
            migrations.AlterField(
                model_name=model_name, name="sealed_id", field=sealed_id(default=uuid.uuid4, unique=True)
            )
            for model_name in ("reflection", "practitionerprofile", "resilientmove", "movereview", "supervisionnote")
        ],
        migrations.AlterField(
            model_name="movereview",
            name="note",
            field=assessments.models.sealed.SealedCharField(
                blank=True, max_length=500, owner="move", verbose_name="note"
            ),
        ),
        migrations.AlterField(
            model_name="practitionerprofile",
            name="values",
            field=assessments.models.sealed.SealedTextField(
                blank=True, max_length=1000, owner="user", verbose_name="the values that matter to you in your work"
            ),
        ),
        migrations.AlterField(
            model_name="reflection",
            name="text",
            field=assessments.models.sealed.SealedTextField(max_length=5000, owner="checkin"),
        ),
        migrations.AlterField(
            model_name="resilientmove",
            name="text",
            field=assessments.models.sealed.SealedCharField(max_length=200, owner="user", verbose_name="move"),
        ),
        migrations.AlterField(
            model_name="supervisionnote",
            name="note",
            field=assessments.models.sealed.SealedCharField(
                blank=True, max_length=500, owner="user", verbose_name="note"
            ),
        ),
        # Last, so that going back reseals in the first format before the columns narrow and the identities go.
        migrations.RunPython(migrations.RunPython.noop, back_to_the_first_format),
    ]
