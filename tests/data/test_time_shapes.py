"""The time shapes (shapes/time-*.ttl): the real data conforms, and each rule catches its mutation.

Each case is a small Turtle fixture validated with the ontology (for subclass targets) but
without the rest of the data, so a failing case points at one rule.
"""

from __future__ import annotations

from pathlib import Path

import pyshacl
import pytest
import rdflib

from tests.conftest import ROOT

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
KSH = "https://w3id.org/ksgraph/shapes#"

PREFIXES = """
@prefix ks:   <https://w3id.org/ksgraph/ontology#> .
@prefix id:   <https://w3id.org/ksgraph/id/> .
@prefix org:  <http://www.w3.org/ns/org#> .
@prefix time: <http://www.w3.org/2006/time#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
"""


def _graph(paths: list[Path], extra: str = "") -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in paths:
        graph.parse(path)
    if extra:
        graph.parse(data=PREFIXES + extra, format="turtle")
    return graph


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    return _graph([ROOT / "shapes" / "00-prefixes.ttl", *sorted((ROOT / "shapes").glob("time-*.ttl"))])


@pytest.fixture(scope="module")
def ontology() -> list[Path]:
    return sorted((ROOT / "ontology").glob("*.ttl"))


def violations(data: rdflib.Graph, shapes: rdflib.Graph) -> set[tuple[str, str]]:
    """(shape local name, focus node) of every result, whatever its severity."""
    _conforms, report, _text = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True)
    found = set()
    for result in report.subjects(rdflib.RDF.type, SH.ValidationResult):
        shape = str(report.value(result, SH.sourceShape)).removeprefix(KSH)
        found.add((shape, str(report.value(result, SH.focusNode))))
    return found


def test_the_real_data_conforms_to_the_time_shapes(shapes: rdflib.Graph, ontology: list[Path]) -> None:
    data = _graph([*ontology, *sorted((ROOT / "data").glob("*.ttl"))])
    assert violations(data, shapes) == set()


def membership(slug: str, person: str, group: str, post: str, begin: str, end: str | None) -> str:
    end_part = f'; time:hasEnd [ time:inXSDDate "{end}"^^xsd:date ]' if end else ""
    return f"""
    id:membership\\/{slug} a org:Membership ; org:member id:person\\/{person} ; org:organization {group} ;
        ks:inPost {post} ;
        org:memberDuring [ a time:Interval ; time:hasBeginning [ time:inXSDDate "{begin}"^^xsd:date ] {end_part} ] .
    """


M = "https://w3id.org/ksgraph/id/membership/"
GROUP = """
id:npo\\/x a ks:NationalProgrammeArea .
id:event\\/x-founding a ks:Founding ; org:resultingOrganization id:npo\\/x ; time:hasTime id:event\\/x-founding\\/time .
id:event\\/x-founding\\/time a time:Instant ; time:inXSDgYear "2018"^^xsd:gYear .
"""


def test_t2_catches_two_holders_of_one_post_at_once(shapes: rdflib.Graph, ontology: list[Path]) -> None:
    fixture = (
        GROUP
        + membership("a", "anna", "id:npo\\/x", "id:post\\/x\\/member-norra", "2019-01-01", "2021-12-31")
        + membership("b", "bo", "id:npo\\/x", "id:post\\/x\\/member-norra", "2021-06-01", None)
    )
    found = violations(_graph(ontology, fixture), shapes)
    assert ("T2-one-holder-at-a-time", M + "a") in found
    assert ("T2-one-holder-at-a-time", M + "b") in found


def test_t2_allows_a_handover_and_uncertain_years(shapes: rdflib.Graph, ontology: list[Path]) -> None:
    handover = (
        GROUP
        + membership("a", "anna", "id:npo\\/x", "id:post\\/x\\/chair", "2019-01-01", "2021-12-31")
        + membership("b", "bo", "id:npo\\/x", "id:post\\/x\\/chair", "2021-12-31", None)
    )
    assert not {v for v in violations(_graph(ontology, handover), shapes) if v[0].startswith("T2")}


def test_t1_catches_a_reversed_interval_and_reversed_bounds(shapes: rdflib.Graph, ontology: list[Path]) -> None:
    fixture = """
    id:plan\\/p time:hasTime id:plan\\/p\\/interval .
    id:plan\\/p\\/interval a time:Interval ;
        time:hasBeginning [ time:inXSDgYear "2027"^^xsd:gYear ] ; time:hasEnd [ time:inXSDgYear "2023"^^xsd:gYear ] .
    id:event\\/e\\/time a time:Instant ; time:inXSDgYear "2025"^^xsd:gYear ;
        ks:earliest "2025-07-01"^^xsd:date ; ks:latest "2025-06-30"^^xsd:date .
    id:event\\/f\\/time a time:Instant ; time:inXSDgYear "2025"^^xsd:gYear ; ks:latest "2024-12-31"^^xsd:date .
    id:event\\/g time:hasTime id:event\\/g\\/time .
    id:event\\/g\\/time a time:Instant .
    id:event\\/h time:hasTime id:event\\/h\\/time .
    id:event\\/h\\/time a time:Instant ; ks:positionUnknown true .
    """
    found = violations(_graph(ontology, fixture), shapes)
    assert ("T1-interval-ordered", "https://w3id.org/ksgraph/id/plan/p/interval") in found
    assert ("T1-instant-bounds", "https://w3id.org/ksgraph/id/event/e/time") in found
    assert ("T1-instant-bounds", "https://w3id.org/ksgraph/id/event/f/time") in found
    assert ("T1-time-explicit", "https://w3id.org/ksgraph/id/event/g/time") in found  # silently undated
    assert ("T1-time-explicit", "https://w3id.org/ksgraph/id/event/h/time") not in found  # explicitly unknown


