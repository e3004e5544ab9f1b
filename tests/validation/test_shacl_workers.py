"""Validation shared among processes (ksgraph.validation.workers) reports exactly what one process does."""

from __future__ import annotations

import multiprocessing
import os

import pytest
import rdflib

from ksgraph.core.settings import SettingsError, load_settings, project_root
from ksgraph.validation import workers as shacl_workers
from ksgraph.validation.validate import load_ontology, load_shapes, targets, validate
from tests.validation.conftest import SETTINGS

ROOT = project_root()


def _results(data: rdflib.Graph, processes: int) -> list[dict[str, object]]:
    copy = rdflib.Graph()
    copy += data
    report = validate(copy, SETTINGS, processes=processes, parallel_from=0)
    return [r.as_dict() for r in report.results]


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")
@pytest.mark.parametrize("processes", [2, 3])
def test_shared_validation_reports_what_one_process_reports(broken: rdflib.Graph, processes: int) -> None:
    alone = _results(broken, 1)
    rules = {r["rule"] for r in alone if r["severity"] == "Violation"}
    assert len(rules) >= 10, rules  # many shapes fail, so the shares' reports really are merged
    assert _results(broken, processes) == alone


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")
def test_the_work_is_really_shared(broken: rdflib.Graph, monkeypatch: pytest.MonkeyPatch) -> None:
    """The calling process validates only its share; the rest comes from a forked process."""
    seen: list[tuple[int, int]] = []
    original = shacl_workers.run

    def spy(runner, data, shapes, weight, processes=None, parallel_from=None):  # type: ignore[no-untyped-def]
        def recording(share: rdflib.Graph) -> rdflib.Graph:
            seen.append((os.getpid(), sum(1 for p in shacl_workers.TARGETS for _ in share.triples((None, p, None)))))
            return runner(share)

        return original(recording, data, shapes, weight, processes, parallel_from)

    monkeypatch.setattr(shacl_workers, "run", spy)
    shapes = load_shapes(SETTINGS)
    all_targets = sum(1 for p in shacl_workers.TARGETS for _ in shapes.triples((None, p, None)))
    _results(broken, 2)
    # Only this process's call is recorded here (the child's list is its own copy).
    assert seen and all(pid == os.getpid() for pid, _ in seen)
    assert len(seen) == 1 and 0 < seen[0][1] < all_targets


def test_the_shares_divide_the_targeted_shapes(broken: rdflib.Graph) -> None:
    shapes = load_shapes(SETTINGS)
    data = rdflib.Graph()
    data += broken
    data += load_ontology(SETTINGS)
    shares = shacl_workers.split(shapes, lambda s: len(targets(shapes, s, data)), 3)

    def targeted(graph: rdflib.Graph) -> set[rdflib.term.Node]:
        return {s for p in shacl_workers.TARGETS for s in graph.subjects(p, None)}

    owned = [targeted(share) for share in shares]
    assert all(owned)
    assert set().union(*owned) == targeted(shapes)
    assert sum(len(o) for o in owned) == len(targeted(shapes))  # each shape in exactly one share
    # Every share keeps every shape (without targets), so references between shapes still resolve.
    untargeted = {(s, p, o) for s, p, o in shapes if p not in shacl_workers.TARGETS}
    assert all(untargeted <= set(share) for share in shares)


def test_a_bad_worker_count_is_a_clear_error() -> None:
    with pytest.raises(SettingsError, match="KSGRAPH_VALIDATE_WORKERS"):
        load_settings(env={"KSGRAPH_VALIDATE_WORKERS": "two"})
    configured = load_settings(env={"KSGRAPH_VALIDATE_WORKERS": "1"}).validate_workers
    assert configured == 1 and shacl_workers.workers(configured) == 1
