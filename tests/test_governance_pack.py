"""The buyer's pack (docs/governance/) cites files, tests, links and decision records as its evidence. A pack that
cites a moved file or a renamed test rots unseen, so each citation must resolve in the tree; gaps are marked in the
two forms the lead engineer greps for; and the safety case's summary says what the hazard log says."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACK = ROOT / "docs" / "governance"
HAZARD_LOG = ROOT / "docs" / "clinical-safety" / "hazard-log.md"
DOCUMENTS = (
    "README.md",
    "dtac.md",
    "dpia.md",
    "clinical-safety-case.md",
    "business-impact-assessment.md",
    "accessibility.md",
    "security-summary.md",
)

CODE = re.compile(r"`([^`\n]+)`")
NAMED_TEST = re.compile(r"^(tests/[\w/]+\.py)::(\w+)$")
LINK = re.compile(r"\]\(([^)\s]+)\)")
PLACEHOLDER = re.compile(r"\{\{(FIGURE|OWNER): [^{}\n]*[^{}\s][^{}\n]*\}\}")
ADR_MENTION = re.compile(r"\bADRs? ((?:\d{4})(?:(?:, | and )\d{4})*)")
FENCED = re.compile(r"^```.*?^```", flags=re.M | re.S)
PENDING = "Evidence to come"
# What a unit of text starts with, for the "Evidence to come" rule: a paragraph, a list item or a table row.
UNIT_START = re.compile(r"^\s*(?:[-|]|\d+\.)\s")


def top_level_names() -> set[str]:
    return {p.name for p in ROOT.iterdir() if not p.name.startswith(".") or p.name == ".ci"}


def defined_tests(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}


def broken_citations(text: str, *, here: Path) -> list[str]:
    """Every path or `path::test` in backticks, and every relative link, in `text` that does not resolve."""
    names = top_level_names()
    broken = []
    for code in CODE.findall(text):
        named = NAMED_TEST.match(code)
        if named:
            path, test = named.groups()
            if not (ROOT / path).is_file() or test not in defined_tests(ROOT / path):
                broken.append(code)
            continue
        if "/" not in code and code not in names:
            continue
        if not re.fullmatch(r"[\w.\-]+(?:/[\w.\-]*)*", code) or code.split("/")[0] not in names:
            continue
        if not (ROOT / code.rstrip("/")).exists():
            broken.append(code)
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue
        if not (here / target.split("#")[0]).resolve().exists():
            broken.append(target)
    return broken


def malformed_placeholders(text: str) -> list[str]:
    """Braces that are not a whole `{{FIGURE: what}}` or `{{OWNER: what}}`, outside fenced code (a grep command)."""
    rest = PLACEHOLDER.sub("", FENCED.sub("", text))
    return [line.strip() for line in rest.splitlines() if "{{" in line or "}}" in line]


def units(text: str) -> list[str]:
    """Paragraphs, list items and table rows: what an "Evidence to come" marker covers."""
    found: list[list[str]] = []
    for line in text.splitlines():
        if not line.strip():
            found.append([])
        elif UNIT_START.match(line) or not found:
            found.append([line])
        else:
            found[-1].append(line)
    return [" ".join(unit) for unit in found if unit]


def unmarked_pending_adrs(text: str) -> list[str]:
    """ADR numbers with no record in docs/adr/ yet, mentioned where nothing says the evidence is still to come."""
    recorded = {p.name[:4] for p in (ROOT / "docs" / "adr").glob("[0-9][0-9][0-9][0-9]-*.md")}
    return [
        f"ADR {number}"
        for unit in units(text)
        if PENDING not in unit
        for group in ADR_MENTION.findall(unit)
        for number in re.findall(r"\d{4}", group)
        if number not in recorded
    ]


def test_the_pack_holds_every_document_and_its_readme_lists_each():
    assert sorted(p.name for p in PACK.glob("*.md")) == sorted(DOCUMENTS)
    readme = (PACK / "README.md").read_text()
    for name in DOCUMENTS[1:]:
        assert f"]({name})" in readme, name


def test_every_file_test_and_link_the_pack_cites_exists():
    broken = {name: broken_citations((PACK / name).read_text(), here=PACK) for name in DOCUMENTS}
    assert {name: b for name, b in broken.items() if b} == {}
    cited = sum(len(NAMED_TEST.findall(code)) for name in DOCUMENTS for code in CODE.findall((PACK / name).read_text()))
    assert cited >= 60, cited


def test_every_gap_is_a_placeholder_the_lead_engineer_can_grep_for():
    for name in DOCUMENTS:
        assert malformed_placeholders((PACK / name).read_text()) == [], name
    text = "".join((PACK / name).read_text() for name in DOCUMENTS)
    figures = {m[0] for m in re.finditer(r"\{\{FIGURE: [^}]+\}\}", text)}
    for needed in ("RTO", "RPO", "primary killed"):
        assert any(needed in figure for figure in figures), needed


def test_a_decision_record_not_yet_in_the_tree_is_cited_only_as_evidence_to_come():
    for name in DOCUMENTS:
        assert unmarked_pending_adrs((PACK / name).read_text()) == [], name


def test_the_safety_case_summarises_every_hazard_as_the_hazard_log_rates_it():
    log = HAZARD_LOG.read_text()
    parts = re.split(r"^## (H\d+\. .+)$", log, flags=re.M)
    sections = dict(zip(parts[1::2], parts[2::2], strict=True))
    assert len(sections) >= 8

    def field(section: str, label: str) -> str:
        value = re.search(rf"^\| {re.escape(label)} \| (.+?) \|$", section, flags=re.M)
        assert value, label
        return re.sub(r"\s*\(.*?\)", "", value[1]).strip()

    rows = {
        cells[0]: cells[1:4]
        for cells in (
            [c.strip() for c in line.strip("|").split("|")]
            for line in (PACK / "clinical-safety-case.md").read_text().splitlines()
            if re.match(r"\| H\d+\. ", line)
        )
    }
    assert sorted(rows) == sorted(sections)
    for title, section in sections.items():
        expected = [
            field(section, "Severity"),
            field(section, "Likelihood before / after"),
            field(section, "Risk before / after"),
        ]
        assert rows[title] == expected, title


def test_the_checks_catch_a_moved_file_a_renamed_test_a_bad_placeholder_and_an_unmarked_adr():
    """The checks themselves, on a page made to fail."""
    this = "tests/test_governance_pack.py"
    page = (
        f"`{this}::test_the_pack_holds_every_document_and_its_readme_lists_each` and `{this}::test_that_was_renamed`,\n"
        "`docs/moved-away.md`, `docs/deploy.md`, `assessments.E002`, `make serve`, [gone](gone.md), [ok](dtac.md).\n"
        "{{FIGURE: RTO}} {{OWNER: name}} {{FIGURE:}} {{figure: lower case}} {{OWNER: unclosed\n"
        "\n"
        "- Mail (ADR 0003 and 9998).\n"
        "- **Evidence to come:** ADR 9999.\n"
    )
    assert broken_citations(page, here=PACK) == [f"{this}::test_that_was_renamed", "docs/moved-away.md", "gone.md"]
    assert malformed_placeholders(page) == ["{{FIGURE:}} {{figure: lower case}} {{OWNER: unclosed"]
    assert unmarked_pending_adrs(page) == ["ADR 9998"]
