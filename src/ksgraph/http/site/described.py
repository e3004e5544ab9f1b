"""RDF descriptions as HTML for a person: the service description (``/sparql``) and the dataset's
description (``/.well-known/void``), each subject a table of its properties and values.

Blank nodes (a publisher, a distribution, a checksum) are shown inside the statement that names
them. Names come from the label index where the graph has them, else the prefixed IRI.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from ksgraph.core.links import LinkMapper
from ksgraph.core.vocab import RDF, compact_iri
from ksgraph.http.site.labels import LabelIndex, Ref, ref

MAX_DEPTH = 3


@dataclass
class Value:
    ref: Ref | None = None
    text: str = ""
    lang: str | None = None
    datatype: str | None = None
    nested: Subject | None = None


@dataclass
class Subject:
    ref: Ref | None  # None for a blank node
    types: list[Ref] = field(default_factory=list)
    rows: list[tuple[Ref, list[Value]]] = field(default_factory=list)


def describe(
    triples: Iterable[ox.Triple], index: LabelIndex, links: LinkMapper, lang: str, first: str | None = None
) -> list[Subject]:
    """The named subjects of ``triples`` (``first`` first, the others by IRI), blank nodes inline."""
    # Keyed by any subject an RDF-star triple term included; only IRIs and blank nodes become rows.
    by_subject: dict[ox.NamedNode | ox.BlankNode | ox.Triple, list[ox.Triple]] = {}
    for t in triples:
        by_subject.setdefault(t.subject, []).append(t)
    referenced = {t.object for ts in by_subject.values() for t in ts if isinstance(t.object, ox.BlankNode)}

    def subject(node: ox.NamedNode | ox.BlankNode, depth: int) -> Subject:
        out = Subject(ref(index, links, node.value, lang) if isinstance(node, ox.NamedNode) else None)
        grouped: dict[str, list[Value]] = {}
        for t in sorted(by_subject.get(node, []), key=lambda t: (t.predicate.value, str(t.object))):
            obj = t.object
            if t.predicate.value == RDF + "type" and isinstance(obj, ox.NamedNode):
                out.types.append(ref(index, links, obj.value, lang))
                continue
            if isinstance(obj, ox.Literal):
                datatype = None if obj.language or obj.datatype.value.endswith("#string") else obj.datatype.value
                value = Value(text=obj.value, lang=obj.language, datatype=compact_iri(datatype) if datatype else None)
            elif isinstance(obj, ox.BlankNode):
                value = Value(nested=subject(obj, depth + 1) if depth < MAX_DEPTH else None, text="[…]")
            elif isinstance(obj, ox.NamedNode):
                value = Value(ref=ref(index, links, obj.value, lang))
            else:  # an RDF-star triple term: shown as written
                value = Value(text=str(obj))
            grouped.setdefault(t.predicate.value, []).append(value)
        out.rows = [(ref(index, links, p, lang), values) for p, values in grouped.items()]
        return out

    named = sorted((s for s in by_subject if isinstance(s, ox.NamedNode)), key=lambda s: (s.value != first, s.value))
    loose = [s for s in by_subject if isinstance(s, ox.BlankNode) and s not in referenced]
    roots: list[ox.NamedNode | ox.BlankNode] = [*named, *loose]
    return [subject(s, 0) for s in roots]
