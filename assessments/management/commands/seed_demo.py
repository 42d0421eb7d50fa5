from django.core.management.base import BaseCommand

from assessments.demo import DEMO_ADMIN, DEMO_LEAD, DEMO_PASSWORD, DEMO_PRACTITIONER, demo_seed


class Command(BaseCommand):
    help = "Create demo users, teams and check-ins. Safe to run twice."

    def handle(self, *args, **options):
        counts = demo_seed()
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count}")
        self.stdout.write(
            "Demo logins (password for all: %s):\n"
            "  practitioner: %s\n  service lead: %s\n  administrator: %s (at /admin/)"
            % (DEMO_PASSWORD, DEMO_PRACTITIONER, DEMO_LEAD, DEMO_ADMIN)
        )
