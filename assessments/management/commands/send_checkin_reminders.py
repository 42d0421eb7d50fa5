from django.core.management.base import BaseCommand
from django.utils import timezone

from assessments import metrics
from assessments.management.locks import job_lock
from assessments.practitioner.reminders import reminders_send


class Command(BaseCommand):
    help = (
        "Email practitioners who have not checked in during their team's current cadence window. "
        "Safe to run as often as you like (for example hourly from cron), on every server: one runs at a time, and "
        "nobody gets two reminders in one window."
    )

    def handle(self, *args, **options):
        with metrics.job_run("send_checkin_reminders") as run, job_lock("send_checkin_reminders") as mine:
            if not mine:
                run.skipped()
                self.stdout.write("Another server is sending the reminders; nothing to do here.")
                return
            sent = reminders_send(today=timezone.localdate())
        self.stdout.write(f"Reminders sent: {sent}")
