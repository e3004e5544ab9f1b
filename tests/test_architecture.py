"""The package's shape (docs/ARCHITECTURE.md): layers that point down, one settings reader, one write path.

These read the source, so a change that breaks the shape fails here with the module and line.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

from ksgraph.sparql.catalogue import named_queries
from tests.conftest import ROOT

PACKAGE = ROOT / "src" / "ksgraph"
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "static" not in p.parts)


def _name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_no_import_cycle_among_modules_counting_imports_inside_functions() -> None:
    graph = grimp.build_graph("ksgraph", cache_dir=None)
    cycles = []
    for module in sorted(graph.modules):
        for imported in graph.find_modules_directly_imported_by(module):
            # A cycle through this edge: the imported module leads back to the importer.
            if imported != module and graph.chain_exists(importer=imported, imported=module):
                cycles.append(f"{module} -> {imported} -> … -> {module}")
    assert cycles == []


def test_the_layer_contracts_hold() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(lint)], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def test_only_the_settings_module_reads_the_environment() -> None:
    readers = []
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv"):
                readers.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert all(r.startswith("src/ksgraph/core/settings.py") for r in readers), readers


def test_no_module_is_over_500_lines() -> None:
    long = {
        str(p.relative_to(ROOT)): n for p in MODULES if (n := len(p.read_text(encoding="utf-8").splitlines())) > 500
    }
    assert long == {}


def test_only_the_commit_path_opens_a_store_write() -> None:
    """``GraphStore.write()`` is a context manager; only :func:`ksgraph.changes.commit.commit` enters it."""
    writers = []
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.With):
                for item in node.items:
                    call = item.context_expr
                    if (
                        isinstance(call, ast.Call)
                        and isinstance(call.func, ast.Attribute)
                        and call.func.attr == "write"
                    ):
                        writers.append(_name(path))
    assert writers == ["ksgraph.changes.commit"]


@pytest.mark.parametrize("directory", [ROOT / "queries", PACKAGE / "sparql" / "queries"], ids=["named", "packaged"])
def test_every_query_file_says_its_question_parameters_and_answer(directory: Path) -> None:
    catalogue = named_queries(directory)
    assert catalogue
    unsaid = [name for name, query in catalogue.items() if not query.question or not query.returns]
    assert unsaid == []
    # Parameters are declared where they are bound: each declared one appears in the query.
    undeclared = [
        f"{name}: ?{p.name}"
        for name, query in catalogue.items()
        for p in query.params
        if f"?{p.name}" not in query.text
    ]
    assert undeclared == []
