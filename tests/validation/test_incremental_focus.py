"""The focus of an import is exact (issue 18, item 5).

For a change, :func:`ksgraph.validation.focus.touched_nodes` with the shapes names the nodes whose
results can differ. Both halves are checked against full validations before and after the change,
on every mutation of tests/mutations/ and on random changes to the real data:

- the targeted report equals the full report after the change, restricted to the focus;
- outside the focus, the full reports before and after the change are the same.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib.graph import ReadOnlyGraphAggregate
from rdflib.namespace import RDF

from ksgraph.core.settings import project_root
from ksgraph.validation.focus import touched_nodes
from ksgraph.validation.reads import SHACL, shape_reads
from ksgraph.validation.sparql_reads import Group, read_groups, scoped_reads
from ksgraph.validation.validate import Report, load_shapes, validate
from tests.validation.conftest import MUTATIONS, SETTINGS

ROOT = project_root()
W3C_SPARQL = ROOT.parent / "shared" / "conformance" / "w3c-data-shapes" / "tests" / "sparql"
KS = "https://w3id.org/ksgraph/ontology#"
ORG = "http://www.w3.org/ns/org#"
PREF_LABEL = rdflib.URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")

Triple = tuple[rdflib.term.Node, rdflib.term.Node, rdflib.term.Node]


@pytest.fixture(scope="module")
def before(real: rdflib.Graph, shapes: rdflib.Graph, ontology: rdflib.Graph) -> Report:
    return validate(_copy(real), SETTINGS, shapes=shapes, ontology=ontology)


def _copy(graph: rdflib.Graph) -> rdflib.Graph:
    copy = rdflib.Graph()
    copy += graph
    return copy


def _results(report: Report, keep: object) -> list[str]:
    return sorted(repr(r.as_dict()) for r in report.results if keep(r.focus))  # type: ignore[operator]


def assert_exact(
    before: Report, after: rdflib.Graph, changed: list[Triple], shapes: rdflib.Graph, ontology: rdflib.Graph
) -> set[str]:
    focus = touched_nodes(ReadOnlyGraphAggregate([after, ontology]), changed, shapes)
    assert focus is not None  # no change below touches the class hierarchy
    full = validate(_copy(after), SETTINGS, shapes=shapes, ontology=ontology)
    targeted = validate(_copy(after), SETTINGS, focus=focus, shapes=shapes, ontology=ontology)
    assert _results(targeted, lambda f: True) == _results(full, lambda f: f in focus)
    assert _results(full, lambda f: f not in focus) == _results(before, lambda f: f not in focus)
    return focus


@pytest.mark.parametrize("path", MUTATIONS, ids=[p.stem for p in MUTATIONS])
def test_the_focus_of_every_mutation_is_exact(
    path: Path, real: rdflib.Graph, before: Report, shapes: rdflib.Graph, ontology: rdflib.Graph
) -> None:
    mutated = _copy(real)
    mutated.update(path.read_text(encoding="utf-8"))
    changed = list((mutated - real) + (real - mutated))
    assert changed
    head = dict(line[2:].split(": ", 1) for line in path.read_text(encoding="utf-8").splitlines() if ": " in line[2:])
    focus = assert_exact(before, mutated, changed, shapes, ontology)
    assert head["focus"] in focus


# -- random changes ----------------------------------------------------------------------------

_LINKS = [ORG + "reportsTo", KS + "counterpartOf", KS + "hostedBy", KS + "scope", ORG + "postIn", ORG + "role"]
_LINKS += [KS + "represents", ORG + "heldBy", ORG + "member", ORG + "organization", KS + "status", KS + "field"]


@st.composite
def changes(draw: st.DrawFn, real: rdflib.Graph) -> tuple[list[Triple], list[Triple]]:
    """Up to 6 triples removed and 6 added: links, types and labels between the data's own resources."""
    triples = sorted(real, key=str)
    resources = sorted({s for s, _, _ in triples if isinstance(s, rdflib.URIRef)}, key=str)
    classes = sorted({o for _, p, o in triples if p == RDF.type}, key=str)
    removed = draw(st.lists(st.sampled_from(triples), max_size=6, unique=True))
    added: list[Triple] = []
    for _ in range(draw(st.integers(min_value=0, max_value=6))):
        s = draw(st.sampled_from(resources))
        kind = draw(st.sampled_from(["link", "type", "label"]))
        if kind == "type":
            added.append((s, RDF.type, draw(st.sampled_from(classes))))
        elif kind == "label":
            added.append(
                (s, rdflib.URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"), rdflib.Literal("x", lang="sv"))
            )
        else:
            added.append((s, rdflib.URIRef(draw(st.sampled_from(_LINKS))), draw(st.sampled_from(resources))))
    return removed, added


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_focus_of_random_changes_is_exact(
    data: st.DataObject, real: rdflib.Graph, before: Report, shapes: rdflib.Graph, ontology: rdflib.Graph
) -> None:
    removed, added = data.draw(changes(real))
    after = _copy(real)
    for triple in removed:
        after.remove(triple)
    for triple in added:
        after.add(triple)
    changed = list((after - real) + (real - after))
    if changed:
        assert_exact(before, after, changed, shapes, ontology)


# -- what the focus is built from --------------------------------------------------------------


def test_a_change_of_the_class_hierarchy_makes_the_focus_every_node(real: rdflib.Graph, shapes: rdflib.Graph) -> None:
    change = [(rdflib.URIRef(KS + "NationalProgrammeArea"), rdflib.RDFS.subClassOf, rdflib.URIRef(KS + "Region"))]
    assert touched_nodes(real, change, shapes) is None


def test_a_shape_reading_every_healthcare_region_puts_its_targets_in_the_focus(
    real: rdflib.Graph, shapes: rdflib.Graph
) -> None:
    """R5 enumerates every healthcare region: typing a new one changes SKS's result, far from SKS."""
    new = rdflib.URIRef("https://w3id.org/ksgraph/id/healthcare-region/new")
    focus = touched_nodes(real, [(new, RDF.type, rdflib.URIRef(KS + "HealthcareRegion"))], shapes)
    assert focus is not None and "https://w3id.org/ksgraph/id/group/sks" in focus
    reads = shape_reads(shapes)
    assert (RDF.type, rdflib.URIRef(KS + "HealthcareRegion")) in reads.everywhere[
        rdflib.URIRef("https://w3id.org/ksgraph/shapes#R05-sks-all-healthcare-regions")
    ]


def _selects(graph: rdflib.Graph) -> list[tuple[str, dict[str, str]]]:
    declared = {
        str(graph.value(d, SHACL.prefix)): str(graph.value(d, SHACL.namespace))
        for d in graph.subjects(SHACL.prefix, None)
    }
    declared |= {prefix: str(ns) for prefix, ns in graph.namespaces() if prefix}
    return [(str(text), declared) for text in graph.objects(None, SHACL.select)]


def _queries() -> list[tuple[str, dict[str, str]]]:
    found = _selects(load_shapes(SETTINGS))
    for path in sorted(W3C_SPARQL.rglob("*.ttl")):
        if path.name != "manifest.ttl":
            found += _selects(rdflib.Graph().parse(path, format="turtle"))
    return found


@pytest.mark.parametrize(("text", "prefixes"), _queries())
def test_the_fast_query_reader_reads_what_rdflib_reads(text: str, prefixes: dict[str, str]) -> None:
    """The focus reads each SPARQL constraint with a small reader (rdflib's parser is 0.5 s a query)."""
    slow = read_groups(text, prefixes, fast=False)
    fast = read_groups(text, prefixes, fast=True)
    assert isinstance(slow, Group) and isinstance(fast, Group)
    (fast_paths, fast_everywhere), (slow_paths, slow_everywhere) = scoped_reads(fast), scoped_reads(slow)
    assert set(fast_paths) == set(slow_paths)
    assert fast_everywhere == slow_everywhere
