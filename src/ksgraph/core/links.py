"""The base-URL mapping: where an IRI of the ksgraph namespace is served on this deployment.

``https://w3id.org/ksgraph/<path>`` is served at ``<public base>/<path>``: the w3id redirect
points ``https://w3id.org/ksgraph/`` at the deployment, and the deployment answers for the
IRI whose path it receives. ``KSGRAPH_PUBLIC_BASE`` (e.g. ``https://ks.example.se/graph``) is
the deployment's address; empty (the default) gives root-relative links, for a deployment
at the root of its host and for tests.
"""

from __future__ import annotations

from dataclasses import dataclass

from ksgraph.core.vocab import ID, KS_NS, ONTOLOGY_IRI

NAMESPACE = "https://w3id.org/ksgraph/"
assert ID.startswith(NAMESPACE) and KS_NS.startswith(ONTOLOGY_IRI)


@dataclass(frozen=True)
class LinkMapper:
    public_base: str = ""

    def href(self, iri: str) -> str | None:
        """The address a browser follows for ``iri``: on this deployment for our namespace,
        the IRI itself for other http(s) IRIs, and None for anything else (no ``javascript:``
        or ``data:`` link can come from the data)."""
        if iri.startswith(NAMESPACE):
            return self.public_base.rstrip("/") + "/" + iri[len(NAMESPACE) :]
        if iri.startswith(("http://", "https://")):
            return iri
        return None

    @property
    def home(self) -> str:
        return self.public_base.rstrip("/") + "/"

    @staticmethod
    def iri_for_id_path(path: str) -> str:
        """The IRI a request for ``/id/<path>`` asks about."""
        return ID + path
