"""A check-in's steps became one page per phase again (three, not seven: issue 26, docs/adr/0010). An open draft's
count of saved pages is moved to the same place in the new order: a draft keeps the phases it saved whole and resumes
at the page of the first phase it had not finished (answers already saved on it are kept and shown there). The
mapping is written out here, not read from the code, because the code's steps may change again."""

from django.db import migrations

# Pages saved under seven (challenges 2 pages, values 2, coping 3) -> phases saved under three, and back.
FORWARD = {0: 0, 1: 0, 2: 1, 3: 1, 4: 2, 5: 2, 6: 2, 7: 3}
OFFSET = 100
BACKWARD = {0: 0, 1: 2, 2: 4, 3: 7}


def _remap(apps, mapping):
    CheckIn = apps.get_model("assessments", "CheckIn")
    for old, new in mapping.items():
        if old != new:
            CheckIn.objects.filter(status="draft", steps_completed=old).update(steps_completed=OFFSET + new)
    # Two passes (through numbers no step reaches) so that one value's move never collides with another's.
    for new in set(mapping.values()):
        CheckIn.objects.filter(status="draft", steps_completed=OFFSET + new).update(steps_completed=new)


def forward(apps, schema_editor):
    _remap(apps, FORWARD)


def backward(apps, schema_editor):
    _remap(apps, BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0017_bind_private_words")]

    operations = [migrations.RunPython(forward, backward)]
