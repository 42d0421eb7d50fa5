import gc
import os
import threading

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "resilience_site.settings")

application = get_wsgi_application()

# The summary period kind is chosen once: refuse to serve with a SUMMARY_PERIOD other than the one figures were
# published in (see assessments/figures/publication.py). runserver loads this module too.
from assessments.figures.publication import refuse_a_changed_period_kind  # noqa: E402

refuse_a_changed_period_kind()

# The organisation sign-in provider's discovery document and keys, fetched now in the background so that the first
# sign-in in this process need not wait for them (assessments/web/oidc.py). Nothing waits on it; off without
# OIDC_ISSUER.
from assessments.web.oidc import warm  # noqa: E402

threading.Thread(target=warm, name="oidc-warm", daemon=True).start()

# The version stored parts of lead pages are kept under: a digest of the templates and code that render them, read
# now rather than by the first reader (assessments/leads/parts.py).
from assessments.leads.parts import code_version  # noqa: E402

code_version()

# Everything loaded so far (Django, the apps, the models, the settings) lives as long as the process. Without this,
# Python's cyclic garbage collector scans all of it at every full collection, which the objects of a summary page
# (a year of published figures) bring on about every fifteen pages: 15 to 30 ms added to that page, the whole p95.
# Frozen, a full collection scans only what was made since (docs/benchmarks.md, "What grows, and why").
gc.collect()
gc.freeze()
