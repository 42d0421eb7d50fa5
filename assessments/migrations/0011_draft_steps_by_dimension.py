"""A check-in's steps became one page per dimension (seven, not three). An open draft's count of saved steps is
moved to the same place in the new order: a draft that had saved whole phases resumes at the next phase's first
page. The mapping is written out here, not read from the code, because the code's steps may change again."""

from django.db import migrations

# Phases saved under three steps -> pages saved under seven (challenges 2 pages, values 2, coping 3).
FORWARD = {0: 0, 1: 2, 2: 4, 3: 7}
OFFSET = 100
BACKWARD = {0: 0, 1: 0, 2: 1, 3: 1, 4: 2, 5: 2, 6: 2, 7: 3}


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
    dependencies = [("assessments", "0010_statement_entries")]

    operations = [migrations.RunPython(forward, backward)]
