"""The Django test client the tests use: it posts forms as a browser does."""

from __future__ import annotations

from urllib.parse import urlencode, urljoin

from django.test import Client

from loadtest.walk import Page

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


class WalkingClient:
    """The test client as loadtest/walk.py sees a browser: `get` and `post` follow redirects and answer
    (status, address, text), so the load test's walk can run against the app as it is."""

    def __init__(self, client: Client | None = None) -> None:
        self.client = client or BrowserClient()

    def get(self, url: str, *, name: str = "") -> Page:
        return self._page(url, self.client.get(url, follow=True))

    def post(self, url: str, data: list[tuple[str, str]], *, name: str = "") -> Page:
        return self._page(url, self.client.post(url, urlencode(data), content_type=FORM, follow=True))

    @staticmethod
    def _page(url: str, response) -> Page:
        final = urljoin(url, response.redirect_chain[-1][0]) if response.redirect_chain else url
        return Page(response.status_code, final, response.content.decode())
