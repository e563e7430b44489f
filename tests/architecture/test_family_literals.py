"""No code outside a family's folder, the registry and the tests names a scenario family.

A family is one folder and a declaration (`scenarios/<family>/`, listed in `scenarios/registry.py`); every other
module reads the declarations. This test reads every string literal of the package's code (docstrings and comments
are prose, not code) and fails on one that is a family name, a setting id of a family, or a prefix of a family name
used to recognise families (e.g. `startswith("exfiltration")`).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from peer_preservation.scenarios.registry import names

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "peer_preservation"
ALLOWED = {PACKAGE / "scenarios" / "registry.py", *(PACKAGE / "scenarios" / name for name in names())}


def _allowed(path: Path) -> bool:
    return any(path == a or a in path.parents for a in ALLOWED)


def _prose(tree: ast.AST) -> set[int]:
    """Strings that are statements of their own: docstrings and the like."""
    return {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)}


def _prefixes(tree: ast.AST) -> set[int]:
    """Strings passed to `startswith`: there a prefix of a family name recognises families."""
    return {
        id(arg)
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "startswith"
        for arg in n.args
    }


def _names_family(text: str, prefix: bool) -> bool:
    if prefix and any(name.startswith(text) for name in names()):
        return True
    return any(text == name or re.match(rf"{re.escape(name)}[/;:@]", text) for name in names())


def family_literals(source: str) -> list[tuple[int, str]]:
    tree = ast.parse(source)
    prose, prefixes = _prose(tree), _prefixes(tree)
    found = [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in prose
        if _names_family(node.value, id(node) in prefixes)
    ]
    return sorted(found)


def test_the_checker_finds_what_it_looks_for() -> None:
    code = 'x = "tampering"\ny = s.startswith("exfiltration")\nz = "misrep_finance/peer/good"\n"""tampering"""\n'
    assert [line for line, _ in family_literals(code)] == [1, 2, 3]
    assert family_literals('flag = "exfiltration"\ncolumn = "alignment_faking_mode"\n') == []


def test_no_module_outside_the_family_folders_names_a_family() -> None:
    found = [
        f"{path.relative_to(PACKAGE)}:{line}: {text!r}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if not _allowed(path)
        for line, text in family_literals(path.read_text(encoding="utf-8"))
    ]
    assert found == []
