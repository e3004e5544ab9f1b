"""SPARQL constraints evaluated in bulk with pyoxigraph give pySHACL's results, per focus node."""

from __future__ import annotations

import pytest

from ksgraph.core.settings import Settings
from ksgraph.store.versions import GraphStore
from ksgraph.validation import validate as validation
from ksgraph.validation.sparql import bulk_constraints, prebound


def results(report: validation.Report) -> list[tuple[object, ...]]:
    return sorted((r.rule, r.severity, r.focus, r.value, r.message_sv, r.message_en) for r in report.results)


def test_bulk_and_pyshacl_agree_on_the_real_data_with_a_broken_rule(
    scratch_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Break R13 (a region in two healthcare regions without a documented exception), a SPARQL rule.
    with GraphStore(scratch_settings.store_dir).write() as store:
        store.update(
            "INSERT DATA { GRAPH <https://w3id.org/ksgraph/graph/data/actors> { "
            "<https://w3id.org/ksgraph/id/region/kalmar> "
            "<https://w3id.org/ksgraph/ontology#partOfHealthcareRegion> "
            "<https://w3id.org/ksgraph/id/healthcare-region/sodra> } }"
        )
    data = validation.data_from_store(GraphStore(scratch_settings.store_dir).open_read())
    shapes = validation.load_shapes(scratch_settings)
    assert len(bulk_constraints(shapes)) >= 20
    bulk = validation.validate(data, scratch_settings, shapes=shapes)
    monkeypatch.setattr(validation, "bulk_constraints", lambda _shapes: [])
    data = validation.data_from_store(GraphStore(scratch_settings.store_dir).open_read())
    pyshacl_only = validation.validate(data, scratch_settings, shapes=shapes)
    assert results(bulk) == results(pyshacl_only)
    assert any(r.rule == "R13" and r.focus.endswith("region/kalmar") for r in bulk.violations)
    assert not bulk.conforms


def test_focus_nodes_are_prebound_at_the_start_of_the_outer_group() -> None:
    text = "SELECT $this ?value WHERE {\n  FILTER NOT EXISTS { $this <urn:p> ?value }\n}"
    bound = prebound(text, ["urn:b", "urn:a"])
    assert bound.startswith("SELECT $this ?value WHERE { VALUES ?this { <urn:a> <urn:b> }")
    assert bound.endswith("FILTER NOT EXISTS { $this <urn:p> ?value }\n}")
