from django.core.management.base import BaseCommand
from django.utils import timezone

from assessments.practitioner.reminders import reminders_send


class Command(BaseCommand):
    help = (
        "Email practitioners who have not checked in during their team's current cadence window. "
        "Safe to run as often as you like (for example hourly from cron): nobody gets two reminders in one window."
    )

    def handle(self, *args, **options):
        sent = reminders_send(today=timezone.localdate())
        self.stdout.write(f"Reminders sent: {sent}")
