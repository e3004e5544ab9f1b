"""What the site's pages share, made once per app: the renderer, the label index, the caches."""

from __future__ import annotations

from dataclasses import dataclass

from ksgraph.core.links import LinkMapper
from ksgraph.core.settings import Settings
from ksgraph.http.site.candidates import Candidates
from ksgraph.http.site.chrome import SiteRenderer
from ksgraph.http.site.labels import LabelCache
from ksgraph.http.site.structure import SnapshotCache
from ksgraph.sparql.port import Backend


@dataclass
class SiteState:
    settings: Settings
    backend: Backend
    links: LinkMapper
    renderer: SiteRenderer
    labels: LabelCache
    candidates: Candidates
    snapshots: SnapshotCache

    @staticmethod
    def create(settings: Settings, backend: Backend) -> SiteState:
        links = LinkMapper(settings.public_base)
        return SiteState(
            settings,
            backend,
            links,
            SiteRenderer.create(links),
            LabelCache(backend),
            Candidates(),
            SnapshotCache(),
        )
