"""Names a steward writes in a cell, resolved to the IRIs of the graph.

A steward writes "Region Norrbotten" or "NPO Akut vård", not an IRI. A cell is
resolved against every label (sv, en, alternative), every IRI and every id path
(``region/norrbotten``, and its tail ``norrbotten``) of the resources of the
classes a column accepts: those already in the store, and those the same file
defines (so an LPO and its LAG can arrive in one workbook). A name that matches
nothing gets the closest names by :mod:`difflib` as a suggestion.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from ksgraph.core.vocab import ID, RDF, SKOS
from ksgraph.sparql.packaged import select_local
from ksgraph.store.dataset import dataset

_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "Å": "a", "Ä": "a", "Ö": "o"})


def slug(text: str) -> str:
    """The slug rule of docs/MODEL.md: lower case, å/ä→a, ö→o, other runs of non-alphanumerics → '-'.

    >>> slug("Hjärt- och kärlsjukdomar")
    'hjart-och-karlsjukdomar'
    >>> slug("Örebro län")
    'orebro-lan'
    """
    text = text.translate(_FOLD).lower()
    # Other accents (é, ü) lose their mark rather than becoming a '-'.
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def normalise(name: str) -> str:
    """How names are compared: case, spacing and the dash variants a spreadsheet produces do not count."""
    name = unicodedata.normalize("NFC", name).replace("\u2013", "-").replace("\u2014", "-").replace("\u00a0", " ")
    return re.sub(r"\s+", " ", name).strip().casefold()


def id_path(iri: str) -> str | None:
    """The part of a ksgraph instance IRI after ``id/`` (``region/norrbotten``), or None."""
    return iri[len(ID) :] if iri.startswith(ID) else None


@dataclass
class Resource:
    iri: str
    classes: set[str] = field(default_factory=set)
    labels: dict[str, str] = field(default_factory=dict)  # language → preferred label
    names: set[str] = field(default_factory=set)  # every spelling that resolves to it

    def label(self, lang: str = "sv") -> str:
        return self.labels.get(lang) or self.labels.get("sv") or self.labels.get("en") or self.iri


@dataclass(frozen=True)
class Unresolved:
    """Why a name resolved to nothing (or to too much), and what the steward may have meant."""

    reason: str
    suggestions: tuple[str, ...] = ()


class NameIndex:
    """Resolves names within a set of classes. Built once per import, from the store and the file."""

    def __init__(self, subclasses: dict[str, set[str]] | None = None) -> None:
        self._resources: dict[str, Resource] = {}
        self._by_name: dict[str, set[str]] = defaultdict(set)
        # class → itself and every subclass, so a column accepting ks:GovernanceGroup accepts an NPO.
        self._subclasses = subclasses or {}
        self._wanted: dict[tuple[str, ...], set[str]] = {}

    @classmethod
    def from_store(cls, store: ox.Store | None) -> NameIndex:
        """Every typed resource of the asserted and inferred graphs, with its labels and types."""
        if store is None:
            return cls()
        graphs = dataset(store, inferred=True)
        subclasses: dict[str, set[str]] = defaultdict(set)
        # wanted() adds the class itself (the query's path is one or more steps).
        for solution in select_local(store, "class-hierarchy"):
            subclasses[solution["sup"].value].add(solution["sub"].value)
        index = cls(dict(subclasses))
        rdf_type = ox.NamedNode(RDF + "type")
        for graph in graphs:
            for quad in store.quads_for_pattern(None, rdf_type, None, graph):
                if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.NamedNode):
                    index.add(quad.subject.value, quad.object.value)
        for graph in graphs:
            for prop, preferred in ((SKOS + "prefLabel", True), (SKOS + "altLabel", False)):
                for quad in store.quads_for_pattern(None, ox.NamedNode(prop), None, graph):
                    resource = index._resources.get(getattr(quad.subject, "value", ""))
                    if resource is not None and isinstance(quad.object, ox.Literal):
                        index.add_name(resource.iri, quad.object.value, quad.object.language if preferred else None)
        return index

    def add(self, iri: str, cls_iri: str | None = None, labels: Iterable[tuple[str, str | None]] = ()) -> Resource:
        """Register a resource (from the store or from the file being read) under its IRI and id path."""
        resource = self._resources.get(iri)
        if resource is None:
            resource = self._resources[iri] = Resource(iri)
            path = id_path(iri)
            for name in (iri, *((path, "id:" + path, path.split("/", 1)[-1]) if path else ())):
                self._register(resource, name)
        if cls_iri:
            resource.classes.add(cls_iri)
        for text, lang in labels:
            self.add_name(iri, text, lang)
        return resource

    def add_name(self, iri: str, text: str, lang: str | None) -> None:
        resource = self._resources[iri]
        if lang and lang not in resource.labels:
            resource.labels[lang] = text
        self._register(resource, text)

    def _register(self, resource: Resource, name: str) -> None:
        key = normalise(name)
        if key:
            resource.names.add(name)
            self._by_name[key].add(resource.iri)

    def get(self, iri: str) -> Resource | None:
        return self._resources.get(iri)

    def wanted(self, classes: Iterable[str]) -> set[str]:
        """The classes and all their subclasses (computed once per column)."""
        key = tuple(classes)
        if key not in self._wanted:
            self._wanted[key] = {c for k in key for c in (self._subclasses.get(k, set()) | {k})}
        return self._wanted[key]

    def _accepts(self, resource: Resource, classes: Iterable[str]) -> bool:
        return not resource.classes.isdisjoint(self.wanted(classes))

    def resolve(self, name: str, classes: Iterable[str], *, tail: bool = False) -> str | Unresolved:
        """The one IRI of the given classes that ``name`` names, or why there is none."""
        classes = tuple(classes)
        hits = sorted(
            iri for iri in self._by_name.get(normalise(name), ()) if self._accepts(self._resources[iri], classes)
        )
        if len(hits) == 1:
            return hits[0]
        if hits:
            shown = tuple(f"{self._resources[i].label()} (id:{id_path(i) or i})" for i in hits)
            return Unresolved("is ambiguous; write the id instead", shown)
        return Unresolved("is unknown", self.suggest(name, classes, tail=tail))

    def suggest(self, name: str, classes: Iterable[str], n: int = 3, *, tail: bool = False) -> tuple[str, ...]:
        """The preferred labels (or, with ``tail``, the id tails) of the resources whose names are closest."""
        candidates: dict[str, str] = {}
        for resource in self._resources.values():
            if self._accepts(resource, classes):
                for spelling in resource.names:
                    candidates.setdefault(normalise(spelling), resource.iri)
        close = difflib.get_close_matches(normalise(name), list(candidates), n=n * 3, cutoff=0.6)
        labels: list[str] = []
        for key in close:
            iri = candidates[key]
            path = id_path(iri) or ""
            label = path.split("/", 1)[-1] if tail and path else self._resources[iri].label()
            if label not in labels:
                labels.append(label)
        return tuple(labels[:n])

    def display(self, iri: str, classes: Iterable[str], lang: str = "sv") -> str:
        """What to write in a cell for ``iri``: its label if that resolves back to it, else its id path."""
        resource = self._resources.get(iri)
        if resource is not None:
            for candidate in (resource.labels.get(lang), resource.labels.get("sv"), resource.labels.get("en")):
                if candidate and self.resolve(candidate, classes) == iri:
                    return candidate
        path = id_path(iri)
        if path and "/" in path and self.resolve(tail := path.split("/", 1)[1], classes) == iri:
            return tail  # a source section as 003/sammansattning
        return path or iri
