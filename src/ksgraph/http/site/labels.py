"""The site's label index: every named resource with its names and classes, and search over them.

Built from two packaged queries (``site-labels``, ``site-types``) through the one
:class:`~ksgraph.sparql.port.Backend`, so it reads a remote store as it reads the local one.
Search compares *normalised* names (:func:`normalise`: case folded, diacritics and punctuation
removed), in Python rather than in SPARQL: stores differ in what ``LCASE`` and ``REGEX`` do with
``å``, ``ä`` and ``ö``, and the names are a few thousand short strings.
"""

from __future__ import annotations

import re
import threading
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pyoxigraph as ox

from ksgraph.core.links import LinkMapper
from ksgraph.core.vocab import FOAF, GRAPH_BASE, RDFS, SKOS, compact_iri, expand_iri
from ksgraph.sparql.packaged import select
from ksgraph.sparql.port import Backend
from ksgraph.store.dataset import ASSERTED, DEFAULT

# Letters NFKD does not decompose into a base letter and a mark.
_LETTERS = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ł": "l", "ı": "i", "þ": "th", "ð": "d"})
_NOT_WORD = re.compile(r"[\W_]+")

# How much a kind of name counts: the preferred label first, an alternative label last.
KIND_RANK = {SKOS + "prefLabel": 0, RDFS + "label": 1, FOAF + "name": 1, SKOS + "altLabel": 2}
# How a name matches the query, best first.
EXACT, PREFIX, WORD, SUBSTRING, ALL_WORDS = range(5)
MATCH_NAMES = {EXACT: "exact", PREFIX: "prefix", WORD: "word", SUBSTRING: "substring", ALL_WORDS: "words"}


def normalise(text: str) -> str:
    """``text`` as search compares it: case folded, without diacritics, punctuation as single spaces.

    >>> normalise("Öron-, näsa-, halssjukdomar")
    'oron nasa halssjukdomar'
    >>> normalise("  Barn och UNGDOMARS hälsa ")
    'barn och ungdomars halsa'
    """
    folded = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in folded if not unicodedata.combining(c)).translate(_LETTERS)
    return _NOT_WORD.sub(" ", bare).strip()


def match(query: str, key: str) -> int | None:
    """How the normalised ``query`` matches the normalised name ``key`` (see the ranks above), or None."""
    if not query or not key:
        return None
    if key == query:
        return EXACT
    if key.startswith(query):
        return PREFIX
    if f" {query}" in f" {key}":
        return WORD
    if query in key:
        return SUBSTRING
    if all(word in key for word in query.split()):
        return ALL_WORDS
    return None


@dataclass(frozen=True)
class Name:
    text: str
    lang: str | None
    prop: str
    key: str  # normalised text


@dataclass
class Entry:
    """A resource with a name: its names, and the classes it is an instance of."""

    iri: str
    names: list[Name] = field(default_factory=list)
    types: set[str] = field(default_factory=set)

    def name_for(self, lang: str) -> Name | None:
        """Its name for a reader of ``lang``: the preferred label in that language, else in the
        other, else a plain label or personal name, else any name."""
        for prop in (SKOS + "prefLabel", RDFS + "label", FOAF + "name"):
            found = {n.lang: n for n in self.names if n.prop == prop}
            for choice in (lang, "sv" if lang == "en" else "en", None):
                if choice in found:
                    return found[choice]
            if found:
                return sorted(found.items(), key=lambda kv: kv[0] or "")[0][1]
        return self.names[0] if self.names else None

    def label(self, lang: str) -> str | None:
        name = self.name_for(lang)
        return name.text if name else None

    def other_label(self, lang: str) -> str | None:
        """The preferred label in the other language, when it differs from :meth:`label`."""
        other = "en" if lang == "sv" else "sv"
        shown = self.label(lang)
        for n in self.names:
            if n.prop == SKOS + "prefLabel" and n.lang == other and n.text != shown:
                return n.text
        return None


@dataclass(frozen=True)
class Hit:
    """A search result: the resource, the name that matched and how."""

    entry: Entry
    name: Name
    how: int

    @property
    def rank(self) -> tuple[int, int, int, str]:
        return (self.how, KIND_RANK.get(self.name.prop, 3), len(self.name.key), self.name.key)


