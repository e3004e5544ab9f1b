"""Representations of a resource: content negotiation and serialisation of triples.

One table says which media types and ``?format=`` names map to which representation, so
``/id/…``, ``/ontology`` and ``/.well-known/void`` negotiate alike.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from typing import Any

import pyoxigraph as ox
import rdflib

from ksgraph.core.terms import to_rdflib
from ksgraph.core.vocab import PREFIXES
from ksgraph.rdfio import rdfxml
from ksgraph.rdfio.negotiation import negotiate


@dataclass(frozen=True)
class Representation:
    name: str
    media_type: str
    rdf_format: ox.RdfFormat | None  # None: HTML


HTML = Representation("html", "text/html", None)
TURTLE = Representation("turtle", "text/turtle", ox.RdfFormat.TURTLE)
JSONLD = Representation("jsonld", "application/ld+json", ox.RdfFormat.JSON_LD)
NTRIPLES = Representation("ntriples", "application/n-triples", ox.RdfFormat.N_TRIPLES)
RDFXML = Representation("rdfxml", "application/rdf+xml", ox.RdfFormat.RDF_XML)
ALL = (HTML, TURTLE, JSONLD, NTRIPLES, RDFXML)

# ``?format=`` values, including the file extensions people guess first.
FORMAT_NAMES: dict[str, Representation] = {
    "html": HTML,
    "turtle": TURTLE,
    "ttl": TURTLE,
    "jsonld": JSONLD,
    "json-ld": JSONLD,
    "json": JSONLD,
    "ntriples": NTRIPLES,
    "nt": NTRIPLES,
    "rdfxml": RDFXML,
    "rdf": RDFXML,
    "xml": RDFXML,
}
MEDIA_TYPES: dict[str, Representation] = {
    "text/html": HTML,
    "application/xhtml+xml": HTML,
    "text/turtle": TURTLE,
    "application/x-turtle": TURTLE,
    "application/ld+json": JSONLD,
    "application/json": JSONLD,
    "application/n-triples": NTRIPLES,
    "application/rdf+xml": RDFXML,
}


class UnknownFormat(ValueError):
    """A ``?format=`` value that names no representation."""


def choose(
    accept: str | None, format_param: str | None, offered: tuple[Representation, ...] = ALL
) -> Representation | None:
    """The representation to send, or None if the client accepts none of ``offered`` (406).

    ``?format=`` wins over ``Accept``, so a link can name a representation. Without either,
    or with ``*/*``, a browser-like default: HTML (the first offered).
    """
    if format_param:
        chosen = FORMAT_NAMES.get(format_param.lower())
        if chosen is None or chosen not in offered:
            names = sorted(n for n, r in FORMAT_NAMES.items() if r in offered)
            raise UnknownFormat(f"unknown format {format_param!r}; known: {', '.join(names)}")
        return chosen
    by_media = {rep.media_type: rep for rep in offered}
    aliases = {media: rep.media_type for media, rep in MEDIA_TYPES.items() if rep in offered}
    media = negotiate(accept, list(by_media), aliases)
    return None if media is None else by_media[media]


def json_ld_context() -> dict[str, Any]:
    """The ``@context`` of ``rdfio/context.jsonld``: short keys, language maps for labels."""
    text = resources.files(__package__).joinpath("context.jsonld").read_text(encoding="utf-8")
    context: dict[str, Any] = json.loads(text)["@context"]
    return context


def serialize(triples: Iterable[ox.Triple], rep: Representation) -> bytes:
    """Triples in an RDF representation, sorted so that equal graphs give equal bytes."""
    ordered = sorted(set(triples), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    if rep is JSONLD:
        return compact_json_ld(ordered)
    if rep.rdf_format is None:
        raise ValueError(f"{rep.name} is not an RDF representation")
    if rep is RDFXML:  # with its carriage returns kept (rdfxml.py)
        return rdfxml.serialize(ordered, PREFIXES)
    prefixes = None if rep is NTRIPLES else PREFIXES
    return ox.serialize(ordered, format=rep.rdf_format, prefixes=prefixes) or b""


def compact_json_ld(statements: Iterable[ox.Triple] | Iterable[ox.Quad]) -> bytes:
    """JSON-LD compacted with :func:`json_ld_context`, so keys read ``prefLabel``, not full IRIs.

    pyoxigraph writes expanded JSON-LD only; rdflib compacts. Quads keep their named graphs.
    """
    items: list[ox.Triple | ox.Quad] = list(statements)
    quads = any(isinstance(i, ox.Quad) and isinstance(i.graph_name, ox.NamedNode) for i in items)
    graph: rdflib.Graph = rdflib.Dataset() if quads else rdflib.Graph()
    with warnings.catch_warnings():
        # rdflib 7.6's Dataset calls its own deprecated default_context/contexts(): not ours to fix.
        warnings.simplefilter("ignore", DeprecationWarning)
        return _fill_and_serialize(graph, items)


def _fill_and_serialize(graph: rdflib.Graph, items: list[ox.Triple | ox.Quad]) -> bytes:
    for item in items:
        triple = (
            to_rdflib(item.subject, normalize=False),
            to_rdflib(item.predicate),
            to_rdflib(item.object, normalize=False),
        )
        name = item.graph_name if isinstance(item, ox.Quad) else None
        # The graph is a Dataset when some item is in a named graph (compact_json_ld).
        if isinstance(name, ox.NamedNode) and isinstance(graph, rdflib.Dataset):
            graph.graph(rdflib.URIRef(name.value)).add(triple)
        else:
            graph.add(triple)
    text = graph.serialize(format="json-ld", context=json_ld_context(), auto_compact=True, indent=1)
    return text.encode("utf-8")
