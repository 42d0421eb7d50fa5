from django.core.management.base import BaseCommand

from assessments import metrics
from assessments.mail.outbox import emails_waiting
from assessments.mail.sending import emails_purge, emails_send


class Command(BaseCommand):
    help = (
        "Send the queued emails that are due through the relay (EMAIL_HOST), keeping any it refuses to try again "
        "later, then delete sent emails past EMAIL_SENT_KEEP_DAYS. Run it every minute from cron, on every server: "
        "two runs at once share the queue and never send one email twice. Prints counts only."
    )

    def handle(self, *args, **options):
        with metrics.job_run("send_queued_email"):
            report = emails_send()
            purged = emails_purge()
        self.stdout.write(
            f"Emails sent: {report.sent}, not sent (to try again): {report.failed}, still queued: {emails_waiting()}, "
            f"sent emails deleted: {purged.sent_deleted}, given up: {purged.given_up}"
        )
        if report.relay_unreachable:
            self.stderr.write("The mail relay could not be reached or refused us: the emails stay queued.")
