"""The house rules that no linter states: read from the source's syntax trees.

The floors themselves are import-linter's contract in pyproject.toml (run by
scripts/test); ruff's T20 finds most prints.  What is left is checked here:
no module imports another's private name, and no library module prints or
writes to the terminal, not even through ``print(..., file=...)``, which T20
lets pass.
"""

from __future__ import annotations

import ast
from pathlib import Path

import articlekit

PACKAGE = Path(articlekit.__file__).parent
#: The command line is the one part of articlekit that talks to a terminal.
PRINTS = PACKAGE / "cli"
#: Private names a module may still import from another, by importing module (none left).
PENDING: dict[str, set[str]] = {}


def _modules() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text(encoding="utf-8"))) for path in sorted(PACKAGE.rglob("*.py"))]


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def test_no_module_imports_a_private_name_of_another() -> None:
    found = [
        f"{path.relative_to(PACKAGE)}:{node.lineno}: {alias.name} from {'.' * node.level}{node.module or ''}"
        for path, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if (_private(alias.name) and alias.name not in PENDING.get(path.relative_to(PACKAGE).as_posix(), ()))
        or any(_private(part) for part in (node.module or "").split(".") if part != "_version")
    ]
    assert found == []


def test_the_library_never_prints() -> None:
    found = []
    for path, tree in _modules():
        if PRINTS in path.parents:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print":
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: print")
            elif (isinstance(node, ast.Attribute) and node.attr in ("stdout", "stderr")
                  and isinstance(node.value, ast.Name) and node.value.id == "sys"):
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: sys.{node.attr}")
    assert found == []
