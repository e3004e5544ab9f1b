"""The vocabulary's plain IRIs: namespaces, graph names and the one prefix table, without rdflib.

:mod:`ksgraph.core.vocab` re-exports all of it and adds ``KS``, the ontology's terms as an rdflib
``DefinedNamespace``. Code that needs only IRIs imports them from here, so that a short command
(``ksgraph query``) does not import rdflib, a fifth of a second, for strings.
"""

from __future__ import annotations

from typing import Final

KS_NS: Final = "https://w3id.org/ksgraph/ontology#"
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
SD: Final = "http://www.w3.org/ns/sparql-service-description#"
SPDX: Final = "http://spdx.org/rdf/terms#"

# The one prefix table: offered to every query (CLI, endpoint, UI), so a researcher can write
# ``ks:NationalProgrammeArea`` without declaring it, and used by every writer that abbreviates.
PREFIXES: Final[dict[str, str]] = {
    "ks": KS_NS,
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
    "sh": SH,
    "void": VOID,
    "dcat": DCAT,
    "sd": SD,
    "spdx": SPDX,
}


def data_graph(stem: str) -> str:
    """The named graph holding the data file with the given stem (``national`` → …/graph/data/national)."""
    return DATA_GRAPH_BASE + stem


def expand_iri(value: str) -> str:
    """Expand a prefixed name (``id:npo/akut-vard``) with :data:`PREFIXES`; keep full IRIs (``<…>`` or bare)."""
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    prefix, sep, local = value.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    return value


def compact_iri(iri: str) -> str:
    """``prefix:local`` with :data:`PREFIXES` where one fits, else the IRI itself."""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri
