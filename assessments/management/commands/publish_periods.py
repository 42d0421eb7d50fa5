from django.core.management.base import BaseCommand

from assessments.core.periods import latest_shown_period
from assessments.leads.publication import periods_publish, refuse_a_changed_period_kind


class Command(BaseCommand):
    help = (
        "Publish the figures of the period that ended most recently, for every service, if nobody has read it "
        "yet. Figures are published once and never change. Safe to run from cron on every server at once: the "
        "first to store a period wins. Run daily, after midnight."
    )

    def handle(self, *args, **options):
        refuse_a_changed_period_kind()
        period = latest_shown_period()
        count = periods_publish(period=period)
        self.stdout.write(f"Published {count} services' figures for {period.key}.")
