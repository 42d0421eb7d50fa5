"""The Django test client the tests use: it posts forms as a browser does."""

from __future__ import annotations

from urllib.parse import urlencode

from django.test import Client

FORM = "application/x-www-form-urlencoded"


class BrowserClient(Client):
    """Posts a dict as a browser posts a form without a file input: URL-encoded.

    Django's test client sends multipart bodies by default, and the app refuses every multipart body with a 413 (it
    takes no uploads: tests/web/test_request_limits.py), so tests post what a browser would.
    """

    def post(self, path, data=None, content_type=FORM, **extra):
        if content_type == FORM and not isinstance(data, str | bytes):
            data = urlencode(data or {}, doseq=True)
        return super().post(path, data, content_type=content_type, **extra)
