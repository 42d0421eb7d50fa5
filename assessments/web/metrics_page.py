"""/metrics: the app's figures in Prometheus' text format, for the trust's monitoring, never for the public.

404 unless METRICS_ENABLED is on. Then only for a scraper that shows METRICS_TOKEN as a bearer token, and (or) comes
from an address in METRICS_ALLOWED_IPS directly: a request that came through a proxy (it carries X-Forwarded-For) is
refused on the address rule, since the address it comes from is the proxy's. Touches no session, and the database
only to count the emails waiting in the queue (one query).
"""

from __future__ import annotations

import glob
import hmac
import ipaddress
import os
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector

from assessments.mail.outbox import emails_waiting


def refusal(request: HttpRequest) -> HttpResponse | None:
    """Why this request may not read the figures, as the response to give; None if it may."""
    if settings.METRICS_TOKEN:
        given = request.headers.get("Authorization", "")
        expected = f"Bearer {settings.METRICS_TOKEN}"
        if not hmac.compare_digest(given.encode(), expected.encode()):
            return HttpResponse(
                "a bearer token is needed\n",
                status=401,
                content_type="text/plain",
                headers={"WWW-Authenticate": "Bearer"},
            )
    if settings.METRICS_ALLOWED_IPS:
        try:
            address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
        except ValueError:
            address = None
        allowed = address is not None and any(
            address in ipaddress.ip_network(network, strict=False) for network in settings.METRICS_ALLOWED_IPS
        )
        if not allowed or "HTTP_X_FORWARDED_FOR" in request.META:
            return HttpResponse("not from this address\n", status=403, content_type="text/plain")
    return None


class FinishedFilesCollector(MultiProcessCollector):
    """Every process's figures, from the files each keeps in PROMETHEUS_MULTIPROC_DIR, leaving out a file a process
    has only just created and not yet sized (it is empty for a moment, and prometheus_client cannot read an empty
    one): a server restarting during a scrape otherwise made /metrics answer 500. Such a file holds nothing yet."""

    def collect(self) -> Iterable[Metric]:
        files = []
        for name in glob.glob(os.path.join(self._path, "*.db")):
            try:
                if os.path.getsize(name) >= 8:  # the header that says how much of the file is used
                    files.append(name)
            except OSError:  # removed since the listing (scripts/serve clears old workers' files at start)
                continue
        return self.merge(files, accumulate=True)


class Scrape:
    """What one scrape reads: every process's figures (or this process's, without multiprocess mode), and the
    email queue's length as it is now."""

    def collect(self) -> Iterator[Metric]:
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            registry = CollectorRegistry()
            FinishedFilesCollector(registry)
            figures: Iterable[Metric] = registry.collect()
        else:
            figures = REGISTRY.collect()
        yield from figures
        yield GaugeMetricFamily(
            "checkin_email_queue_length", "Emails queued for the relay and not yet sent.", value=emails_waiting()
        )


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not settings.METRICS_ENABLED:
        raise Http404
    if refused := refusal(request):
        return refused
    return HttpResponse(generate_latest(Scrape()), content_type=CONTENT_TYPE_LATEST)
