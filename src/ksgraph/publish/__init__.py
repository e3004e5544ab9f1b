"""Linked-data publishing: resolvable IRIs, dataset description, ontology docs, releases and push.

The web layer is a set of FastAPI routers over a :class:`~ksgraph.sparql.backend.Backend`,
so the same pages are served from the local pyoxigraph store or from a remote SPARQL endpoint.
"""
