from django.core.management.base import BaseCommand, CommandError

from assessments.management.locks import job_lock
from assessments.models.sealed import KEYS_VARIABLE, SealError, reseal_all


class Command(BaseCommand):
    help = (
        f"Seal every stored private word under the newest key in {KEYS_VARIABLE} (the first), in batches, while the "
        "app runs. Run it after putting a new key first; once it reports every row under the newest key, the older "
        "keys can be removed. Safe to run again: rows already under the newest key are left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="Rows per transaction (default 500).")

    def handle(self, *args, **options):
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        with job_lock("reseal_private_words") as mine:
            if not mine:
                self.stdout.write("Another server is resealing private words; nothing to do here.")
                return
            try:
                counts = reseal_all(batch_size=options["batch_size"])
            except SealError as exc:
                raise CommandError(str(exc)) from None
        for label, done in counts.items():
            self.stdout.write(f"{label}: {done['resealed']} resealed, {done['already']} already under the newest key.")
        self.stdout.write(
            f"Every private word is sealed under the newest key in {KEYS_VARIABLE}; older keys can now be removed."
        )
