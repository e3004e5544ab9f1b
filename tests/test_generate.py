"""The benchmark generator (bench/generate.py): deterministic, and its data conforms to the shapes.

Benchmarks are only worth reading if the synthetic data is data the real system would accept, so the
generated groups are built and validated together with the real data through the real CLI.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import pyoxigraph as ox

from ksgraph.core.settings import project_root
from tests.conftest import run_cli

ROOT = project_root()
KS = "https://w3id.org/ksgraph/ontology#"


def _generator():
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_same_arguments_same_data_and_the_size_is_met_closely() -> None:
    gen = _generator()
    first = gen.generate(12_000, seed=7)
    assert first == gen.generate(12_000, seed=7)
    assert first != gen.generate(12_000, seed=8)
    # Sizes are met to within one group (a few hundred triples), not one whole healthcare region.
    assert 12_000 <= len(first) < 13_000


def test_a_later_batch_mints_iris_of_its_own() -> None:
    gen = _generator()
    subjects = {q.subject for q in gen.generate(3_000)}
    later = {q.subject for q in gen.generate(3_000, first_replica=5)}
    assert subjects and later and not subjects & later


def test_generated_data_with_the_real_data_conforms_to_the_shapes(tmp_path: Path) -> None:
    gen = _generator()
    home = tmp_path / "home"
    for part in ("ontology", "shapes", "queries", "data"):
        shutil.copytree(ROOT / part, home / part)
    # One healthcare region's RPOs and RSGs and the LPOs, LAGs, councils, decisions and LSGs of its
    # first region: every kind of resource the generator writes.
    quads = gen.generate(60_000)
    ox.serialize([q.triple for q in quads], str(home / "data" / "synthetic.ttl"), ox.RdfFormat.TURTLE)
    kinds = {q.object.value for q in quads if q.predicate.value.endswith("#type")}
    for kind in (
        "RegionalProgrammeArea",
        "RegionalCollaborationGroup",
        "LocalProgrammeArea",
        "LocalWorkingGroup",
        "LocalCollaborationGroup",
        "KnowledgeGovernanceCouncil",
        "Decision",
    ):
        assert KS + kind in kinds, kind

    env = {"KSGRAPH_HOME": str(home)}
    store = tmp_path / "store"
    built = run_cli("build", "--no-reason", store=store, env=env)
    assert built.returncode == 0, built.stderr
    checked = run_cli("validate", "--format", "json", store=store, env=env)
    report = json.loads(checked.stdout)
    synthetic = [r for r in report["results"] if "/synthetic/" in r["focusNode"]]
    assert report["violations"] == 0, [r for r in report["results"] if r["severity"] == "Violation"][:5]
    assert checked.returncode == 0
    assert synthetic == [], synthetic[:5]
    assert report["triples"] > len(quads)
