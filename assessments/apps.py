from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Practitioner check-ins")

    def ready(self) -> None:
        from assessments import checks  # noqa: F401  (registers the database checks)
        from assessments.web import account_notices  # noqa: F401  (tells people when their account changes)
