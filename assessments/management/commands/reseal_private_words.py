from django.core.management.base import BaseCommand, CommandError

from assessments.management.locks import job_lock
from assessments.models.sealed import KEYS_VARIABLE, SealError, reseal_all


class Command(BaseCommand):
    help = (
        f"Seal every stored private word in the current format, bound to its row, under the newest key in "
        f"{KEYS_VARIABLE} (the first), in batches, while the app runs. Run it after upgrading and after putting a new "
        "key first; once it reports every row current, the older keys can be removed. Safe to run again: rows already "
        "current are left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="Rows per transaction (default 500).")
        parser.add_argument("--dry-run", action="store_true", help="Count what would be resealed; change nothing.")

    def handle(self, *args, **options):
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        dry_run = options["dry_run"]
        with job_lock("reseal_private_words") as mine:
            if not mine:
                self.stdout.write("Another server is resealing private words; nothing to do here.")
                return
            try:
                counts = reseal_all(batch_size=options["batch_size"], dry_run=dry_run)
            except SealError as exc:
                raise CommandError(str(exc)) from None
        verb = "to reseal" if dry_run else "resealed"
        for label, done in counts.items():
            line = f"{label}: {done['resealed']} {verb}, {done['already']} already current."
            if done["misplaced"]:
                line += f" {done['misplaced']} sealed for another row or column, left as they are (see the log)."
            self.stdout.write(line)
        total = sum(done["resealed"] for done in counts.values())
        misplaced = sum(done["misplaced"] for done in counts.values())
        if dry_run:
            self.stdout.write(f"Dry run: {total} private words would be resealed. Nothing was changed.")
        elif misplaced:
            self.stdout.write(
                f"{total} resealed. {misplaced} private words were sealed for another row or column and were left "
                "as they are: look into them (the log names each row) before removing an older key."
            )
        else:
            self.stdout.write(
                f"{total} resealed. Every private word is sealed under the newest key in {KEYS_VARIABLE}; "
                "older keys can now be removed."
            )
