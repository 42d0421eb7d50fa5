"""Headless Chromium from Debian's package, driven by Playwright against live_server."""

from __future__ import annotations

import base64
import functools
import os
from pathlib import Path

import pytest
from django.test import Client

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
# Screenshots of every page the browser tests open, to look at: `make screenshots` (SCREENSHOTS=1) takes them. A
# plain `make test` does not: the pages are audited either way, and the pictures cost a tenth of the suite's time.
SCREENSHOTS_WANTED = os.environ.get("SCREENSHOTS") == "1"


# Debian's chromium-headless-shell: the same Chromium build as the `chromium` package (Blink, V8, the same layout and
# accessibility tree), in the headless mode Playwright itself uses for headless tests. The full browser's headless
# mode also runs its GPU and compositing processes: over the browser tests that is about 60 s more CPU on these two
# cores, for the same pages. CHROMIUM=/usr/bin/chromium runs the tests in the full browser instead.
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium-headless-shell")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def phone_page(browser):
    """A page the size of a common phone (390 x 844)."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        full_page_png(page, path)
        return path

    return take


def full_page_png(page, path: Path | str) -> None:
    """What `page.screenshot(path=..., full_page=True)` takes, in about half the time.

    Playwright asks Chromium for the same capture but with its slowest PNG encoding; `optimizeForSpeed` gives the
    same pixels in a larger file. The browser tests take over a hundred of these, so it adds up.
    """
    if not SCREENSHOTS_WANTED:
        return
    page.evaluate("document.fonts.ready.then(() => true)")
    cdp = page.context.new_cdp_session(page)
    try:
        size = cdp.send("Page.getLayoutMetrics")["cssContentSize"]
        clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
        shot = cdp.send(
            "Page.captureScreenshot",
            {"format": "png", "captureBeyondViewport": True, "optimizeForSpeed": True, "clip": clip},
        )
    finally:
        cdp.detach()
    Path(path).write_bytes(base64.b64decode(shot["data"]))


def element_png(locator, path: Path | str) -> None:
    """A screenshot of one part of a page, taken only when screenshots are wanted (as full_page_png)."""
    if SCREENSHOTS_WANTED:
        locator.screenshot(path=str(path))


def sign_in(context, live_server, user) -> None:
    """Give the browser a session for this person, as if they had signed in."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def smallest_chart_text_px(page) -> float:
    """The smallest label of any trend chart on the page, in screen pixels: an SVG's text scales with its box."""
    return page.evaluate(
        """() => Math.min(...[...document.querySelectorAll("svg.trend-chart")].map((svg) => {
            const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            const sizes = [...svg.querySelectorAll("text")].map((t) => parseFloat(getComputedStyle(t).fontSize));
            return Math.min(...sizes) * scale;
        }))"""
    )


# --- axe, for tests outside the page-by-page audit (test_accessibility.py) -------------------------------------

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Every audit is at a phone's width and a desktop's: pages that passed at 1280 px have failed at 390 px.
PHONE = {"width": 390, "height": 844}
WIDTHS = [PHONE, {"width": 1280, "height": 800}]


# axe-core from npm (`make axe` fetches the version the Makefile names into .cache/axe/).
AXE_JS = Path(os.environ.get("AXE_JS", Path(__file__).resolve().parents[2] / ".cache" / "axe" / "axe.min.js"))


@functools.cache
def _axe_script() -> str:
    if not AXE_JS.is_file():
        pytest.fail(f"The accessibility checks need axe-core at {AXE_JS}. Run:  make axe", pytrace=False)
    return AXE_JS.read_text()


def axe_in_every_page(browser_context) -> None:
    """Load axe into each page of this browser context as it opens, for a context whose every page is audited: the
    browser compiles it with the page, which is quicker than sending it to each page afterwards (about 50 ms a page
    here). Elsewhere `axe_violations` loads it when first asked, so pages that are not audited do not pay for it."""
    browser_context.add_init_script(script=_axe_script())


def axe_violations(page, context: str | None = None) -> list[str]:
    """Axe (WCAG 2.2 AA tags) on the page as it is now, or only inside the `context` selector: one line per
    violation, naming up to three of the elements and what axe says to fix on the first, empty when clean.
    Axe is loaded into the page once and runs again after the page changes (a resize, say)."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(_axe_script())
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    violations = page.evaluate(_AXE_VIOLATIONS, [context, options])
    return [
        f"{v['id']} ({v['impact']}): {v['help']} ({len(v['nodes'])} nodes: "
        f"{', '.join(str(n['target']) for n in v['nodes'][:3])}) {v['nodes'][0].get('failureSummary') or ''}".strip()
        for v in violations
    ]


# Only the violations, and of each only what the lines above say, come back from the page: axe's whole result
# (every rule that passed or did not apply, with its description and tags) took Playwright longer to carry to
# Python and check than axe took to run on a small page.
_AXE_VIOLATIONS = """([context, options]) => axe.run(context || document, options).then((result) =>
    result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    })))"""


def write_reflection(page, text: str) -> None:
    """Open the private reflection on a phase's last page (it waits behind its summary) and write in it."""
    box = page.get_by_label("Your private reflection (optional)")
    if not box.is_visible():
        page.get_by_text("Write a private reflection (optional)").click()
    box.fill(text)


def answer_step(page, value: int) -> None:
    """Choose answer `value` (1 to 5) for every statement on the check-in step the page shows (not the moves)."""
    for radio in page.locator(f'form:not([action*="moves"]) input.app-scale__input[value="{value}"]').all():
        radio.check()
