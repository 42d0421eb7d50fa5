"""What a load balancer and monitoring probe.

/livez: 200 whenever this server's process can answer at all. It touches neither the database nor a session, so
it answers in about a millisecond even when the database is down. The balancer keeps a server that answers it in
the pool, so that while the database is unreachable for every server people still get the app's own 503 page.
/healthz: 200 when this server can run a query, 503 when it cannot (readiness; for the balancer's preferred pool
and for monitoring).
"""

from __future__ import annotations

import logging

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from assessments.web.middleware import DATABASE_ERRORS

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when this app server can run a query; 503 when it cannot. Touches no session."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DATABASE_ERRORS as exc:
        logger.warning("Health check failed: %s", exc)
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@never_cache
@require_GET
def livez(request: HttpRequest) -> HttpResponse:
    """200 while this server's process answers. No database, no session: cheap enough to probe every second."""
    return HttpResponse("alive\n", content_type="text/plain")
