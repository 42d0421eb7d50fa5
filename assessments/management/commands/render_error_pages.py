from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.template.loader import render_to_string

# (status, reason, template). The balancer answers with these when it cannot: 503 when no app server is up, 502
# and 504 when one broke off or took too long, 413 when a body is too large. Each is the app's own page.
PAGES = [
    (503, "Service Unavailable", "503.html"),
    (502, "Bad Gateway", "503.html"),
    (504, "Gateway Timeout", "503.html"),
    (413, "Payload Too Large", "413.html"),
]


def http_response_file(status: int, reason: str, template: str) -> bytes:
    """A whole HTTP response, as haproxy's `errorfile` takes it: status line, headers, blank line, body."""
    body = render_to_string(template).encode()
    headers = [
        f"HTTP/1.1 {status} {reason}",
        "Content-Type: text/html; charset=utf-8",
        f"Content-Length: {len(body)}",
        "Cache-Control: no-store",
        "Connection: close",
    ]
    if status != 413:
        headers.append(f"Retry-After: {settings.OUTAGE_RETRY_AFTER_SECONDS}")
    return ("\r\n".join(headers) + "\r\n\r\n").encode() + body


class Command(BaseCommand):
    help = (
        "Write the app's error pages as HTTP response files for the load balancer (haproxy `errorfile`): "
        "503.http, 502.http, 504.http and 413.http in the given folder. Run after collectstatic, with the "
        "production settings, so the pages link the same stylesheets as the app's."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)

    def handle(self, *args, folder: Path, **options):
        folder.mkdir(parents=True, exist_ok=True)
        for status, reason, template in PAGES:
            (folder / f"{status}.http").write_bytes(http_response_file(status, reason, template))
        self.stdout.write(f"Wrote {len(PAGES)} error pages to {folder}.")
