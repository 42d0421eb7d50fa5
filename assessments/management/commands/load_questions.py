from django.core.management.base import BaseCommand
from django.db import transaction

from assessments.practitioner.questions import active_question_set, question_set_load


class Command(BaseCommand):
    help = (
        "Load the built-in question set; make it active only when no set is active. Safe to run twice. "
        "`make serve` runs this at every start, so it never takes the active set away from an administrator."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            question_set, created = question_set_load(activate=active_question_set() is None)
        state = "Loaded" if created else "Already loaded:"
        active = "active" if question_set.is_active else "not active"
        self.stdout.write(
            f"{state} question set v{question_set.version} ({question_set.questions.count()} statements, {active})."
        )
