"""An admin page's own form, as a browser would send it, so tests act on the admin as an administrator would."""

from __future__ import annotations

from html.parser import HTMLParser


class _FormValues(HTMLParser):
    """The fields of the page's `<form id="…_form">` with the values they hold (disabled ones too: someone crafting
    a request sends whatever they like)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.values: list[tuple[str, str]] = []
        self._in_form = False
        self._select: str | None = None
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._in_form = (a.get("id") or "").endswith("_form")
        if not self._in_form or not a.get("name") and tag in {"input", "select", "textarea"}:
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind in {"submit", "button", "file", "image"} or (kind in {"checkbox", "radio"} and "checked" not in a):
                return
            self.values.append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.values.append((self._select, a.get("value", "")))
        elif tag == "textarea":
            self._textarea, self._text = a["name"], ""

    def handle_data(self, data):
        if self._textarea:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.values.append((self._textarea, self._text.lstrip("\n")))
            self._textarea = None


def admin_form(client, url: str, **changes) -> dict[str, str | list[str]]:
    """The form on the admin page at `url`, filled in as it is shown, with `changes` over it (a value of None leaves
    the field out, as an unticked box is left out)."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    parser = _FormValues()
    parser.feed(response.content.decode())
    data: dict[str, str | list[str]] = {}
    for name, value in parser.values:
        if name in data:
            existing = data[name]
            data[name] = [*existing, value] if isinstance(existing, list) else [existing, value]
        else:
            data[name] = value
    data.pop("csrfmiddlewaretoken", None)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data
