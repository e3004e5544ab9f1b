"""Serialising the store for other triple stores."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from ksgraph.core.vocab import PREFIXES
from ksgraph.rdfio import rdfxml
from ksgraph.store.dataset import dataset
from ksgraph.store.versions import named_quads

QUAD_FORMATS: dict[str, ox.RdfFormat] = {
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
}
TRIPLE_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}
FORMATS = (*QUAD_FORMATS, *TRIPLE_FORMATS)


def export(
    store: ox.Store, fmt: str, output: BinaryIO | Path, *, graph: str | None = None, inferred: bool = True
) -> int:
    """Write the store to ``output``; returns the number of statements written.

    Quad formats carry every named graph (asserted, inferred, provenance). Triple
    formats write one graph if ``graph`` is given, else the union of the query dataset
    (asserted plus, unless ``inferred=False``, inferred), without duplicates.
    """
    if fmt in QUAD_FORMATS:
        quads = list(named_quads(store))
        if graph is not None:
            quads = [q for q in quads if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value == graph]
        ox.serialize(quads, output, QUAD_FORMATS[fmt], prefixes=PREFIXES if fmt == "trig" else None)
        return len(quads)
    if fmt not in TRIPLE_FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (known: {', '.join(FORMATS)})")
    graphs = [ox.NamedNode(graph)] if graph is not None else dataset(store, inferred=inferred)
    triples = {q.triple for g in graphs for q in store.quads_for_pattern(None, None, None, g)}
    ordered = sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    if fmt == "rdfxml":  # with its carriage returns kept (rdfxml.py)
        data = rdfxml.serialize(ordered, PREFIXES)
        if isinstance(output, Path):
            output.write_bytes(data)
        else:
            output.write(data)
        return len(ordered)
    ox.serialize(ordered, output, TRIPLE_FORMATS[fmt], prefixes=PREFIXES if fmt != "ntriples" else None)
    return len(ordered)
