"""The benchmark's URLs: the project's, and the floor a lead page is compared with. Only `manage.py bench` uses them
(as ROOT_URLCONF while it measures in process, and in the server it starts with devtools/bench_settings.py); the
running app never has the floor."""

from __future__ import annotations

from functools import lru_cache

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.urls import path

from resilience_site.urls import urlpatterns as project_urlpatterns

# The bytes the floor sends in process: the page it is compared with, as that page sent them (devtools/bench.py
# sets them).
FLOOR = {"body": b""}
# The most the served floor sends: more than any page, and little enough to keep.
FLOOR_MAX_BYTES = 10 * 1024 * 1024


@lru_cache(maxsize=8)
def _stored(size: int) -> bytes:
    return b"x" * size


@login_required
def floor(request: HttpRequest) -> HttpResponse:
    """Stored bytes of a page's size, for a signed-in person, through the same middleware: what no page can beat.

    In process it sends the page's own bytes (FLOOR["body"]). The served floor, in the server the benchmark starts,
    is asked with `?bytes=N`, N the size of the page it is compared with, and sends the same number of bytes, kept
    in this process after the first time: it cannot be handed the page's bytes themselves."""
    size = request.GET.get("bytes")
    if size is None:
        return HttpResponse(FLOOR["body"])
    if not size.isascii() or not size.isdigit() or int(size) > FLOOR_MAX_BYTES:
        return HttpResponseBadRequest("bytes must be a whole number from 0 to 10 MiB\n", content_type="text/plain")
    return HttpResponse(_stored(int(size)))


urlpatterns = [path("bench/floor/", floor, name="bench_floor"), *project_urlpatterns]
