from django.core.management.base import BaseCommand

from assessments import metrics
from assessments.core.periods import latest_shown_period
from assessments.figures.publication import periods_publish, refuse_a_changed_period_kind
from assessments.management.locks import job_lock


class Command(BaseCommand):
    help = (
        "Publish the figures of the period that ended most recently, for every service, if nobody has read it "
        "yet. Figures are published once and never change. Safe to run from cron on every server at once: one "
        "runs at a time, and the first to store a period wins. Run daily, after midnight."
    )

    def handle(self, *args, **options):
        with metrics.job_run("publish_periods") as run, job_lock("publish_periods") as mine:
            # Inside the run, so a refusal counts as a failed run: the figures are not being published.
            refuse_a_changed_period_kind()
            if not mine:
                run.skipped()
                self.stdout.write("Another server is publishing the figures; nothing to do here.")
                return
            period = latest_shown_period()
            count = periods_publish(period=period)
        self.stdout.write(f"Published {count} services' figures for {period.key}.")
