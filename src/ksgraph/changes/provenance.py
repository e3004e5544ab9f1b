"""Provenance records of builds and imports, written to the provenance graph."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox

from ksgraph.core.vocab import DCTERMS, ID, KS, PROV, PROVENANCE_GRAPH, RDF, RDFS, XSD
from ksgraph.rdfio.load import ParsedFile, sha256


def record(
    kind: str,
    files: Sequence[ParsedFile],
    *,
    agent: str,
    started: dt.datetime,
    ended: dt.datetime | None = None,
    root: Path | None = None,
) -> list[ox.Quad]:
    """Quads describing one build or import: when, by whom, which files with their hashes and sizes."""
    graph = ox.NamedNode(PROVENANCE_GRAPH)
    run = ox.NamedNode(f"{ID}provenance/{started.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}")
    ended = ended or dt.datetime.now(dt.UTC)

    def lit(value: str, dtype: str | None = None) -> ox.Literal:
        return ox.Literal(value, datatype=ox.NamedNode(XSD + dtype)) if dtype else ox.Literal(value)

    def q(s: ox.NamedNode | ox.BlankNode, p: str, o: ox.NamedNode | ox.Literal | ox.BlankNode) -> ox.Quad:
        return ox.Quad(s, ox.NamedNode(p), o, graph)

    agent_node = ox.NamedNode(f"{ID}agent/{uuid.uuid5(uuid.NAMESPACE_URL, agent).hex[:12]}")
    quads = [
        q(run, RDF + "type", ox.NamedNode(KS + "StoreChange")),
        q(run, RDFS + "label", lit(f"ksgraph {kind}")),
        q(run, DCTERMS + "type", lit(kind)),
        q(run, PROV + "startedAtTime", lit(started.isoformat(), "dateTime")),
        q(run, PROV + "endedAtTime", lit(ended.isoformat(), "dateTime")),
        q(run, PROV + "wasAssociatedWith", agent_node),
        q(agent_node, RDF + "type", ox.NamedNode(PROV + "Agent")),
        q(agent_node, RDFS + "label", lit(agent)),
    ]
    for parsed in files:
        entity = ox.BlankNode()
        shown = (
            str(parsed.path.resolve().relative_to(root))
            if root and parsed.path.resolve().is_relative_to(root)
            else str(parsed.path)
        )
        quads += [
            q(run, PROV + "used", entity),
            q(entity, RDF + "type", ox.NamedNode(PROV + "Entity")),
            q(entity, PROV + "atLocation", lit(shown)),
            q(entity, KS + "sha256", lit(sha256(parsed.path))),
            q(entity, KS + "tripleCount", lit(str(len(parsed.quads)), "integer")),
            q(entity, KS + "targetGraph", ox.NamedNode(parsed.graph)),
        ]
    return quads
