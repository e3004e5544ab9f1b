"""The basis of each fact: interpretations and general knowledge in graphs of their own, each with its note.

Issue 19: a query must tell what a source states from the editor's reading and from general knowledge, and
"only what the sources state" is the dataset without <…/graph/data/interpretations> and
<…/graph/data/general-knowledge>. The shapes hold on the stated data too, except where a rule needs general
knowledge (R13: the healthcare region of each region) or names only the editor gives (R23, a warning).
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from ksgraph.core.settings import Settings
from ksgraph.core.vocab import data_graph
from ksgraph.store.versions import GraphStore
from ksgraph.validation.validate import data_from_store, load_ontology, load_shapes, validate
from tests.data.support import ID, KS, NOT_STATED, answer, stated_only_settings

SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
ORG = "http://www.w3.org/ns/org#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
INTERPRETATIONS = ox.NamedNode(data_graph("interpretations"))
GENERAL = ox.NamedNode(data_graph("general-knowledge"))
SKS = ox.NamedNode(ID + "group/sks")
REPORTS_TO = ox.NamedNode(ORG + "reportsTo")


@pytest.fixture(scope="module")
def stated(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return stated_only_settings(tmp_path_factory.mktemp("stated"))


@pytest.fixture(scope="module")
def stated_store(stated: Settings) -> ox.Store:
    return GraphStore(stated.store_dir).open_read()


def _quads(store: ox.Store, s: object = None, p: object = None, o: object = None, g: object = None) -> list[ox.Quad]:
    """Quads of the named graphs only: the store also keeps their merge in its default graph."""
    return [q for q in store.quads_for_pattern(s, p, o, g) if isinstance(q.graph_name, ox.NamedNode)]  # type: ignore[arg-type]


def _subjects(store: ox.Store, graph: ox.NamedNode) -> set[ox.NamedNode]:
    return {q.subject for q in _quads(store, None, None, None, graph) if isinstance(q.subject, ox.NamedNode)}


def _national_groups(store: ox.Store) -> set[ox.NamedNode]:
    return {
        q.subject
        for cls in ("NationalProgrammeArea", "NationalCollaborationGroup")
        for q in _quads(store, None, RDF_TYPE, ox.NamedNode(KS + cls), None)
    }


def test_each_graph_says_its_basis(store: ox.Store) -> None:
    basis = ox.NamedNode(KS + "basis")
    said = {q.graph_name: q.object for q in _quads(store, None, basis, None, None) if q.subject == q.graph_name}
    assert said == {
        INTERPRETATIONS: ox.NamedNode(KS + "interpretation"),
        GENERAL: ox.NamedNode(KS + "generalKnowledge"),
    }
    others = {q.graph_name for q in _quads(store, None, basis, None, None)}
    assert others == {INTERPRETATIONS, GENERAL}


@pytest.mark.parametrize("graph", [INTERPRETATIONS, GENERAL], ids=["interpretations", "general-knowledge"])
def test_every_fact_in_the_graph_says_why_and_cites_a_section(store: ox.Store, graph: ox.NamedNode) -> None:
    note, source = ox.NamedNode(SKOS + "editorialNote"), ox.NamedNode(DCTERMS + "source")
    sections = {q.subject for q in _quads(store, None, RDF_TYPE, ox.NamedNode(KS + "SourceSection"), None)}
    problems = []
    for subject in _subjects(store, graph) - {graph}:
        types = {q.object.value for q in _quads(store, subject, RDF_TYPE, None, graph)}
        if types and all(t.startswith("http://www.w3.org/2006/time#") for t in types):
            continue  # an instant is the value of its event's fact
        langs = {q.object.language for q in _quads(store, subject, note, None, graph)}
        if not {"sv", "en"} <= langs:
            problems.append(f"{subject.value}: no editorialNote in sv and en in this graph")
        # The sections it reads are cited here, or already with the resource's stated facts.
        cited = {q.object for q in _quads(store, subject, source, None, None)}
        if not cited or not cited <= sections:
            problems.append(f"{subject.value}: cites {cited or 'nothing'}")
        here = {q.object for q in _quads(store, subject, source, None, graph)}
        if graph == GENERAL and not any(c.value.startswith(ID + "source/general-knowledge/") for c in here):
            problems.append(f"{subject.value}: cites no general-knowledge section")
    assert problems == []


def test_no_triple_is_asserted_in_two_data_graphs(store: ox.Store) -> None:
    # A fact moved to another basis leaves its old graph; a union of graphs is then a set of triples
    # whichever way an engine merges them (the SPARQL endpoint's count depends on it).
    data = [g for g in store.named_graphs() if isinstance(g, ox.NamedNode) and g.value.startswith(data_graph(""))]
    seen: dict[ox.Triple, ox.NamedNode] = {}
    twice = []
    for graph in data:
        for q in store.quads_for_pattern(None, None, None, graph):
            triple = ox.Triple(q.subject, q.predicate, q.object)
            if triple in seen:
                twice.append(f"{triple} in {seen[triple].value} and {graph.value}")
            seen[triple] = graph
    assert twice == []


def test_reporting_lines_to_sks_are_interpretations_only(store: ox.Store) -> None:
    groups = _national_groups(store)
    assert len(groups) == 34
    lines = {(q.subject, q.graph_name) for q in _quads(store, None, REPORTS_TO, SKS, None)}
    assert {s for s, _ in lines} == groups
    assert {g for _, g in lines} == {INTERPRETATIONS}


def test_the_readings_the_issue_names_are_interpretations(store: ox.Store) -> None:
    represents = ox.NamedNode(KS + "represents")
    mats = ox.NamedNode(ID + "membership/mats-bojestig/group/sks")
    urban = ox.NamedNode(ID + "membership/urban-tiren/rpo/norra/barn-och-ungdomsmedicin")
    assert {q.graph_name for q in _quads(store, mats, represents, None, None)} == {INTERPRETATIONS}
    assert {q.graph_name for q in _quads(store, urban, represents, None, None)} == {INTERPRETATIONS}
    # 002 names four of Norrbotten's 26 LPOs; the other 22 names are derived from the NPOs.
    lpos = {q.subject for q in _quads(store, None, RDF_TYPE, ox.NamedNode(KS + "LocalProgrammeArea"), None)}
    label = ox.NamedNode(SKOS + "prefLabel")
    by_graph: dict[str, set[ox.NamedNode]] = {}
    for lpo in lpos:
        for q in _quads(store, lpo, label, None, None):
            by_graph.setdefault(q.graph_name.value, set()).add(lpo)
    assert len(by_graph[INTERPRETATIONS.value]) == 22
    assert len(by_graph[data_graph("norrbotten")]) == 4
    assert not by_graph[INTERPRETATIONS.value] & by_graph[data_graph("norrbotten")]


def test_the_general_knowledge_the_issue_names_is_general_knowledge(store: ox.Store) -> None:
    part_of = ox.NamedNode(KS + "partOfHealthcareRegion")
    graphs: dict[str, set[str]] = {}
    for q in _quads(store, None, part_of, None, None):
        graphs.setdefault(q.subject.value.removeprefix(ID + "region/"), set()).add(q.graph_name.value)
    assert len(graphs) == 21
    # 004 names Norra's four regions; no source places the others.
    norra = {"norrbotten", "vasterbotten", "vasternorrland", "jamtland-harjedalen"}
    assert {r for r, g in graphs.items() if g == {data_graph("actors")}} == norra
    assert {r for r, g in graphs.items() if g == {GENERAL.value}} == set(graphs) - norra
    for kind, org in (("Renaming", "org/skr"), ("Renaming", "healthcare-region/mellansverige")):
        events = [
            q.subject
            for q in _quads(store, None, ox.NamedNode(ORG + "originalOrganization"), ox.NamedNode(ID + org), None)
            if any(_quads(store, q.subject, RDF_TYPE, ox.NamedNode(KS + kind), GENERAL))
        ]
        assert len(events) == 1, org
    affiliations = {
        q.subject for q in _quads(store, None, RDF_TYPE, ox.NamedNode(KS + "HealthcareRegionAffiliation"), None)
    }
    assert {q.graph_name for a in affiliations for q in _quads(store, a, None, None, None)} == {GENERAL}


def test_what_no_source_supports_is_gone(store: ox.Store) -> None:
    # 001: the host *region* appoints and finances the process leader; nothing says so of SKR.
    chair = ox.NamedNode(ID + "post/npo/cancersjukdomar/chair")
    leader = ox.NamedNode(ID + "post/npo/cancersjukdomar/process-leader")
    assert not any(_quads(store, chair, ox.NamedNode(KS + "represents"), None, None))
    for p in ("appointedBy", "financedBy"):
        assert not any(_quads(store, leader, ox.NamedNode(KS + p), None, None)), p


def test_nrf_cites_the_introduction_slide_where_003_shows_it(store: ox.Store) -> None:
    cited = {
        q.object.value
        for q in _quads(store, ox.NamedNode(ID + "org/nrf"), ox.NamedNode(DCTERMS + "source"), None, None)
    }
    assert ID + "source/003/kort-introduktion-kunskapsstyrning" in cited
    assert ID + "source/003/nulage-strukturer" not in cited


def test_the_basis_query_lists_interpretations_with_their_reasons(store: ox.Store) -> None:
    rows = answer(store, "basis-facts", basis="ks:interpretation", subject="id:npo/akut-vard")
    assert [(r["predicate"], r["object"]) for r in rows] == [(ORG + "reportsTo", ID + "group/sks")]
    assert "Strategisk styrgrupp" in (rows[0]["note"] or "")
    assert ID + "source/001/strategisk-styrgrupp" in (rows[0]["source"] or "").split()
    every = answer(store, "basis-facts")
    assert {r["basis"] for r in every} == {KS + "interpretation", KS + "generalKnowledge"}
    assert all(r["note"] for r in every)
    general = answer(store, "basis-facts", basis="ks:generalKnowledge", subject="id:region/halland")
    assert {r["object"] for r in general if r["predicate"] == KS + "partOfHealthcareRegion"} == {
        ID + "healthcare-region/vastra",
        ID + "healthcare-region/sodra",
    }


def test_reporting_lines_mark_the_interpretation(store: ox.Store) -> None:
    lines = {
        (r["reportsTo"], r["direct"], r["basis"]) for r in answer(store, "reporting-lines", group="id:npo/akut-vard")
    }
    assert (ID + "group/sks", "true", KS + "interpretation") in lines
    nag = answer(store, "reporting-lines", group="id:nag/lung-och-allergisjukdomar/vardforlopp-kol")
    assert {(r["reportsTo"], r["basis"]) for r in nag if r["direct"] == "true"} == {
        (ID + "npo/lung-och-allergisjukdomar", KS + "stated")
    }


def test_without_the_two_graphs_no_npo_reports_to_sks(stated_store: ox.Store) -> None:
    graphs = {g.value for g in stated_store.named_graphs()}
    assert not {data_graph(stem) for stem in NOT_STATED} & graphs
    npos = answer(stated_store, "reporting-lines", group="id:npo/akut-vard")
    assert npos == []
    nag = answer(stated_store, "reporting-lines", group="id:nag/lung-och-allergisjukdomar/vardforlopp-kol")
    assert [(r["reportsTo"], r["basis"]) for r in nag] == [(ID + "npo/lung-och-allergisjukdomar", KS + "stated")]
    sks = {r["reportsTo"] for r in answer(stated_store, "reporting-lines", group="id:group/sks")}
    assert sks == {ID + "org/hsd-natverket", ID + "org/landstingsdirektorsforeningen"}


def test_the_shapes_hold_on_the_stated_data_except_where_they_need_general_knowledge(
    store: ox.Store, stated: Settings, stated_store: ox.Store
) -> None:
    report = validate(data_from_store(stated_store), stated, shapes=load_shapes(stated), ontology=load_ontology(stated))
    violations = {(r.rule, r.focus) for r in report.violations}
    # R13: the regions whose healthcare region only general knowledge gives.
    part_of = ox.NamedNode(KS + "partOfHealthcareRegion")
    known = {q.subject.value for q in _quads(store, None, part_of, None, GENERAL)}
    assert violations == {("R13", region) for region in known}
    assert len(known) == 17
    # R23 (a warning): the LPOs whose only name is the editor's.
    named_by_editor = {
        q.subject.value
        for q in _quads(store, None, ox.NamedNode(SKOS + "prefLabel"), None, INTERPRETATIONS)
        if q.subject.value.startswith(ID + "lpo/")
    }
    assert {r.focus for r in report.results if r.rule == "R23"} == named_by_editor
