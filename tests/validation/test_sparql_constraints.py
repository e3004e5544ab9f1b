"""SPARQL constraints evaluated in pyoxigraph give SHACL's pre-binding results, as pySHACL does, per focus node."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from ksgraph.core.settings import Settings, project_root
from ksgraph.store.versions import GraphStore
from ksgraph.validation import prebinding as sparql_prebinding
from ksgraph.validation import sparql as sparql_constraints
from ksgraph.validation import validate as validation
from ksgraph.validation.prebinding import Mode, Refused, at_every_group, group_starts, plan
from ksgraph.validation.sparql import ShapesError, bulk_constraints, evaluate, prebound, to_store
from tests.validation.conftest import SETTINGS

ROOT = project_root()
KS = "https://w3id.org/ksgraph/ontology#"
ID = "https://w3id.org/ksgraph/id/"


def results(report: validation.Report) -> list[tuple[str, ...]]:
    return sorted((r.rule, r.severity, r.focus, r.value or "", r.message_sv, r.message_en) for r in report.results)


def _copy(graph: rdflib.Graph) -> rdflib.Graph:
    out = rdflib.Graph()
    out += graph
    return out


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
    monkeypatch.setattr(validation, "bulk_constraints", lambda _shapes, _cache=None: [])
    data = validation.data_from_store(GraphStore(scratch_settings.store_dir).open_read())
    pyshacl_only = validation.validate(data, scratch_settings, shapes=shapes)
    assert results(bulk) == results(pyshacl_only)
    assert any(r.rule == "R13" and r.focus.endswith("region/kalmar") for r in bulk.violations)
    assert not bulk.conforms


def test_bulk_and_pyshacl_agree_with_every_mutation_applied(
    broken: rdflib.Graph, shapes: rdflib.Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    ours = validation.validate(_copy(broken), SETTINGS, shapes=shapes, processes=1)
    monkeypatch.setattr(validation, "bulk_constraints", lambda _shapes, _cache=None: [])
    reference = validation.validate(_copy(broken), SETTINGS, shapes=shapes, processes=1)
    assert results(ours) == results(reference)
    assert len({r.rule for r in ours.violations}) >= 10


def test_every_constraint_of_the_shapes_runs_once_for_all_its_focus_nodes(shapes: rdflib.Graph) -> None:
    # The speed of a full validation rests on this (docs/VALIDATION.md): one query per constraint.
    slow = {str(c.shape): c.plan.reasons for c in bulk_constraints(shapes) if c.plan.mode is not Mode.BULK}
    assert not slow


def test_bulk_equals_pre_binding_focus_node_by_focus_node(broken: rdflib.Graph, shapes: rdflib.Graph) -> None:
    """What the static decision claims for the project's constraints: the VALUES join gives SHACL's results."""
    data = _copy(broken)
    data += validation.load_ontology(SETTINGS)
    store = to_store(data)
    compared = 0
    for constraint in bulk_constraints(shapes):
        focus = validation.targets(shapes, constraint.shape, data)
        per_node = dataclasses.replace(constraint, plan=dataclasses.replace(constraint.plan, mode=Mode.PER_NODE))
        bulk_report, node_report = rdflib.Graph(), rdflib.Graph()
        assert evaluate(constraint, focus, store, bulk_report) == evaluate(per_node, focus, store, node_report)
        assert _results(bulk_report) == _results(node_report), constraint.shape
        compared += len(_results(bulk_report))
    assert compared  # the broken data does break SPARQL rules


def _results(report: rdflib.Graph) -> list[tuple[str, ...]]:
    sh = sparql_constraints.SH
    return sorted(
        tuple(str(report.value(r, p)) for p in (sh.focusNode, sh.value, sh.sourceShape, sh.resultMessage))
        for r in report.subjects(rdflib.RDF.type, sh.ValidationResult)
    )


NESTED = f"""
    SELECT $this ?value WHERE {{
        $this <{KS}hostedBy> ?value .
        {{ FILTER ($this != <{ID}npo/akut-vard>) }}
    }}"""


@pytest.mark.parametrize(
    "select",
    [
        NESTED,
        # $this in one UNION branch's FILTER only.
        f"SELECT $this ?value WHERE {{ $this <{KS}hostedBy> ?value . "
        f"{{ FILTER ($this = <urn:x:none>) }} UNION {{ FILTER ($this != <{ID}npo/akut-vard>) }} }}",
    ],
    ids=["nested-group", "union-branch"],
)
def test_this_in_a_nested_filter_is_pre_bound_as_pyshacl_binds_it(select: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A steward's rule the VALUES join would silently miss: every NPO but one is reported, as by pySHACL."""
    shapes = rdflib.Graph().parse(
        data=f"""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:x:Hosted> a sh:NodeShape ; sh:targetClass <{KS}NationalProgrammeArea> ;
            sh:sparql [ sh:message "{{$this}} is hosted by {{?value}}"@en ; sh:select \"\"\"{select}\"\"\" ] .
        """,
        format="turtle",
    )
    (constraint,) = bulk_constraints(shapes)
    assert constraint.plan.mode is Mode.PER_NODE
    real = validation.data_from_files([SETTINGS.data_dir])
    ours = validation.validate(_copy(real), SETTINGS, shapes=shapes, ontology=rdflib.Graph())
    monkeypatch.setattr(validation, "bulk_constraints", lambda _shapes, _cache=None: [])
    reference = validation.validate(_copy(real), SETTINGS, shapes=shapes, ontology=rdflib.Graph())
    npos = {str(n) for n in real.subjects(rdflib.RDF.type, rdflib.URIRef(KS + "NationalProgrammeArea"))}
    assert {r.focus for r in ours.results} == npos - {ID + "npo/akut-vard"}
    # pySHACL drops the message's language tag; the text is the same.
    assert _said(ours) == _said(reference)
    first = ours.results[0]
    assert first.message_en == f"{first.focus} is hosted by {first.value}"


