"""``/``: what the graph is, what it holds (counts by kind, linking to their lists), the source
documents, the downloads, and which store version answers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ksgraph import __version__
from ksgraph.core.links import LinkMapper
from ksgraph.core.vocab import FOAF, KS, ORG, compact_iri
from ksgraph.http.site.i18n import message
from ksgraph.http.site.labels import LabelIndex, Ref, capitalised, normalise, ref
from ksgraph.publish.facts import collect_facts
from ksgraph.sparql.packaged import select
from ksgraph.sparql.port import Backend
from ksgraph.store.dataset import DEFAULT

# The kinds the landing page counts, in the order a reader meets them: an editorial choice of
# what to show first, not a filter of the data (every class is on /browse).
KINDS = (
    KS + "SteeringGroup",
    KS + "PreparatoryGroup",
    KS + "SupportFunction",
    KS + "NationalProgrammeArea",
    KS + "NationalCollaborationGroup",
    KS + "NationalWorkingGroup",
    KS + "RegionalProgrammeArea",
    KS + "RegionalCollaborationGroup",
    KS + "RegionalWorkingGroup",
    KS + "LocalProgrammeArea",
    KS + "LocalCollaborationGroup",
    KS + "LocalWorkingGroup",
    KS + "KnowledgeGovernanceCouncil",
    KS + "HealthcareRegion",
    KS + "Region",
    KS + "Authority",
    ORG + "Post",
    FOAF + "Person",
    KS + "Mandate",
    KS + "Decision",
    KS + "CarePathway",
    KS + "SourceDocument",
)


# Names for the kinds from other vocabularies, which the graph does not label.
OTHER_NAMES = {ORG + "Post": "class_post", FOAF + "Person": "class_person"}


@dataclass(frozen=True)
class Kind:
    cls: Ref
    curie: str
    count: int
    scopes: tuple[tuple[Ref, int], ...]  # where the groups of a regional or local kind are


@dataclass(frozen=True)
class SourceDoc:
    doc: Ref
    identifier: str
    issued: str
    sections: int
    citing: int


@dataclass(frozen=True)
class GraphFile:
    iri: str
    name: str
    triples: int


@dataclass(frozen=True)
class Landing:
    kinds: list[Kind]
    sources: list[SourceDoc]
    graphs: list[GraphFile]
    triples: int
    remote: bool
    store_version: str
    modified: str | None
    software: str


def kinds(backend: Backend, index: LabelIndex, links: LinkMapper, lang: str) -> list[Kind]:
    scopes: dict[str, list[tuple[str, int]]] = {}
    for row in select(backend, "site-scope-sizes", view=DEFAULT):
        scopes.setdefault(row["class"].value, []).append((row["scope"].value, int(row["n"].value)))
    found = []
    for cls in KINDS:
        count = len(index.instances.get(cls, ()))
        if not count:
            continue
        where = tuple(
            sorted(
                ((ref(index, links, s, lang), n) for s, n in scopes.get(cls, [])),
                key=lambda item: (-item[1], normalise(item[0].text)),
            )
        )
        shown = ref(index, links, cls, lang, capital=True)
        if cls in OTHER_NAMES and shown.text == compact_iri(cls):  # W3C's classes have no label in the graph
            shown = Ref(cls, shown.href, capitalised(message(OTHER_NAMES[cls], lang)))
        found.append(Kind(shown, compact_iri(cls), count, where))
    return found


def sources(backend: Backend, index: LabelIndex, links: LinkMapper, lang: str) -> list[SourceDoc]:
    out = []
    for row in select(backend, "site-sources", view=DEFAULT):
        doc = row["doc"]
        if not isinstance(doc, ox.NamedNode):
            continue
        out.append(
            SourceDoc(
                ref(index, links, doc.value, lang),
                row["identifier"].value if row["identifier"] is not None else "",
                row["issued"].value if row["issued"] is not None else "",
                int(row["sections"].value),
                int(row["citing"].value),
            )
        )
    return out


def graph_name(iri: str) -> str:
    """``…/graph/data/national`` → ``data/national``."""
    return iri.split("/graph/", 1)[-1]


def landing(backend: Backend, index: LabelIndex, links: LinkMapper, lang: str) -> Landing:
    facts = collect_facts(backend.run_raw)
    version = backend.version()
    return Landing(
        kinds=kinds(backend, index, links, lang),
        sources=sources(backend, index, links, lang),
        graphs=[GraphFile(g, graph_name(g), n) for g, n in facts.graphs.items()],
        triples=facts.triples,
        remote=backend.remote,
        # A local version is a directory of the store; its name says which publish it is.
        store_version=version if backend.remote else Path(version).name,
        modified=facts.modified.value if facts.modified is not None else None,
        software=__version__,
    )
