"""The data files: every term they use is declared, every fact cites its source."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, TIME, XSD

from ksgraph.core.vocab import KS_NS as KS
from tests.conftest import ROOT

DATA_FILES = sorted((ROOT / "data").glob("*.ttl"))
# Reused W3C vocabularies, as rdflib defines them term by term (DefinedNamespace
# with _fail): a misspelt org:postin is not "in" ORG.
REUSED = (ORG, SKOS, DCTERMS, PROV, TIME, FOAF, RDF, RDFS, OWL, XSD)
EXTRA_REUSED = {str(DCTERMS) + "isPartOf", str(RDFS) + "Resource"}


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in (ROOT / "ontology").glob("*.ttl"):
        graph.parse(path)
    return graph


@pytest.fixture(scope="module")
def data() -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in DATA_FILES:
        graph.parse(path)
    return graph


def declared_in_ontology(ontology: rdflib.Graph, term: rdflib.URIRef) -> bool:
    return (term, RDF.type, None) in ontology and (term, RDFS.isDefinedBy, None) in ontology


def is_reused(term: rdflib.URIRef) -> bool:
    return str(term) in EXTRA_REUSED or any(term in ns for ns in REUSED)


def test_there_is_data() -> None:
    assert len(DATA_FILES) >= 5, DATA_FILES


def test_every_class_and_property_used_in_data_is_declared(ontology: rdflib.Graph, data: rdflib.Graph) -> None:
    used: dict[rdflib.URIRef, str] = {}
    for _s, p, o in data:
        used.setdefault(p, "property")
        if p == RDF.type and isinstance(o, rdflib.URIRef):
            used.setdefault(o, "class")
    undeclared = sorted(
        f"{kind} {term}"
        for term, kind in used.items()
        if not (str(term).startswith(KS) and declared_in_ontology(ontology, term)) and not is_reused(term)
    )
    assert undeclared == []


def test_every_ks_term_of_the_ontology_is_documented(ontology: rdflib.Graph) -> None:
    terms = {s for s in ontology.subjects() if isinstance(s, rdflib.URIRef) and str(s).startswith(KS)}
    missing = []
    for term in sorted(terms):
        labels = {o.language for o in ontology.objects(term, SKOS.prefLabel)}
        if not {"sv", "en"} <= labels:
            missing.append(f"{term}: skos:prefLabel sv+en")
        if (term, SKOS.definition, None) not in ontology and (term, RDF.type, SKOS.ConceptScheme) not in ontology:
            missing.append(f"{term}: skos:definition")
        if (term, RDFS.isDefinedBy, None) not in ontology:
            missing.append(f"{term}: rdfs:isDefinedBy")
    assert missing == []


def test_the_core_vocabulary_of_the_domain_brief_is_declared(ontology: rdflib.Graph) -> None:
    core = [
        "Region",
        "HealthcareRegion",
        "Municipality",
        "Authority",
        "GovernanceGroup",
        "NationalProgrammeArea",
        "RegionalProgrammeArea",
        "LocalProgrammeArea",
        "NationalCollaborationGroup",
        "RegionalCollaborationGroup",
        "LocalCollaborationGroup",
        "NationalWorkingGroup",
        "RegionalWorkingGroup",
        "LocalWorkingGroup",
        "SteeringGroup",
        "PreparatoryGroup",
        "SupportFunction",
        "KnowledgeGovernanceCouncil",
        "level",
        "micro",
        "meso",
        "macro",
        "counterpartOf",
        "hostedBy",
        "scope",
        "appointedBy",
        "preparesFor",
        "represents",
        "Mandate",
        "mandate",
        "task",
        "Decision",
        "decidedBy",
        "status",
        "partOfHealthcareRegion",
    ]
    assert [t for t in core if not declared_in_ontology(ontology, rdflib.URIRef(KS + t))] == []


def test_groups_are_not_organizational_collaborations(ontology: rdflib.Graph, data: rdflib.Graph) -> None:
    assert (None, RDFS.subClassOf, ORG.OrganizationalCollaboration) not in ontology
    assert (None, RDF.type, ORG.OrganizationalCollaboration) not in data


GROUP_CLASSES = [
    "NationalProgrammeArea",
    "RegionalProgrammeArea",
    "LocalProgrammeArea",
    "NationalCollaborationGroup",
    "RegionalCollaborationGroup",
    "LocalCollaborationGroup",
    "NationalWorkingGroup",
    "RegionalWorkingGroup",
    "LocalWorkingGroup",
    "SteeringGroup",
    "PreparatoryGroup",
    "SupportFunction",
    "KnowledgeGovernanceCouncil",
    "WorkingCommittee",
    "GovernanceGroup",
]
CITING_CLASSES = [rdflib.URIRef(KS + c) for c in [*GROUP_CLASSES, "Mandate", "Task", "Decision", "ProcessStep"]] + [
    ORG.Post,
    ORG.Membership,
]


def test_every_group_post_membership_mandate_and_decision_cites_a_source_section(data: rdflib.Graph) -> None:
    sections = set(data.subjects(RDF.type, rdflib.URIRef(KS + "SourceSection")))
    uncited, dangling = [], []
    for cls in CITING_CLASSES:
        for node in set(data.subjects(RDF.type, cls)):
            sources = list(data.objects(node, DCTERMS.source))
            if not sources:
                uncited.append(f"{node} ({cls})")
            dangling += [f"{node} → {s}" for s in sources if s not in sections]
    assert uncited == []
    assert dangling == []


def test_every_resource_has_a_swedish_label(data: rdflib.Graph) -> None:
    typed = {s for s in data.subjects(RDF.type, None) if isinstance(s, rdflib.URIRef)}
    unlabelled = sorted(
        str(s)
        for s in typed
        if not any(o.language == "sv" for o in data.objects(s, SKOS.prefLabel))
        and (s, RDF.type, PROV.Entity) not in data
        # Instants and intervals are values of a fact, not things a person looks up.
        and not all(str(t).startswith(str(TIME)) for t in data.objects(s, RDF.type))
    )
    assert unlabelled == []


def test_level_and_tier_are_inferred_not_asserted_on_groups(data: rdflib.Graph) -> None:
    groups = {s for c in GROUP_CLASSES for s in data.subjects(RDF.type, rdflib.URIRef(KS + c))}
    asserted = sorted(
        str(g)
        for g in groups
        if (g, rdflib.URIRef(KS + "level"), None) in data or (g, rdflib.URIRef(KS + "tier"), None) in data
    )
    assert asserted == []


def test_national_counterparts_are_inferred_not_asserted(data: rdflib.Graph) -> None:
    assert (None, rdflib.URIRef(KS + "nationalCounterpart"), None) not in data


def test_data_files_use_no_blank_node_for_facts_that_need_citing(data: rdflib.Graph) -> None:
    # A blank-node group or post could not be cited, linked from outside or kept stable across imports.
    blanks = [s for cls in CITING_CLASSES for s in data.subjects(RDF.type, cls) if isinstance(s, rdflib.BNode)]
    assert blanks == []


def test_seed_files_named_by_the_sources_exist() -> None:
    graph = rdflib.Graph().parse(ROOT / "data" / "sources.ttl")
    seeds = Path(ROOT.parent / "shared" / "seeds")
    names = {str(o) for o in graph.objects(None, rdflib.URIRef(KS + "seedFile"))}
    assert len(names) == 5
    if seeds.is_dir():
        assert names == {p.name for p in seeds.glob("*.txt")}
