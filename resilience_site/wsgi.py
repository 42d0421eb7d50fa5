import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "resilience_site.settings")

application = get_wsgi_application()

# The summary period kind is chosen once: refuse to serve with a SUMMARY_PERIOD other than the one figures were
# published in (see assessments/leads/publication.py). runserver loads this module too.
from assessments.leads.publication import refuse_a_changed_period_kind  # noqa: E402

refuse_a_changed_period_kind()
