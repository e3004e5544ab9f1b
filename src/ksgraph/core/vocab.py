"""The namespaces and graph names of ksgraph, defined once.

Graph names are part of the public interface: researchers and other authorities
address them in ``GRAPH`` clauses and in the N-Quads export.
"""

from __future__ import annotations

from typing import Final

KS: Final = "https://w3id.org/ksgraph/ontology#"
ONTOLOGY_IRI: Final = "https://w3id.org/ksgraph/ontology"
ID: Final = "https://w3id.org/ksgraph/id/"
GRAPH_BASE: Final = "https://w3id.org/ksgraph/graph/"

ONTOLOGY_GRAPH: Final = GRAPH_BASE + "ontology"
DATA_GRAPH_BASE: Final = GRAPH_BASE + "data/"
INFERRED_GRAPH: Final = GRAPH_BASE + "inferred"
PROVENANCE_GRAPH: Final = GRAPH_BASE + "provenance"

ORG: Final = "http://www.w3.org/ns/org#"
SKOS: Final = "http://www.w3.org/2004/02/skos/core#"
DCTERMS: Final = "http://purl.org/dc/terms/"
PROV: Final = "http://www.w3.org/ns/prov#"
TIME: Final = "http://www.w3.org/2006/time#"
FOAF: Final = "http://xmlns.com/foaf/0.1/"
RDF: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS: Final = "http://www.w3.org/2000/01/rdf-schema#"
OWL: Final = "http://www.w3.org/2002/07/owl#"
XSD: Final = "http://www.w3.org/2001/XMLSchema#"
SH: Final = "http://www.w3.org/ns/shacl#"
VOID: Final = "http://rdfs.org/ns/void#"
DCAT: Final = "http://www.w3.org/ns/dcat#"

# Prefixes offered to every query (CLI, endpoint, UI), so a researcher can write
# ``ks:NationalProgrammeArea`` without declaring it.
PREFIXES: Final[dict[str, str]] = {
    "ks": KS,
    "id": ID,
    "org": ORG,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "prov": PROV,
    "time": TIME,
    "foaf": FOAF,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
}


def data_graph(stem: str) -> str:
    """The named graph holding the data file with the given stem (``national`` → …/graph/data/national)."""
    return DATA_GRAPH_BASE + stem


def is_asserted_graph(iri: str) -> bool:
    """True for the graphs that hold asserted statements: the ontology and the data graphs."""
    return iri == ONTOLOGY_GRAPH or iri.startswith(DATA_GRAPH_BASE)


def in_dataset(iri: str, *, inferred: bool = True) -> bool:
    """True for the graphs whose merge is the default graph of queries: the asserted graphs,
    and the inferred one unless ``inferred`` is False (provenance is never in it)."""
    return is_asserted_graph(iri) or (inferred and iri == INFERRED_GRAPH)
