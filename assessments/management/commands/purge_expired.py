from django.conf import settings
from django.core.management.base import BaseCommand

from assessments.practitioner.retention import expired_purge


class Command(BaseCommand):
    help = (
        "Delete sent check-ins older than RETENTION_MONTHS and drafts not saved for DRAFT_RETENTION_DAYS. "
        "Prints counts only. Run daily from cron."
    )

    def handle(self, *args, **options):
        counts = expired_purge()
        self.stdout.write(
            f"Deleted {counts['submitted check-ins']} sent check-ins older than {settings.RETENTION_MONTHS} months "
            f"and {counts['abandoned drafts']} drafts not saved for {settings.DRAFT_RETENTION_DAYS} days."
        )
