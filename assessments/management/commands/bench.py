from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from devtools.bench import GROWTH_N, bench_run
from devtools.synthetic import SCALES


class Command(BaseCommand):
    help = (
        "Seed synthetic data at a scale, then time the team and service summaries and their CSVs against the floor "
        "(the same bytes, stored), a check-in submit and a "
        "practitioner's own profile, trends and export pages "
        "through Django's test client; then the summaries and CSVs against the floor again, served by gunicorn as "
        "`make serve` runs it, over HTTP on 127.0.0.1. Prints name=value lines. Use a scratch database: it adds a "
        "lot of data. "
        "The national scale needs PostgreSQL."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="default")
        parser.add_argument("--iterations", type=int, default=50, help="Timed requests per figure.")
        parser.add_argument(
            "--growth",
            default=",".join(str(n) for n in GROWTH_N),
            help="Comma-separated N: check-ins put into one service and one period ('' to skip).",
        )

        parser.add_argument("--seed-only", action="store_true", help="Only seed the scale (it is skipped if present).")

    def handle(self, *args, **options):
        if options["scale"] == "national" and connection.vendor != "postgresql":
            raise CommandError("The national scale needs PostgreSQL: set DATABASE_URL to a scratch database.")
        settings.DEBUG = False  # time what production runs, without the debug query log
        growth = tuple(int(n) for n in options["growth"].split(",") if n.strip())

        def out(line: str) -> None:
            self.stdout.write(line)
            self.stdout.flush()

        bench_run(
            scale_name=options["scale"],
            iterations=options["iterations"],
            growth=growth,
            out=out,
            seed_only=options["seed_only"],
        )