def test_this_is_pre_bound_inside_a_sub_select() -> None:
    """SHACL joins $this into the sub-SELECT's patterns too (W3C sparql/pre-binding/pre-binding-007); pySHACL 0.40
    reports every focus node here."""
    shapes = rdflib.Graph().parse(
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:x:S> a sh:NodeShape ; sh:targetSubjectsOf <urn:x:p> ; sh:sparql [ sh:select \"\"\"
            SELECT $this WHERE { $this <urn:x:p> ?v . { SELECT $this WHERE { FILTER ($this != <urn:x:a>) } } }
        \"\"\" ] .
        """,
        format="turtle",
    )
    data = rdflib.Graph().parse(data="<urn:x:a> <urn:x:p> 1 . <urn:x:b> <urn:x:p> 2 .", format="turtle")
    report = validation.validate(data, SETTINGS, shapes=shapes, ontology=rdflib.Graph())
    assert [r.focus for r in report.results] == ["urn:x:b"]


def _said(report: validation.Report) -> list[tuple[str, ...]]:
    return sorted((r.rule, r.focus, r.value or "", r.message_en) for r in report.results)


def test_the_value_of_a_node_shape_result_is_its_focus_node_unless_the_query_binds_one() -> None:
    shapes = rdflib.Graph().parse(
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:x:S> a sh:NodeShape ; sh:targetNode <urn:x:a> ;
            sh:sparql [ sh:select "SELECT $this WHERE { $this <urn:x:p> ?o }" ] ,
                      [ sh:select "SELECT $this ?value WHERE { $this <urn:x:p> ?value }" ] .
        """,
        format="turtle",
    )
    data = rdflib.Graph().parse(data="<urn:x:a> <urn:x:p> <urn:x:b> .", format="turtle")
    report = validation.validate(data, SETTINGS, shapes=shapes, ontology=rdflib.Graph())
    assert sorted(r.value or "" for r in report.results) == ["urn:x:a", "urn:x:b"]


@pytest.mark.parametrize(
    ("select", "refused"),
    [
        ("SELECT $this WHERE { $this ?p ?o . MINUS { $this ?p 'x' } }", "MINUS"),
        ("SELECT $this WHERE { $this ?p ?o . SERVICE <http://example.org/> { ?a ?b ?c } }", "SERVICE"),
        ("SELECT $this WHERE { VALUES ?o { 1 } $this ?p ?o }", "VALUES"),
        ("SELECT $this WHERE { $this ?p ?o } VALUES ?o { 1 }", "VALUES"),
        ("SELECT $this WHERE { BIND (<urn:x:a> AS ?this) }", "AS ?this"),
        ("SELECT (<urn:x:a> AS ?this) WHERE { ?s ?p ?o }", "AS ?this"),
        ("SELECT $this WHERE { $this ?p ?o . { SELECT ?o WHERE { ?o ?q ?r } } }", "must return the pre-bound"),
        ("SELECT $this WHERE { { SELECT * WHERE { FILTER (bound($this)) } } }", "SELECT *"),
    ],
)
def test_what_shacl_forbids_for_pre_binding_is_refused(select: str, refused: str) -> None:
    with pytest.raises(Refused, match=refused.replace("?", r"\?").replace("*", r"\*")):
        plan(select)


@pytest.mark.parametrize(
    ("select", "mode"),
    [
        ("SELECT $this ?value WHERE { $this <urn:x:p> ?value FILTER NOT EXISTS { ?value <urn:x:q> $this } }", "bulk"),
        ("SELECT $this WHERE { FILTER ($this = <urn:x:a>) BIND ($this AS ?that) }", "bulk"),
        ("SELECT $this WHERE { OPTIONAL { $this <urn:x:p> ?v FILTER (?v != $this) } }", "bulk"),
        ("SELECT * WHERE { $this <urn:x:p> ?v }", "bulk"),
        ("SELECT $this WHERE { { ?a <urn:x:p> ?b OPTIONAL { ?b <urn:x:q> $this } } }", "per focus node"),
        ("SELECT $this WHERE { { ?a ?b ?c FILTER NOT EXISTS { ?a ?b $this } } }", "per focus node"),
        ("SELECT $this (COUNT(*) AS ?n) WHERE { $this ?p ?o } GROUP BY $this", "per focus node"),
        ("SELECT $this WHERE { $this ?p ?o } LIMIT 1", "per focus node"),
        ("SELECT ?value WHERE { $this <urn:x:p> ?value }", "per focus node"),
        ("SELECT $this WHERE { { SELECT $this WHERE { $this ?p ?o } LIMIT 1 } }", "per focus node"),
    ],
)
def test_bulk_only_where_the_join_is_pre_binding(select: str, mode: str) -> None:
    assert plan(select).mode.value == mode


def test_pre_bound_values_are_joined_at_the_start_of_every_group_but_not_inside_strings() -> None:
    text = "SELECT $this WHERE { ?s <urn:x:p> '{' # {\n { SELECT $this WHERE { FILTER (bound($this)) } } }"
    assert [text[i - 1] for i in group_starts(text)] == ["{", "{"]
    row = [ox.NamedNode("urn:x:a")]
    bound = at_every_group(text, ["this"], row)
    assert bound.count("VALUES (?this) { (<urn:x:a>) }") == 2
    assert "<urn:x:p> '{' # {" in bound
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:x:a"), ox.NamedNode("urn:x:p"), ox.Literal("{")))
    assert [s["this"] for s in store.query(bound)] == [ox.NamedNode("urn:x:a")]


def test_focus_nodes_are_prebound_at_the_start_of_the_outer_group() -> None:
    text = "SELECT $this ?value WHERE {\n  FILTER NOT EXISTS { $this <urn:p> ?value }\n}"
    bound = prebound(text, ["urn:b", "urn:a"])
    assert bound.startswith("SELECT $this ?value WHERE { VALUES (?this) { (<urn:a>) (<urn:b>) }")
    assert bound.endswith("FILTER NOT EXISTS { $this <urn:p> ?value }\n}")


PREFIXES = """
    @prefix sh: <http://www.w3.org/ns/shacl#> .
    @prefix owl: <http://www.w3.org/2002/07/owl#> .
    <urn:x:base> sh:declare [ sh:prefix "x" ; sh:namespace "urn:x:"^^<http://www.w3.org/2001/XMLSchema#anyURI> ] .
    <urn:x:mine> a owl:Ontology ; owl:imports <urn:x:base> ;
        sh:declare [ sh:prefix "y" ; sh:namespace "urn:y:"^^<http://www.w3.org/2001/XMLSchema#anyURI> ] .
    <urn:x:S> a sh:NodeShape ; sh:targetNode <urn:x:a> ;
        sh:sparql [ sh:prefixes <urn:x:mine> ; sh:select "SELECT $this WHERE { $this x:p y:q }" ] .
"""


def test_prefixes_are_found_through_the_ontologies_sh_prefixes_imports() -> None:
    shapes = rdflib.Graph().parse(data=PREFIXES, format="turtle")
    (constraint,) = bulk_constraints(shapes)
    assert dict(constraint.prefixes) == {"x": "urn:x:", "y": "urn:y:"}
    data = rdflib.Graph().parse(data="<urn:x:a> <urn:x:p> <urn:y:q> .", format="turtle")
    report = validation.validate(data, SETTINGS, shapes=shapes, ontology=rdflib.Graph())
    assert [r.focus for r in report.results] == ["urn:x:a"]


def test_a_prefix_declared_twice_differently_is_an_error_naming_the_shape() -> None:
    shapes = rdflib.Graph().parse(
        data=PREFIXES + ' <urn:x:mine> sh:declare [ sh:prefix "x" ; sh:namespace "urn:other:" ] .', format="turtle"
    )
    with pytest.raises(ShapesError, match=r"<urn:x:S>: sh:prefixes declares x: twice"):
        bulk_constraints(shapes)


def test_a_query_that_does_not_parse_is_an_error_naming_the_shape() -> None:
    shapes = rdflib.Graph().parse(
        data="<urn:x:S> a <http://www.w3.org/ns/shacl#NodeShape> ; <http://www.w3.org/ns/shacl#sparql> "
        '[ <http://www.w3.org/ns/shacl#select> "SELECT $this WHERE { $this ?p }" ] .',
        format="turtle",
    )
    with pytest.raises(ShapesError, match=r"<urn:x:S>: its SPARQL constraint is not valid: .*line 1"):
        bulk_constraints(shapes)


def test_the_turtle_report_does_not_conform_when_there_are_only_warnings_and_infos(shapes: rdflib.Graph) -> None:
    report = validation.validate(validation.data_from_files([SETTINGS.data_dir]), SETTINGS, shapes=shapes)
    assert report.conforms and report.results and not report.violations  # the real data: warnings and infos
    sh = sparql_constraints.SH
    (node,) = report.graph.subjects(rdflib.RDF.type, sh.ValidationReport)
    assert report.graph.value(node, sh.conforms) == rdflib.Literal(False)
    assert len(set(report.graph.objects(node, sh.result))) == len(report.results)


def test_decisions_are_kept_on_disk_and_a_damaged_entry_is_decided_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    query, refused = "SELECT $this WHERE { { FILTER (bound($this)) } }", "SELECT $this WHERE { MINUS { ?a ?b ?c } }"
    plan.cache_clear()
    decided = plan(query, cache_dir=tmp_path)
    with pytest.raises(Refused):
        plan(refused, cache_dir=tmp_path)
    kept = sorted((tmp_path / "prebinding").glob("*.json"))
    assert len(kept) == 2

    def no_analysis(*_args: object) -> None:
        raise AssertionError("decided again")

    monkeypatch.setattr(sparql_prebinding, "_analyse", no_analysis)
    plan.cache_clear()
    assert plan(query, cache_dir=tmp_path) == decided
    with pytest.raises(Refused, match="MINUS"):
        plan(refused, cache_dir=tmp_path)
    for path in kept:
        path.write_text("{not json", encoding="utf-8")
    plan.cache_clear()
    with pytest.raises(AssertionError, match="decided again"):
        plan(query, cache_dir=tmp_path)
    monkeypatch.undo()
    plan.cache_clear()
