"""The dataset's description in DCAT and VoID, served at ``/.well-known/void`` and released.

The fixed statements are Turtle (``publish/dataset.ttl``); this module adds what changes with
the data: version, modified date, triples in total and per named graph (each graph a
``void:subset``), the SPARQL endpoint and, in a release, its files with their checksums.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

import pyoxigraph as ox

from ksgraph import __version__
from ksgraph.core.vocab import DCAT, DCTERMS, OWL, RDF, SD, SPDX, VOID, XSD
from ksgraph.publish.facts import DatasetFacts
from ksgraph.rdfio import formats

DATASET_IRI = "https://w3id.org/ksgraph/dataset"


RDF_OFFERED = (formats.TURTLE, formats.JSONLD, formats.NTRIPLES, formats.RDFXML)


@dataclass(frozen=True)
class Distribution:
    """A file of a release: where it will be downloaded from, its media type and checksum."""

    url: str
    media_type: str
    sha256: str
    title: str


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _int(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=_n(XSD + "integer"))


def describe(
    facts: DatasetFacts,
    *,
    version: str = __version__,
    sparql_endpoint: str | None = None,
    distributions: Sequence[Distribution] = (),
) -> list[ox.Triple]:
    """The DCAT/VoID description of the dataset, as triples."""
    text = resources.files(__package__).joinpath("dataset.ttl").read_bytes()
    triples = list(ox.parse(text, format=ox.RdfFormat.TURTLE))
    ds = _n(DATASET_IRI)

    def add(s: ox.NamedNode | ox.BlankNode, p: str, o: ox.NamedNode | ox.BlankNode | ox.Literal) -> None:
        triples.append(ox.Triple(s, _n(p), o))

    add(ds, DCAT + "version", ox.Literal(version))
    add(ds, OWL + "versionInfo", ox.Literal(version))
    if facts.modified is not None:
        add(ds, DCTERMS + "modified", facts.modified)
    add(ds, VOID + "triples", _int(facts.triples))
    for graph, size in facts.graphs.items():
        subset = _n(graph)
        add(ds, VOID + "subset", subset)
        add(subset, RDF + "type", _n(VOID + "Dataset"))
        add(subset, RDF + "type", _n(SD + "NamedGraph"))
        add(subset, SD + "name", subset)
        add(subset, VOID + "triples", _int(size))
    if sparql_endpoint:
        add(ds, VOID + "sparqlEndpoint", _n(sparql_endpoint))
        service = ox.BlankNode()
        add(ds, DCAT + "distribution", service)
        add(service, RDF + "type", _n(DCAT + "Distribution"))
        add(service, DCAT + "accessURL", _n(sparql_endpoint))
        add(service, DCTERMS + "title", ox.Literal("SPARQL 1.1 endpoint", language="en"))
    for dist in distributions:
        node = ox.BlankNode()
        checksum = ox.BlankNode()
        add(ds, DCAT + "distribution", node)
        add(node, RDF + "type", _n(DCAT + "Distribution"))
        add(node, DCTERMS + "title", ox.Literal(dist.title, language="en"))
        add(node, DCAT + "downloadURL", _n(dist.url))
        add(node, DCAT + "mediaType", _n("https://www.iana.org/assignments/media-types/" + dist.media_type))
        add(node, SPDX + "checksum", checksum)
        add(checksum, SPDX + "algorithm", _n(SPDX + "checksumAlgorithm_sha256"))
        add(checksum, SPDX + "checksumValue", ox.Literal(dist.sha256, datatype=_n(XSD + "hexBinary")))
        if dist.media_type == "application/n-quads":
            add(ds, VOID + "dataDump", _n(dist.url))
    return triples
