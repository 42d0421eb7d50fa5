"""The stylesheets we ship fetch nothing from another origin (the design system's Frutiger font came from
assets.nhs.uk, which our CSP refuses and its licence does not allow), and the design system's stylesheet is the one
scripts/nhsuk-frontend/build.mjs builds from today's templates."""

from __future__ import annotations

import filecmp
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "static"
VENDORED = STATIC / "vendor" / "nhsuk-frontend"
BUILD = ROOT / "scripts" / "nhsuk-frontend"

# Every address a stylesheet can make the browser fetch: url(...) (backgrounds, fonts, cursors...) and @import.
REFERENCE = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""")
# A reference that leaves our origin: a scheme other than data:, or a protocol-relative //host/...
ELSEWHERE = re.compile(r"^(?!data:)([a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)


def references_elsewhere(css: str) -> list[str]:
    return [ref for pair in REFERENCE.findall(css) for ref in pair if ref and ELSEWHERE.match(ref)]


def test_the_check_finds_the_design_systems_own_font_rule():
    # The rule the package's stylesheet has, word for word: what the shipped copy must not.
    package_rule = (
        "@font-face{font-family:Frutiger W01;font-style:normal;font-weight:400;font-display:fallback;"
        'src:url(https://assets.nhs.uk/fonts/FrutigerLTW01-55Roman.woff2) format("woff2"),'
        'url(https://assets.nhs.uk/fonts/FrutigerLTW01-55Roman.woff) format("woff")}'
    )
    assert references_elsewhere(package_rule) == [
        "https://assets.nhs.uk/fonts/FrutigerLTW01-55Roman.woff2",
        "https://assets.nhs.uk/fonts/FrutigerLTW01-55Roman.woff",
    ]
    assert references_elsewhere("a{background:url(//cdn.example/x.png)}@import 'http://x.example/y.css';") == [
        "//cdn.example/x.png",
        "http://x.example/y.css",
    ]
    assert references_elsewhere('b{background:url("data:image/svg+xml,...")}i{background:url(../img/x.svg)}') == []


def test_no_shipped_stylesheet_fetches_anything_from_another_origin():
    stylesheets = sorted(STATIC.rglob("*.css"))
    assert VENDORED / "nhsuk-frontend.min.css" in stylesheets
    for path in stylesheets:
        css = path.read_text()
        assert references_elsewhere(css) == [], path.relative_to(ROOT)
        assert "@font-face" not in css, path.relative_to(ROOT)


def test_the_design_systems_text_falls_back_to_arial():
    css = (VENDORED / "nhsuk-frontend.min.css").read_text()
    families = set(re.findall(r"font-family:([^;}]+)", css))
    assert "Frutiger W01,arial,sans-serif" in families  # the package's own list: Arial when Frutiger is not there
    assert "html { font-family: arial, sans-serif; }" in (STATIC / "css" / "app.css").read_text()


# Slow: installs the build's two npm packages from its lock file when they are missing (make vendor does the same),
# then runs the build, about 5 s.
@pytest.mark.slow
def test_the_shipped_design_system_is_what_the_vendoring_script_builds_from_todays_templates(tmp_path):
    if not (BUILD / "node_modules" / ".package-lock.json").is_file():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=BUILD, check=True, timeout=300)
    subprocess.run(["node", str(BUILD / "build.mjs"), str(tmp_path)], check=True, timeout=120, capture_output=True)
    built = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    shipped = sorted(p.relative_to(VENDORED) for p in VENDORED.rglob("*") if p.is_file() and p.name != "LICENSE")
    assert built == shipped
    stale = [str(name) for name in built if not filecmp.cmp(tmp_path / name, VENDORED / name, shallow=False)]
    assert stale == [], f"{stale} differ from what the build makes today: run  make vendor  and commit the result"
    shutil.rmtree(tmp_path)
