"""Sign in and send a check-in as a person does: from the links and forms the pages serve, never from a list of
addresses, so the load test cannot drift from the app.

From the home page it follows "Start a check-in" (or "Carry on with your check-in"), then on each page fills in the
page's form (every radio group, select, checkbox and text box; hidden fields as served) and sends it with the form's
default button (the first, as a browser does when you press Enter), following redirects, until a page says
"Check-in sent". A page that refuses what was sent (an error summary or an error banner) ends the walk.

No Django and no locust here: a `Browser` is anything with `get` and `post` that follow redirects and return a
`Page`. The locustfile drives it over HTTP; tests/web/test_load_harness.py drives it with Django's test client, so
the suite fails when the load test could no longer send a check-in.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import NamedTuple, Protocol
from urllib.parse import urljoin

# The words a person follows, as the pages say them (English, the app's default language).
START = ("Start a check-in", "Carry on with your check-in")
SENT = "Check-in sent"  # the heading of the page that acknowledges a check-in
MAX_PAGES = 15  # a check-in is a handful of pages; more means the walk is going round in circles


class Page(NamedTuple):
    status: int
    url: str  # where the last redirect ended
    text: str


class Browser(Protocol):
    def get(self, url: str, *, name: str) -> Page: ...

    def post(self, url: str, data: list[tuple[str, str]], *, name: str) -> Page: ...


class WalkError(Exception):
    """The walk could not go on: what the page said or lacked."""


@dataclass
class Control:
    kind: str  # an input's type ("radio", "hidden", "submit", ...), or "select", "textarea", "button"
    name: str
    value: str = ""
    checked: bool = False
    maxlength: int | None = None
    label: str = ""  # a button's words
    options: list[str] = field(default_factory=list)  # a select's values


@dataclass
class Form:
    action: str
    method: str
    controls: list[Control] = field(default_factory=list)

    @property
    def buttons(self) -> list[Control]:
        return [c for c in self.controls if c.kind in ("submit", "button")]


@dataclass
class Link:
    href: str
    text: str


class ParsedPage(HTMLParser):
    """What a person acts on in a page's <main>: its forms, links and first heading, and whether it shows an error
    (the header's "Sign out" form is not part of any task)."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.links: list[Link] = []
        self.heading = ""
        self.title = ""
        self.errors: list[str] = []
        self._main = False
        self._form: Form | None = None
        self._text_of: Control | Link | None = None  # a button, textarea or link whose words are being read
        self._select: Control | None = None
        self._in: str = ""  # "title", "h1" or "option" while reading its words
        self._error_depth = 0  # inside an error summary or error banner: how many <div>s deep
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "title":
            self._in = "title"
        if tag == "main":
            self._main = True
        if not self._main:
            return
        classes = a.get("class", "").split()
        if tag == "div" and self._error_depth:
            self._error_depth += 1
        elif tag == "div" and (
            "nhsuk-error-summary" in classes
            or (
                "nhsuk-notification-banner" in classes
                and "nhsuk-notification-banner--success" not in classes
                and a.get("role") == "alert"
            )
        ):
            self._error_depth = 1
            self.errors.append("")
        if tag == "h1" and not self.heading:
            self._in = "h1"
        elif tag == "a" and "href" in a:
            self._text_of = Link(a["href"], "")
            self.links.append(self._text_of)
        elif tag == "form":
            self._form = Form(action=a.get("action", ""), method=a.get("method", "get").lower())
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            value = a.get("value", "on" if kind in ("radio", "checkbox") else "")
            self._form.controls.append(
                Control(kind, a.get("name", ""), value, "checked" in a, _int(a.get("maxlength")), label=value)
            )
        elif tag == "button":
            kind = "submit" if a.get("type", "submit").lower() == "submit" else "other"
            self._text_of = Control(kind, a.get("name", ""), a.get("value", ""))
            self._form.controls.append(self._text_of)
        elif tag == "textarea":
            self._text_of = Control("textarea", a.get("name", ""), "", maxlength=_int(a.get("maxlength")))
            self._form.controls.append(self._text_of)
        elif tag == "select":
            self._select = Control("select", a.get("name", ""))
            self._form.controls.append(self._select)
        elif tag == "option" and self._select is not None:
            self._select.options.append(a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("title", "h1", "option"):
            self._in = ""
        elif tag == "main":
            self._main = False
        elif tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag in ("a", "button", "textarea"):
            self._text_of = None
        elif tag == "div" and self._error_depth:
            self._error_depth -= 1

    def handle_data(self, data: str) -> None:
        if self._in == "title":
            self.title += data
        elif self._in == "h1":
            self.heading += data
        if self._error_depth:
            self.errors[-1] += data
        if isinstance(self._text_of, Link):
            self._text_of.text += data
        elif isinstance(self._text_of, Control):
            if self._text_of.kind == "textarea":
                self._text_of.value += data
            else:
                self._text_of.label += data

    @property
    def name(self) -> str:
        """The page's title without the service's name: what the load test's figures call its form."""
        return " ".join(self.title.split("–")[0].split())


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _words(text: str) -> str:
    return " ".join(text.split())


@dataclass
class Answers:
    """How a simulated person fills a form: each radio group answered (or, `blank` of the time, left blank), each
    checkbox ticked half of the time, each text box given a few words of its own."""

    rng: random.Random = field(default_factory=random.Random)
    blank: float = 0.0

    def choose(self, options: list[str]) -> str | None:
        return None if self.rng.random() < self.blank else self.rng.choice(options)

    def tick(self) -> bool:
        return self.rng.random() < 0.5

    def write(self, name: str, maxlength: int | None) -> str:
        text = f"Load test words for {name}: {self.rng.getrandbits(48):012x}. A walk at lunch helped."
        return text[:maxlength] if maxlength else text


def fill(form: Form, answers: Answers) -> list[tuple[str, str]]:
    """What a browser sends for `form` once `answers` has filled it in, pressed with its default button."""
    data: list[tuple[str, str]] = []
    radios: dict[str, list[str]] = {}
    for control in form.controls:
        if not control.name or control.kind in ("submit", "button", "other", "image", "reset", "file"):
            continue
        if control.kind == "radio":
            radios.setdefault(control.name, []).append(control.value)
        elif control.kind == "checkbox":
            if answers.tick():
                data.append((control.name, control.value))
        elif control.kind == "select":
            if control.options:
                data.append((control.name, answers.rng.choice(control.options)))
        elif control.kind in ("textarea", "text", "search"):
            data.append((control.name, answers.write(control.name, control.maxlength)))
        else:  # hidden (the CSRF token, "change"), and anything else sent as served
            data.append((control.name, control.value))
    for name, options in radios.items():
        choice = answers.choose(options)
        if choice is not None:
            data.append((name, choice))
    default = next((b for b in form.buttons if b.kind == "submit"), None)
    if default is not None and default.name:
        data.append((default.name, default.value))
    return data


@dataclass
class Walk:
    """One check-in's walk: every form sent on the way (address and fields, in order, including any whose answer was
    lost), and the page that acknowledged it. Kept across attempts: a walk that stopped half-way carries on from
    the draft the next time, and what it sent before still counts."""

    posts: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)
    sent: Page | None = None


def _ok(page: Page, what: str) -> ParsedPage:
    if page.status != 200:
        raise WalkError(f"{what}: status {page.status} at {page.url}")
    parsed = ParsedPage(page.text)
    if parsed.errors:
        raise WalkError(f"{what}: the page at {page.url} says {_words(' '.join(parsed.errors))!r}")
    return parsed


def send(
    browser: Browser, page: Page, parsed: ParsedPage, form: Form, data: list[tuple[str, str]], walk: Walk | None = None
) -> Page:
    """Send `form` of `page` with `data`, as its method and action say, and note it in `walk`."""
    if form.method != "post":
        raise WalkError(f"a form that is not posted, at {page.url}")
    url = urljoin(page.url, form.action)
    if walk is not None:
        walk.posts.append((url, data))  # before sending: if the answer is lost, it may still have been saved
    return browser.post(url, data, name=f"send: {parsed.name}")


def sign_in(browser: Browser, username: str, password: str) -> Page:
    """Open the home page, which asks a signed-out visitor to sign in, and sign in with a password."""
    page = browser.get("/", name="home")
    parsed = _ok(page, "opening the home page")
    form = next((f for f in parsed.forms if any(c.kind == "password" for c in f.controls)), None)
    if form is None:
        raise WalkError(f"no sign-in form at {page.url}")
    typed = {"text": username, "email": username, "password": password}
    data = [(c.name, typed.get(c.kind, c.value)) for c in form.controls if c.name and c.kind not in ("submit", "other")]
    home = send(browser, page, parsed, form, data)
    parsed = _ok(home, f"signing in as {username}")
    if any(c.kind == "password" for f in parsed.forms for c in f.controls):
        raise WalkError(f"sign-in refused for {username}")
    return home


def complete_checkin(browser: Browser, answers: Answers, walk: Walk) -> Walk:
    """From the home page to "Check-in sent": start (or carry on with) a check-in and answer every page."""
    home = browser.get("/", name="home")
    parsed = _ok(home, "opening the home page")
    link = next((k for k in parsed.links if _words(k.text) in START), None)
    form = next((f for f in parsed.forms if any(_words(b.label) in START for b in f.buttons)), None)
    if form is not None:
        page = send(browser, home, parsed, form, fill(form, answers), walk)
    elif link is not None:
        page = browser.get(urljoin(home.url, link.href), name="carry on")
    else:
        raise WalkError(f"the home page at {home.url} offers no way to start a check-in")
    for _ in range(MAX_PAGES):
        parsed = _ok(page, "sending the check-in")
        if _words(parsed.heading) == SENT:
            walk.sent = page
            return walk
        form = next((f for f in parsed.forms if f.method == "post"), None)
        if form is None:
            raise WalkError(f"nowhere to go from {page.url} ({parsed.name!r}): no form")
        page = send(browser, page, parsed, form, fill(form, answers), walk)
    raise WalkError(f"no acknowledgement after {MAX_PAGES} pages; the last was {page.url}")


def follow(browser: Browser, page: Page, text: str) -> Page:
    """Follow the link that says `text` on `page` (on the acknowledgement: "See your profile")."""
    link = next((k for k in ParsedPage(page.text).links if _words(k.text) == text), None)
    if link is None:
        raise WalkError(f"no link {text!r} at {page.url}")
    return browser.get(urljoin(page.url, link.href), name=text)