def test_t1_catches_an_ending_before_the_founding(shapes: rdflib.Graph, ontology: list[Path]) -> None:
    fixture = (
        GROUP
        + """
    id:event\\/x-ending a ks:Ending ; org:originalOrganization id:npo\\/x ; time:hasTime id:event\\/x-ending\\/time .
    id:event\\/x-ending\\/time a time:Instant ; time:inXSDDate "2017-06-30"^^xsd:date .
    """
    )
    found = violations(_graph(ontology, fixture), shapes)
    assert ("T1-lifetime-ordered", "https://w3id.org/ksgraph/id/npo/x") in found


def test_t3_catches_three_terms_in_one_npo(shapes: rdflib.Graph, ontology: list[Path]) -> None:
    three_terms = (
        GROUP
        + membership("t1", "anna", "id:npo\\/x", "id:post\\/x\\/member-norra", "2018-01-01", "2020-12-31")
        + membership("t2", "anna", "id:npo\\/x", "id:post\\/x\\/member-norra", "2021-01-01", "2023-12-31")
        + membership("t3", "anna", "id:npo\\/x", "id:post\\/x\\/member-norra", "2024-01-01", "2026-12-31")
    )
    found = {v for v in violations(_graph(ontology, three_terms), shapes) if v[0].startswith("T3")}
    assert ("T3-npo-tenure", M + "t1") in found
    two_terms = three_terms.split("id:membership\\/t3")[0]
    assert not {v for v in violations(_graph(ontology, two_terms), shapes) if v[0].startswith("T3")}


def test_t4_catches_memberships_before_founding_and_after_ending(shapes: rdflib.Graph, ontology: list[Path]) -> None:
    fixture = (
        GROUP
        + """
    id:event\\/x-ending a ks:Ending ; org:originalOrganization id:npo\\/x ; time:hasTime id:event\\/x-ending\\/time .
    id:event\\/x-ending\\/time a time:Instant ; time:inXSDgYear "2025"^^xsd:gYear ;
        ks:earliest "2025-01-01"^^xsd:date ; ks:latest "2025-06-30"^^xsd:date .
    """
        + membership("early", "anna", "id:npo\\/x", "id:post\\/x\\/member-norra", "2017-03-01", "2019-12-31")
        + membership("late", "bo", "id:npo\\/x", "id:post\\/x\\/member-sodra", "2024-01-01", "2025-09-30")
        + membership("inside", "cia", "id:npo\\/x", "id:post\\/x\\/member-vastra", "2018-12-31", "2024-12-31")
    )
    found = {v for v in violations(_graph(ontology, fixture), shapes) if v[0].startswith("T4")}
    assert found == {("T4-membership-within-lifetime", M + "early"), ("T4-membership-within-lifetime", M + "late")}


def test_t4_leaves_an_open_membership_alone_whatever_other_instants_exist(
    shapes: rdflib.Graph, ontology: list[Path]
) -> None:
    # An open membership that began before the group ended may have ended in time: not certainly
    # broken. A shape that left the end's OPTIONALs outside the one binding ?ie matched every
    # instant of the graph as its end, the 2027 plan below among them, and reported it.
    fixture = (
        GROUP
        + """
    id:event\\/x-ending a ks:Ending ; org:originalOrganization id:npo\\/x ; time:hasTime id:event\\/x-ending\\/time .
    id:event\\/x-ending\\/time a time:Instant ; time:inXSDgYear "2025"^^xsd:gYear .
    id:plan\\/p time:hasTime id:plan\\/p\\/time .
    id:plan\\/p\\/time a time:Instant ; time:inXSDDate "2027-01-01"^^xsd:date .
    """
        + membership("open", "anna", "id:npo\\/x", "id:post\\/x\\/member-norra", "2020-01-01", None)
    )
    assert not {v for v in violations(_graph(ontology, fixture), shapes) if v[0].startswith("T4")}


def test_t2_reports_an_overlap_with_an_open_membership_once(ontology: list[Path]) -> None:
    from ksgraph.validation.sparql import bulk_constraints, evaluate, to_store

    fixture = (
        GROUP
        + membership("a", "anna", "id:npo\\/x", "id:post\\/x\\/member-norra", "2020-01-01", None)
        + membership("b", "bo", "id:npo\\/x", "id:post\\/x\\/member-norra", "2021-01-01", "2021-12-31")
        + "".join(f'id:plan\\/p{i} time:hasTime [ time:inXSDgYear "{2030 + i}"^^xsd:gYear ] .\n' for i in range(20))
    )
    all_shapes = _graph([ROOT / "shapes" / "00-prefixes.ttl", ROOT / "shapes" / "time-one-holder.ttl"])
    (t2,) = [c for c in bulk_constraints(all_shapes) if str(c.shape).endswith("T2-one-holder-at-a-time")]
    report = rdflib.Graph()
    count = evaluate(t2, {rdflib.URIRef(M + "a")}, to_store(_graph(ontology, fixture)), report)
    assert count == 1  # one overlap, one result: not one per instant of the graph
