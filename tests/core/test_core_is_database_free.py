"""The core is plain functions and data: no module in assessments/core imports the database layer."""

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "assessments" / "core"


def imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_no_core_module_imports_django_db_or_the_models():
    modules = sorted(CORE.glob("*.py"))
    assert len(modules) >= 8
    for path in modules:
        for name in imported_modules(path):
            assert not name.startswith(("django.db", "assessments.models")), f"{path.name} imports {name}"
