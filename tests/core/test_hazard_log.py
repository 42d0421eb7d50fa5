"""The clinical safety hazard log names, for every control, the test that checks it: each named test must exist, so
a control cannot lose its test without this failing."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOG = ROOT / "docs" / "clinical-safety" / "hazard-log.md"
NAMED_TEST = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")
FIELDS = ("Description", "Causes", "Effect", "Harm", "Severity", "Likelihood before / after", "Risk before / after")
SEVERITIES = ("Minor", "Significant", "Considerable", "Major", "Catastrophic")
LIKELIHOODS = ("Very low", "Low", "Medium", "High", "Very high")
# DCB0129's risk matrix: the rating for each likelihood (rows, Very low first) and severity (columns, Minor first).
MATRIX = [[1, 1, 2, 2, 3], [1, 2, 2, 3, 4], [2, 2, 3, 3, 4], [2, 3, 3, 4, 5], [3, 4, 4, 5, 5]]


def hazards() -> dict[str, str]:
    """Each hazard's section of the log, by its heading ("H1. Distress not signposted")."""
    parts = re.split(r"^## (H\d+\. .+)$", LOG.read_text(), flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def defined_tests(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name.startswith("test_")}


def missing_tests(log_text: str) -> list[str]:
    """The `path::test_name` references in `log_text` with no such test function in that file."""
    return [
        f"{path}::{name}"
        for path, name in NAMED_TEST.findall(log_text)
        if not (ROOT / path).is_file() or name not in defined_tests(ROOT / path)
    ]


def field(section: str, name: str) -> str:
    match = re.search(rf"^\| {re.escape(name)} \| (.+?) \|$", section, flags=re.M)
    assert match, name
    return match[1]


def test_every_test_the_hazard_log_names_exists():
    assert len(NAMED_TEST.findall(LOG.read_text())) >= 30
    missing = missing_tests(LOG.read_text())
    assert missing == [], "The hazard log names tests that do not exist:\n" + "\n".join(missing)


def test_the_log_lists_the_hazards_the_issue_names_each_with_its_fields_and_a_test_for_its_controls():
    sections = hazards()
    titles = " ".join(sections).lower()
    for hazard in ("distress not signposted", "crisis lines shown", "blame implied", "misquoted", "a lead learns"):
        assert hazard in titles, hazard
    for title, section in sections.items():
        for name in FIELDS:
            field(section, name)
        assert NAMED_TEST.search(section), f"{title}: no test checks its controls"


def test_every_risk_rating_is_the_one_dcb0129s_matrix_gives():
    for title, section in hazards().items():
        severity = field(section, "Severity")
        assert severity in SEVERITIES, (title, severity)
        likelihood_field = field(section, "Likelihood before / after")
        likelihoods = [re.sub(r"\s*\(.*?\)", "", x).strip() for x in likelihood_field.split(" / ")]
        ratings = [int(x) for x in field(section, "Risk before / after").split(" / ")]
        for likelihood, rating in zip(likelihoods, ratings, strict=True):
            expected = MATRIX[LIKELIHOODS.index(likelihood)][SEVERITIES.index(severity)]
            assert rating == expected, (title, likelihood, severity, rating, expected)


def test_the_log_says_plainly_that_the_deploying_organisations_clinical_safety_officer_must_review_and_own_it():
    text = " ".join(LOG.read_text().replace("**", "").replace("\n> ", "\n").split())
    assert "has not been reviewed or approved by a Clinical Safety Officer" in text
    assert "Clinical Safety Officer (CSO) of the deploying organisation must review" in text
    assert "own this log under DCB0160" in text


def test_a_renamed_test_or_a_moved_file_is_caught():
    """The check itself, on a log made to fail."""
    this = "tests/core/test_hazard_log.py"
    log = (
        f"- `{this}::test_every_test_the_hazard_log_names_exists`\n"
        f"- `{this}::test_that_was_renamed`\n"
        "- `tests/core/test_moved_away.py::test_anything`\n"
    )
    assert missing_tests(log) == [f"{this}::test_that_was_renamed", "tests/core/test_moved_away.py::test_anything"]
