"""SECURITY.md names the test behind each defence: every test it names exists."""

from __future__ import annotations

import ast
import re

from ksgraph.core.settings import project_root

ROOT = project_root()


def _tests_in(path: str) -> set[str]:
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    return {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name.startswith("test_")}


def test_every_test_named_in_security_md_exists() -> None:
    text = (ROOT / "SECURITY.md").read_text(encoding="utf-8")
    named = re.findall(r"`?(tests/[\w/]+\.py)::(test_\w+)", text)
    assert len(named) > 40
    missing = [f"{f}::{t}" for f, t in named if not (ROOT / f).is_file() or t not in _tests_in(f)]
    assert missing == []
