from django.core.management.base import BaseCommand

from assessments.practitioner.questions import question_set_load


class Command(BaseCommand):
    help = "Load the built-in question set and make it active. Safe to run twice."

    def handle(self, *args, **options):
        question_set, created = question_set_load()
        state = "Loaded" if created else "Already loaded:"
        self.stdout.write(
            f"{state} question set v{question_set.version} ({question_set.questions.count()} statements)."
        )
