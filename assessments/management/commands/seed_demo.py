from django.core.management.base import BaseCommand, CommandError

from devtools.demo import DEMO_ADMIN, DEMO_LEAD, DEMO_PASSWORD, DEMO_PRACTITIONER, demo_seed
from devtools.synthetic import scale_seed


class Command(BaseCommand):
    help = (
        "Create demo users, teams and check-ins. Safe to run twice. With --teams (and the other scale options), "
        "also create synthetic data at scale: services, teams, practitioners and a check-in each per month."
    )

    def add_arguments(self, parser):
        parser.add_argument("--services", type=int, default=6, help="Synthetic services (with --teams).")
        parser.add_argument("--teams", type=int, default=0, help="Synthetic teams, spread over the services.")
        parser.add_argument("--members", type=int, default=12, help="Practitioners per synthetic team.")
        parser.add_argument("--periods", type=int, default=12, help="Monthly periods, ending with this month.")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (the same seed makes the same data).")

    def handle(self, *args, **options):
        counts = demo_seed()
        if options["teams"]:
            if min(options["services"], options["members"], options["periods"]) < 1:
                raise CommandError("--services, --members and --periods must be at least 1.")
            counts.update(
                scale_seed(
                    services=options["services"],
                    teams=options["teams"],
                    members=options["members"],
                    periods=options["periods"],
                    seed=options["seed"],
                )
            )
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count}")
        self.stdout.write(
            "Demo logins (password for all: %s):\n"
            "  practitioner: %s\n  service lead: %s\n  administrator: %s (at /admin/)"
            % (DEMO_PASSWORD, DEMO_PRACTITIONER, DEMO_LEAD, DEMO_ADMIN)
        )
