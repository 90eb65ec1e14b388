"""The module layout the project promises: imports flow one way, one importer per SDK."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parent.parent / "src" / "imr_llm"

# Module -> the imr_llm modules it may import at module level (not inside functions).
ALLOWED = {
    "errors": set(),
    "schema": set(),
    "_casefold": set(),
    "_literals": set(),
    "config": {"errors"},
    "normalize": {"_casefold"},
    "reading": {"errors"},
    "citations": {"schema", "_casefold", "_literals"},
    "case_facts": {"schema", "_casefold", "_literals"},
    "rules": {"case_facts", "citations", "errors", "schema", "_casefold", "_literals"},
    "facts": {"schema", "_casefold", "_literals"},
    "explain": {"facts", "schema"},
    "prompting": {"schema"},
    "response": {"schema"},
    "llm": {"config", "errors", "schema"},
    "cache": {"errors", "prompting", "schema"},
    "merge": {"errors", "explain", "facts", "response", "schema"},
    "pipeline": {"errors", "explain", "normalize", "reading", "rules", "schema"},
    "letters": {"errors", "explain", "schema"},
    "tables": {"errors", "schema"},
    "notebook": {"schema"},
    "display": {"errors", "schema"},
    "batch": {"config", "errors", "pipeline", "schema"},
    "testing": set(),
    "cli": {"errors"},
    "__main__": {"cli"},  # ``python -m imr_llm``: the command's other door, nothing more
}


def top_level_imports(path: Path) -> tuple[set[str], set[str]]:
    """(imr_llm modules, other top-level packages) imported at module level."""
    ours: set[str] = set()
    others: set[str] = set()
    for node in ast.parse(path.read_text()).body:
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        for name in names:
            if name.startswith("imr_llm."):
                ours.add(name.split(".")[1])
            else:
                others.add(name.split(".")[0])
    return ours, others


def test_every_module_is_accounted_for() -> None:
    modules = {p.stem for p in PACKAGE.glob("*.py")} - {"__init__"}
    assert modules == set(ALLOWED)


def test_imports_flow_one_way() -> None:
    for name, allowed in ALLOWED.items():
        ours, _ = top_level_imports(PACKAGE / f"{name}.py")
        assert ours <= allowed, f"{name} imports {sorted(ours - allowed)}"


def test_only_llm_imports_the_sdks_and_nothing_imports_the_cli() -> None:
    for path in PACKAGE.glob("*.py"):
        _, others = top_level_imports(path)
        if path.stem != "llm":
            assert not others & {"openai", "instructor", "tenacity"}, path.name
        ours, _ = top_level_imports(path)
        if path.stem != "__main__":
            assert "cli" not in ours, path.name
