"""``/browse``: the classes of the ontology as a tree, and each class's instances, paged.

A class's page lists its instances with label, level, host or scope and status (the packaged
query ``site-browse``) and links its direct sub-classes (``site-class-tree``, asserted only).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pyoxigraph as ox

from ksgraph.core.links import LinkMapper
from ksgraph.core.vocab import KS_NS, compact_iri, expand_iri
from ksgraph.http.site.labels import LabelIndex, Ref, normalise, ref
from ksgraph.sparql.packaged import select
from ksgraph.sparql.port import Backend
from ksgraph.store.dataset import DEFAULT

PAGE_SIZE = 50


@dataclass
class ClassNode:
    ref: Ref
    curie: str
    count: int
    children: list[ClassNode] = field(default_factory=list)


@dataclass(frozen=True)
class Row:
    subject: Ref
    levels: tuple[Ref, ...]
    places: tuple[Ref, ...]  # the host, else the scope
    statuses: tuple[Ref, ...]


@dataclass
class ClassPage:
    cls: Ref
    curie: str
    count: int
    supers: list[Ref]
    subs: list[tuple[Ref, str, int]]  # (class, its CURIE, its instances)
    rows: list[Row]
    page: int
    pages: int


def known_classes(index: LabelIndex) -> set[str]:
    """The ontology's own classes and every class something is an instance of."""
    parents = index.parents
    ours = {c for c in parents if c.startswith(KS_NS)}
    ours |= {c for cs in parents.values() for c in cs if c.startswith(KS_NS)}
    return ours | set(index.instances)


def classes_tree(index: LabelIndex, links: LinkMapper, lang: str) -> list[ClassNode]:
    """The ontology's classes (``ks:``) as a tree under the classes they specialise."""
    parents = index.parents
    ours = sorted(c for c in known_classes(index) if c.startswith(KS_NS))
    nodes = {c: ClassNode(class_ref(index, links, c, lang), compact_iri(c), count(index, c)) for c in ours}
    roots: list[ClassNode] = []
    for c, node in nodes.items():
        above = [p for p in parents.get(c, ()) if p in nodes]
        for p in above:
            nodes[p].children.append(node)
        if not above:
            roots.append(node)

    def order(items: list[ClassNode]) -> None:
        items.sort(key=lambda n: (normalise(n.ref.text), n.ref.iri))
        for n in items:
            order(n.children)

    order(roots)
    return roots


def count(index: LabelIndex, cls: str) -> int:
    return len(index.instances.get(cls, ()))


def class_ref(index: LabelIndex, links: LinkMapper, cls: str, lang: str) -> Ref:
    """A class as a browse page links it: to its own list, not to the ontology's documentation."""
    found = ref(index, links, cls, lang, capital=True)
    return Ref(
        cls,
        links.public_base.rstrip("/") + "/browse?" + urlencode({"class": compact_iri(cls)}),
        found.text,
        found.other,
        found.lang,
    )


def resolve_class(text: str) -> str:
    """A class named by CURIE (``ks:NationalProgrammeArea``), ``<IRI>`` or IRI."""
    return expand_iri(text)


def class_page(
    backend: Backend,
    index: LabelIndex,
    links: LinkMapper,
    cls: str,
    lang: str,
    page: int,
) -> ClassPage | None:
    """The page of ``cls``, or None when the graph knows no such class."""
    if cls not in known_classes(index):
        return None
    grouped: dict[str, dict[str, set[str]]] = {}
    for row in select(backend, "site-browse", view=DEFAULT, **{"class": ox.NamedNode(cls)}):
        entry = grouped.setdefault(row["s"].value, {"level": set(), "host": set(), "scope": set(), "status": set()})
        for name in entry:
            if row[name] is not None:
                entry[name].add(row[name].value)
    rows = []
    for iri, facts in grouped.items():
        places = facts["host"] or facts["scope"]
        rows.append(
            Row(
                ref(index, links, iri, lang),
                tuple(ref(index, links, x, lang) for x in sorted(facts["level"])),
                tuple(ref(index, links, x, lang) for x in sorted(places)),
                tuple(ref(index, links, x, lang) for x in sorted(facts["status"])),
            )
        )
    rows.sort(key=lambda r: (normalise(r.subject.text), r.subject.iri))
    pages = max(1, math.ceil(len(rows) / PAGE_SIZE))
    page = min(max(page, 1), pages)
    children = sorted(c for c, ps in index.parents.items() if cls in ps)
    subs = [(class_ref(index, links, c, lang), compact_iri(c), count(index, c)) for c in children]
    subs.sort(key=lambda s: (normalise(s[0].text), s[0].iri))
    supers = sorted((class_ref(index, links, p, lang) for p in index.parents.get(cls, ())), key=lambda r: r.text)
    return ClassPage(
        cls=ref(index, links, cls, lang, capital=True),
        curie=compact_iri(cls),
        count=len(rows),
        supers=supers,
        subs=subs,
        rows=rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
        page=page,
        pages=pages,
    )