class LabelIndex:
    """Names and classes of every named resource of one store version."""

    def __init__(
        self,
        names: Iterable[tuple[str, str, ox.Literal]],
        types: Iterable[tuple[str, str]],
        subclasses: Iterable[tuple[str, str]] = (),
    ) -> None:
        # Each class's direct super-classes, as the ontology states them.
        self.parents: dict[str, set[str]] = {}
        for sub, sup in subclasses:
            self.parents.setdefault(sub, set()).add(sup)
        self.entries: dict[str, Entry] = {}
        for iri, prop, literal in names:
            entry = self.entries.setdefault(iri, Entry(iri))
            name = Name(literal.value, literal.language, prop, normalise(literal.value))
            if name not in entry.names:
                entry.names.append(name)
        self.instances: dict[str, set[str]] = {}
        for iri, cls in types:
            self.instances.setdefault(cls, set()).add(iri)
            if iri in self.entries:
                self.entries[iri].types.add(cls)
        for entry in self.entries.values():  # one order on every backend
            entry.names.sort(key=lambda n: (KIND_RANK.get(n.prop, 3), n.lang or "", n.text))

    def label(self, iri: str, lang: str) -> str | None:
        entry = self.entries.get(iri)
        return entry.label(lang) if entry else None

    def ancestors(self, cls: str) -> set[str]:
        seen: set[str] = set()
        todo = list(self.parents.get(cls, ()))
        while todo:
            c = todo.pop()
            if c not in seen:
                seen.add(c)
                todo.extend(self.parents.get(c, ()))
        return seen

    def most_specific(self, types: Iterable[str], namespace: str = "") -> list[str]:
        """``types`` without those another of them specialises (and outside ``namespace``), sorted."""
        chosen = [t for t in types if t.startswith(namespace)]
        above = {a for t in chosen for a in self.ancestors(t)}
        return sorted(t for t in chosen if t not in above)

    def search(self, text: str, *, within: str | None = None) -> list[Hit]:
        """Resources whose names match ``text``, best first; ``within`` keeps instances of one class.

        One hit per resource, for its best-matching name. A CURIE or IRI of a named resource
        finds that resource first."""
        query = normalise(text)
        allowed = self.instances.get(within, set()) if within else None
        best: dict[str, Hit] = {}
        if query:
            for entry in self.entries.values():
                if allowed is not None and entry.iri not in allowed:
                    continue
                for name in entry.names:
                    how = match(query, name.key)
                    if how is None:
                        continue
                    hit = Hit(entry, name, how)
                    if entry.iri not in best or hit.rank < best[entry.iri].rank:
                        best[entry.iri] = hit
        hits = sorted(best.values(), key=lambda h: (h.rank, h.entry.iri))
        named = self.entries.get(expand_iri(text.strip())) if text.strip() else None
        if named is not None and (allowed is None or named.iri in allowed) and named.names:
            hits = [Hit(named, named.names[0], EXACT)] + [h for h in hits if h.entry is not named]
        return hits


@dataclass(frozen=True)
class Ref:
    """A resource as a list shows it: its IRI, where a click goes, its name in the page's language."""

    iri: str
    href: str | None
    text: str
    other: str | None = None  # the name in the other language, when it differs
    lang: str | None = None


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def href(links: LinkMapper, iri: str) -> str | None:
    """Where a click on ``iri`` goes: a named graph of ours to its Graph Store Protocol address
    (the graph IRIs are names, not pages), anything else where the LinkMapper says."""
    if iri.startswith(GRAPH_BASE):
        return links.public_base.rstrip("/") + "/rdf-graphs?" + urlencode({"graph": iri})
    return links.href(iri)


def ref(index: LabelIndex, links: LinkMapper, iri: str, lang: str, *, capital: bool = False) -> Ref:
    entry = index.entries.get(iri)
    name = entry.name_for(lang) if entry else None
    text = name.text if name else compact_iri(iri)
    other = entry.other_label(lang) if entry else None
    if capital and name is not None:  # a name, not a prefixed IRI (org:Post stays as it is)
        text, other = capitalised(text), capitalised(other) if other else None
    return Ref(iri, href(links, iri), text, other, name.lang if name else None)


def build_index(backend: Backend) -> LabelIndex:
    names = [
        (row["s"].value, row["p"].value, row["label"])
        for row in select(backend, "site-labels", view=DEFAULT)
        if isinstance(row["label"], ox.Literal)
    ]
    types = [(row["s"].value, row["class"].value) for row in select(backend, "site-types", view=DEFAULT)]
    # Asserted only: the inferred graph holds the transitive closure, and pages show direct links.
    tree = [(row["sub"].value, row["super"].value) for row in select(backend, "site-class-tree", view=ASSERTED)]
    return LabelIndex(names, types, tree)


class LabelCache:
    """The index of the backend's current version, rebuilt when a new version is published.

    A local backend names its version (a new build is a new path); a remote store does not say
    when it changes, so its index is rebuilt after ``ttl`` seconds."""

    def __init__(self, backend: Backend, ttl: float = 60.0) -> None:
        self.backend = backend
        self.ttl = ttl
        self._lock = threading.Lock()
        self._key: object = None
        self._index: LabelIndex | None = None

    def get(self) -> LabelIndex:
        version = self.backend.version()
        key = (version, int(time.monotonic() // self.ttl)) if self.backend.remote else version
        with self._lock:
            if self._index is None or key != self._key:
                self._index, self._key = build_index(self.backend), key
            return self._index
