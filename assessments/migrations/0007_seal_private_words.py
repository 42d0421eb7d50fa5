"""Seal private words at rest (issue 15): every field holding what only its author may read becomes a sealed field,
and the words already stored are sealed with the newest key in PRIVATE_WORDS_KEYS.

Reversible: going back opens every row again (with any key in PRIVATE_WORDS_KEYS) and stores the words in the clear.
The previous release reads the columns as plain text, so stop every app server for this migration rather than
restarting them one at a time (docs/deploy.md, "Encryption keys").
"""

import assessments.models.sealed
from django.db import migrations

from assessments.models.seal_format import fernet_seal as seal, fernet_unseal as unseal

# (model, field) of every sealed field, as they are at this migration.
SEALED = [
    ("reflection", "text"),
    ("practitionerprofile", "values"),
    ("resilientmove", "text"),
    ("movereview", "note"),
    ("supervisionnote", "note"),
]

BATCH = 1000


def _rewrite(apps, schema_editor, change):
    """Apply `change` to every non-empty stored value of the sealed columns, a batch at a time, in raw SQL (the
    historical models would seal and open values themselves)."""
    connection = schema_editor.connection
    q = connection.ops.quote_name
    for model_name, field_name in SEALED:
        model = apps.get_model("assessments", model_name)
        table, pk, column = q(model._meta.db_table), q(model._meta.pk.column), q(model._meta.get_field(field_name).column)
        last = 0
        while True:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT {pk}, {column} FROM {table} WHERE {pk} > %s AND {column} <> '' ORDER BY {pk} LIMIT %s",
                    [last, BATCH],
                )
                rows = cursor.fetchall()
                if not rows:
                    break
                last = rows[-1][0]
                cursor.executemany(
                    f"UPDATE {table} SET {column} = %s WHERE {pk} = %s", [(change(value), row_pk) for row_pk, value in rows]
                )


def seal_stored_words(apps, schema_editor):
    _rewrite(apps, schema_editor, seal)


def open_stored_words(apps, schema_editor):
    _rewrite(apps, schema_editor, unseal)


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0006_question_set_v2_and_move_obstacles'),
    ]

    operations = [
        migrations.AlterField(
            model_name='movereview',
            name='note',
            field=assessments.models.sealed.SealedCharField(blank=True, max_length=500, verbose_name='note'),
        ),
        migrations.AlterField(
            model_name='practitionerprofile',
            name='values',
            field=assessments.models.sealed.SealedTextField(blank=True, max_length=1000, verbose_name='the values that matter to you in your work'),
        ),
        migrations.AlterField(
            model_name='reflection',
            name='text',
            field=assessments.models.sealed.SealedTextField(max_length=5000),
        ),
        migrations.AlterField(
            model_name='resilientmove',
            name='text',
            field=assessments.models.sealed.SealedCharField(max_length=200, verbose_name='move'),
        ),
        migrations.AlterField(
            model_name='supervisionnote',
            name='note',
            field=assessments.models.sealed.SealedCharField(blank=True, max_length=500, verbose_name='note'),
        ),
        migrations.RunPython(seal_stored_words, open_stored_words),
    ]
