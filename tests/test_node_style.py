"""Every ``Node(...)`` in the project is built with keyword arguments only.

Why: a node's inputs and outputs are its contract with the catalog (and the privacy
boundary check reads them); ``Node(f, ["a", "b"], "c")`` hides which list is which, and a
swapped pair still builds.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "dp_instructions"


def _node_calls(tree: ast.AST):
    for call in ast.walk(tree):
        if isinstance(call, ast.Call):
            name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", None)
            if name in ("Node", "node"):
                yield call


@pytest.mark.parametrize("path", sorted(SRC.rglob("*.py")), ids=lambda p: str(p.relative_to(SRC)))
def test_nodes_use_keyword_arguments(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    positional = [f"{path.name}:{call.lineno}" for call in _node_calls(tree) if call.args]
    assert not positional, f"Node(...) with positional arguments (use func=, inputs=, outputs=, name=): {positional}"


def test_the_check_sees_the_pipelines() -> None:
    calls = [c for p in (SRC / "pipelines").rglob("pipeline.py") for c in _node_calls(ast.parse(p.read_text()))]
    assert len(calls) >= 20
