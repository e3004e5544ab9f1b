"""Helpers for the tests of the data of issue 19: named queries on a real store, and the stated-only data."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

from ksgraph.changes.build import build
from ksgraph.core.settings import Settings
from ksgraph.sparql.catalogue import named_queries
from ksgraph.sparql.params import bind_params
from ksgraph.sparql.run import rows, run
from tests.conftest import ROOT, SHARED

ID = "https://w3id.org/ksgraph/id/"
KS = "https://w3id.org/ksgraph/ontology#"
SEEDS = SHARED / "seeds"
# The two graphs whose facts are not the sources' words (data/interpretations.ttl, data/general-knowledge.ttl).
NOT_STATED = ("interpretations", "general-knowledge")


def answer(store: ox.Store, name: str, inferred: bool = True, **params: str) -> list[dict[str, str | None]]:
    """The rows of a named query of queries/, values as plain strings."""
    query = named_queries(ROOT / "queries")[name]
    result = run(store, query.text, inferred=inferred, substitutions=bind_params(query, params))
    assert isinstance(result, ox.QuerySolutions)
    variables, table = rows(result)
    return [{v: (t.value if t is not None else None) for v, t in zip(variables, row, strict=True)} for row in table]


def stated_only_settings(tmp: Path) -> Settings:
    """A project whose data/ is the checkout's minus the interpretations and the general knowledge, built.

    The ontology, shapes and queries are the checkout's own (linked, not copied).
    """
    root = tmp / "project"
    (root / "data").mkdir(parents=True)
    for part in ("ontology", "shapes", "queries"):
        (root / part).symlink_to(ROOT / part, target_is_directory=True)
    for path in sorted((ROOT / "data").glob("*.ttl")):
        if path.stem not in NOT_STATED:
            (root / "data" / path.name).symlink_to(path)
    settings = Settings(store_dir=tmp / "store", root=root)
    # Without general knowledge R13 cannot hold (no source names 17 regions' healthcare regions),
    # so this store is built without the shapes; test_data_basis checks which rules that leaves broken.
    build(settings, validate=False)
    return settings


def seed_text(number: str) -> str:
    """The text of a seed file (shared/seeds/NNN_*.txt), whitespace collapsed."""
    (path,) = SEEDS.glob(f"{number}_*.txt")
    return re.sub(r"\s+", " ", path.read_text(encoding="utf-8"))
