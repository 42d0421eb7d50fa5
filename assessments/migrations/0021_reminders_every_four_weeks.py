"""Reminders no sooner than every four weeks, the window every statement asks about: teams reminded weekly or every
two weeks are reminded every four weeks from now on (the nearest that is left)."""

from django.db import migrations, models


def to_four_weekly(apps, schema_editor):
    Team = apps.get_model("assessments", "Team")
    Team.objects.filter(checkin_cadence__in=["weekly", "fortnightly"]).update(checkin_cadence="four_weekly")


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0019_question_does_not_apply"),
    ]

    operations = [
        migrations.RunPython(to_four_weekly, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="team",
            name="checkin_cadence",
            field=models.CharField(
                blank=True,
                choices=[("", "No reminders"), ("four_weekly", "Every 4 weeks"), ("monthly", "Every month")],
                default="",
                max_length=20,
                verbose_name="check-in reminders",
            ),
        ),
    ]
