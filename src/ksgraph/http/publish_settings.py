"""Settings of the publishing layer, read from the environment once and passed in."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class PublishSettings:
    """``KSGRAPH_PUBLIC_BASE``: the address at which this deployment serves the namespace
    ``https://w3id.org/ksgraph/`` (``https://w3id.org/ksgraph/id/x`` → ``<base>/id/x``); empty
    means root-relative links. ``KSGRAPH_SPARQL_ENDPOINT``: the endpoint the dataset
    description advertises (default ``<base>/sparql``)."""

    public_base: str = ""
    sparql_endpoint: str | None = None

    @classmethod
    def from_env(cls) -> PublishSettings:
        return cls(
            public_base=os.environ.get("KSGRAPH_PUBLIC_BASE", "").rstrip("/"),
            sparql_endpoint=os.environ.get("KSGRAPH_SPARQL_ENDPOINT") or None,
        )
