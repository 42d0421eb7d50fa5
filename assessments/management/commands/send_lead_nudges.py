from django.core.management.base import BaseCommand
from django.utils import timezone

from assessments import metrics
from assessments.core.periods import latest_shown_period
from assessments.leads.nudges import nudges_send
from assessments.management.locks import job_lock


class Command(BaseCommand):
    help = (
        "Email each lead once when the latest period's figures are published and a team they lead has figures to "
        "see: at most once a week, never to a lead who turned these emails off. Run daily, after publish_periods. "
        "Safe on every server at once: one runs at a time, and each email is claimed per lead and period."
    )

    def handle(self, *args, **options):
        with metrics.job_run("send_lead_nudges") as run, job_lock("send_lead_nudges") as mine:
            if not mine:
                run.skipped()
                self.stdout.write("Another server is sending the figures-ready emails; nothing to do here.")
                return
            sent = nudges_send(period=latest_shown_period(), now=timezone.now())
        self.stdout.write(f"Figures-ready emails sent: {sent}")
