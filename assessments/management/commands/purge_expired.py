from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand
from django.utils import timezone

from assessments import metrics
from assessments.figures.publication import published_purge
from assessments.management.locks import job_lock
from assessments.practitioner.retention import expired_purge


class Command(BaseCommand):
    help = (
        "Delete sent check-ins older than RETENTION_MONTHS, drafts not saved for DRAFT_RETENTION_DAYS, and the "
        "published figures of periods that ended before the retention cut-off (whole periods), and sessions "
        "that have expired. Prints counts only. Run daily from cron, on every server if you like: one runs at a "
        "time."
    )

    def handle(self, *args, **options):
        with metrics.job_run("purge_expired") as run, job_lock("purge_expired") as mine:
            if not mine:
                run.skipped()
                self.stdout.write("Another server is purging expired data; nothing to do here.")
                return
            now = timezone.now()
            counts = expired_purge(now=now)
            periods = published_purge(now=now)
            # What `manage.py clearsessions` does for sessions in the database (SESSION_ENGINE's default): a session
            # nobody came back to stays in its table until something deletes it.
            sessions, _ = Session.objects.filter(expire_date__lt=now).delete()
        self.stdout.write(
            f"Deleted {counts['submitted check-ins']} sent check-ins older than {settings.RETENTION_MONTHS} months, "
            f"{counts['abandoned drafts']} drafts not saved for {settings.DRAFT_RETENTION_DAYS} days, "
            f"the published figures of {periods} periods past retention and {sessions} expired sessions."
        )
