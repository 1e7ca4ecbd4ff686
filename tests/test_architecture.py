"""The layers hold: the domain imports no Excel library, no I/O layer, no front."""

from __future__ import annotations

import ast
from pathlib import Path

DOMAIN = Path(__file__).resolve().parents[1] / "addin" / "domain"
FORBIDDEN = ("openpyxl", "xlsxwriter", "python_calamine", "xlwings", "click", "pandas",
             "addin.io", "addin.cli", "addin.udfs", "addin.macros", "addin.app", "os", "pathlib",
             "subprocess", "zipfile", "shutil", "tempfile")


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_domain_is_pure():
    modules = sorted(DOMAIN.glob("*.py"))
    assert modules
    for module in modules:
        for name in imports_of(module):
            assert not any(name == f or name.startswith(f + ".") for f in FORBIDDEN), (
                f"{module.name} imports {name}")


def test_domain_does_no_file_io():
    for module in DOMAIN.glob("*.py"):
        text = module.read_text(encoding="utf-8")
        assert "open(" not in text and "read_text(" not in text, module.name
