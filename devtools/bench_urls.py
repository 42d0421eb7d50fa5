"""The benchmark's URLs: the project's, and the floor a lead page is compared with. Only `manage.py bench` uses them
(as ROOT_URLCONF, while it measures); the running app never has the floor."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path

from resilience_site.urls import urlpatterns as project_urlpatterns

# The bytes the floor sends: the page it is compared with, as that page sent them (devtools/bench.py sets them).
FLOOR = {"body": b""}


@login_required
def floor(request: HttpRequest) -> HttpResponse:
    """Stored bytes of a page's size, for a signed-in person, through the same middleware: what no page can beat."""
    return HttpResponse(FLOOR["body"])


urlpatterns = [path("bench/floor/", floor, name="bench_floor"), *project_urlpatterns]
