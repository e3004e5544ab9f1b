"""The SPARQL Service Description answered by GET /sparql without a query."""

from __future__ import annotations

from functools import cache
from importlib import resources

import pyoxigraph as ox
from fastapi import Request, Response

from ksgraph.core.settings import Settings
from ksgraph.http.endpoint import Endpoint
from ksgraph.http.errors import ProtocolError
from ksgraph.rdfio import results
from ksgraph.rdfio.negotiation import negotiate

SD = "http://www.w3.org/ns/sparql-service-description#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


@cache
def _template() -> str:
    return resources.files(__package__).joinpath("description.ttl").read_text(encoding="utf-8")


def triples(endpoint_iri: str, graphs: tuple[str, ...], settings: Settings) -> list[ox.Triple]:
    out = [
        ox.Triple(q.subject, q.predicate, q.object)
        for q in ox.parse(_template(), format=ox.RdfFormat.TURTLE, base_iri=endpoint_iri)
    ]
    service = ox.NamedNode(endpoint_iri + "#service")
    dataset = ox.NamedNode(endpoint_iri + "#dataset")
    if settings.writable:
        out.append(ox.Triple(service, ox.NamedNode(SD + "supportedLanguage"), ox.NamedNode(SD + "SPARQL11Update")))
    if settings.allow_service is False:
        out = [t for t in out if t.object != ox.NamedNode(SD + "BasicFederatedQuery")]
    for i, graph in enumerate(graphs):
        named = ox.BlankNode(f"g{i}")
        out.append(ox.Triple(dataset, ox.NamedNode(SD + "namedGraph"), named))
        out.append(ox.Triple(named, RDF_TYPE, ox.NamedNode(SD + "NamedGraph")))
        out.append(ox.Triple(named, ox.NamedNode(SD + "name"), ox.NamedNode(graph)))
    return out


def response(request: Request, endpoint: Endpoint, settings: Settings) -> Response:
    media = negotiate(request.headers.get("accept"), list(results.GRAPH))
    if media is None:
        raise ProtocolError(406, f"the service description is available as {', '.join(results.GRAPH)}")
    iri = str(request.url.replace(query="", fragment=""))
    body = results.write_triples(triples(iri, endpoint.graphs(), settings), results.GRAPH[media])
    return Response(body, media_type=f"{media}; charset=utf-8", headers={"Vary": "Accept"})
