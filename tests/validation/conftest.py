"""The validation tests' inputs, read from the checkout's files (no store): module-scoped, read-only.

``real``, ``shapes`` and ``ontology`` are the data, shapes and ontology graphs; ``broken`` is the
real data with every mutation of tests/mutations/ applied at once. A test that changes one works on
a copy (``_copy(real)``), since every test of a module gets the same graph.
tests/validation/test_validate_view.py defines its own ``real``, ``shapes`` and ``ontology`` (from
the built store), which override these.
"""

from __future__ import annotations

import pytest
import rdflib

from ksgraph.core.settings import Settings, project_root
from ksgraph.validation.validate import data_from_files, load_ontology, load_shapes

ROOT = project_root()
SETTINGS = Settings(store_dir=ROOT / ".unused", root=ROOT)
MUTATIONS = sorted((ROOT / "tests" / "mutations").glob("*.ru"))


@pytest.fixture(scope="module")
def real() -> rdflib.Graph:
    return data_from_files([SETTINGS.data_dir])


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    return load_shapes(SETTINGS)


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return load_ontology(SETTINGS)


@pytest.fixture(scope="module")
def broken() -> rdflib.Graph:
    """The real data with every mutation of tests/mutations applied: violations of most rules at once."""
    data = rdflib.Graph()
    data += data_from_files([SETTINGS.data_dir])
    for path in MUTATIONS:
        data.update(path.read_text(encoding="utf-8"))
    return data
