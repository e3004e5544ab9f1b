"""A read-through rdflib view of a pyoxigraph store's asserted data, for targeted validation.

An import validates a few thousand focus nodes against the whole data, and copying
the whole store into an rdflib graph (:func:`ksgraph.validation.validate.data_from_store`) and
back into pyoxigraph took most of that time at 1M triples (issue 8). pySHACL only
asks about the focus nodes' surroundings, so this view answers each triple pattern
from the store's indexes instead, as the copy would have answered it:

* the same graphs: the asserted data graphs, merged (a triple in two graphs is one triple);
* the same terms, converted by :func:`rdflib_term` as the copy converts them (xsd:string as plain literals);
* the same order where a node is given: rdflib's in-memory store yields a node's triples
  in insertion order, grouped as its indexes nest, and the copy inserts graph by graph in
  the store's index order; :func:`ksgraph.validation.validate._label` takes the first label it meets;
* what is added to the view (the ontology, by ``data += ontology``) lives in memory on top.

The view is read-only towards the store and assumes the store does not change while it is used.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Generator, Iterable, Iterator, Sequence
from typing import Any

import pyoxigraph as ox
from rdflib.graph import Graph
from rdflib.plugins.stores.memory import Memory
from rdflib.term import BNode, Literal, Node, URIRef

from ksgraph.core.terms import OxGraphName, OxSubject, OxTerm, to_ox_triple, to_rdflib
from ksgraph.core.vocab import DATA_GRAPH_BASE, ONTOLOGY_GRAPH

Triple = tuple[Node, Node, Node]
Contexts = Generator[Graph | None, None, None]


class _Nothing(enum.Enum):
    NOTHING = enum.auto()


# None: unbound; _NOTHING: a term the store cannot hold there (a literal subject), so nothing matches.
_NOTHING = _Nothing.NOTHING


def data_graph_names(store: ox.Store) -> tuple[ox.NamedNode, ...]:
    """The asserted data graphs, in the order :func:`ksgraph.validation.validate.data_from_store` reads them."""
    return tuple(g for g in store.named_graphs() if isinstance(g, ox.NamedNode) and g.value.startswith(DATA_GRAPH_BASE))


class StoreView(Memory):
    """An rdflib store over the data graphs of a pyoxigraph store, with an in-memory overlay for additions."""

    def __init__(self, store: ox.Store) -> None:
        super().__init__()
        self.store = store
        self.graphs = data_graph_names(store)
        self._rank: dict[OxGraphName, int] = {g: i for i, g in enumerate(self.graphs)}
        # Keyed by whatever a quad holds: a quoted triple fails in rdflib_term, as it has no rdflib term.
        self._terms: dict[OxTerm | ox.Triple, Node] = {}
        self._count: int | None = None
        self._length: int | None = None
        # Quads read from the store: tests check that targeted validation stays local.
        self.reads = 0
        self.scans = 0

    # -- rdflib Store ---------------------------------------------------------

    def triples(self, triple_pattern: Any, context: Any = None) -> Generator[tuple[Triple, Contexts], None, None]:
        s, p, o = triple_pattern
        extra = [t for t, _ in super().triples(triple_pattern, context)]
        if s is None and o is None:
            found = self._scan(p)
            seen: set[Triple] = set()
            for triple in found:
                seen.add(triple)
                yield triple, _no_contexts()
            # What was added and is also data was read with the data.
            for triple in extra:
                if triple not in seen:
                    yield triple, _no_contexts()
            return
        local = self._local(s, p, o)
        known = set(local)
        both = local + [t for t in extra if t not in known]
        for triple in _as_memory_orders(both, s, p, o):
            yield triple, _no_contexts()

    def __len__(self, context: Any = None) -> int:
        # pySHACL tests the data graph's truth (its length) for every graph it wraps.
        if self._length is None:
            if self._count is None:
                self._count = self._data_count()
            added = [t for t, _ in super().triples((None, None, None), context)]
            self._length = self._count + sum(1 for t in added if not self._in_data(t))
        return self._length

    def add(self, triple: Any, context: Any, quoted: bool = False) -> None:
        self._length = None
        super().add(triple, context, quoted)

    def remove(self, triple_pattern: Any, context: Any = None) -> None:
        self._length = None
        super().remove(triple_pattern, context)

    def sparql(self) -> GraphUnion:
        """The view for SPARQL queries run by pyoxigraph: the data graphs, and what was added to the view.

        The ontology added to the view is the store's ontology graph when they hold the same
        triples (as after ``ksgraph build``); otherwise it is copied, with the data, into memory.
        """
        added = [ox.Triple(*to_ox_triple(t)) for t, _ in super().triples((None, None, None), None)]
        if not added:
            return GraphUnion(self.store, self.graphs)
        ontology = ox.NamedNode(ONTOLOGY_GRAPH)
        stored = (
            ox.Triple(q.subject, q.predicate, q.object)
            for q in self.store.quads_for_pattern(None, None, None, ontology)
        )
        if _isomorphic(added, stored):
            return GraphUnion(self.store, (*self.graphs, ontology))
        return GraphUnion(self.store, self.graphs, added)

    # -- reading the store ------------------------------------------------------

    def _local(self, s: Node | None, p: Node | None, o: Node | None) -> list[Triple]:
        """A node's triples: one index lookup across all graphs, kept to the data graphs in their order."""
        subject, predicate = _ox_subject(s), _ox_predicate(p)
        obj, check = _ox_object(o)
        if subject is _NOTHING or predicate is _NOTHING or obj is _NOTHING:
            return []
        if obj is None and check is not None and subject is None:
            # A typed literal is looked for by rdflib equality, which a lookup cannot do
            # without the subject; its predicate's triples are read instead.
            return [t for t in self._scan(p) if t[2] == check]
        quads = []
        for quad in self.store.quads_for_pattern(subject, predicate, obj, None):
            self.reads += 1
            rank = self._rank.get(quad.graph_name)
            if rank is not None:
                quads.append((rank, quad))
        quads.sort(key=lambda rq: rq[0])
        found: dict[Triple, None] = {}
        for _, quad in quads:
            triple = (self._term(quad.subject), self._term(quad.predicate), self._term(quad.object))
            if check is None or triple[2] == check:
                found.setdefault(triple)
        return list(found)

    def _scan(self, p: Node | None) -> Iterator[Triple]:
        """Every data triple with this predicate (or all of them), graph by graph, each once."""
        predicate = _ox_predicate(p)
        if predicate is _NOTHING:
            return
        self.scans += 1
        seen: set[Triple] = set()
        for graph in self.graphs:
            for quad in self.store.quads_for_pattern(None, predicate, None, graph):
                self.reads += 1
                triple = (self._term(quad.subject), self._term(quad.predicate), self._term(quad.object))
                if triple not in seen:
                    seen.add(triple)
                    yield triple

    def _in_data(self, triple: Triple) -> bool:
        return bool(self._local(*triple))

    def _term(self, term: OxTerm | ox.Triple) -> Node:
        found = self._terms.get(term)
        if found is None:
            found = self._terms[term] = rdflib_term(term)
        return found

    def _data_count(self) -> int:
        """How many distinct triples the data graphs hold, without reading the largest graph out.

        The store counts each graph (0.7 s at 1M triples, where a DISTINCT count takes 2.5 s); a
        triple held by several graphs is among the quads of all graphs but the largest, usually
        few, so repeats are subtracted from those. Many graphs of similar size are left to DISTINCT.
        """
        sizes = [_count(self.store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", [g]) for g in self.graphs]
        largest = max(range(len(sizes)), key=sizes.__getitem__, default=0)
        rest = [g for i, g in enumerate(self.graphs) if i != largest]
        if sum(sizes) - sum(sizes[largest : largest + 1]) > sum(sizes) // 8:
            query = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
            return _count(self.store, query, self.graphs)
        repeats = 0
        seen: set[tuple[OxSubject | ox.Triple, ox.NamedNode, OxTerm | ox.Triple]] = set()
        for graph in rest:
            for quad in self.store.quads_for_pattern(None, None, None, graph):
                s, p, o = quad.subject, quad.predicate, quad.object
                if (s, p, o) not in seen:
                    seen.add((s, p, o))
                    held = self.store.quads_for_pattern(s, p, o, None)
                    repeats += sum(1 for q in held if q.graph_name in self._rank) - 1
        return sum(sizes) - repeats


def rdflib_term(t: OxTerm | ox.Triple) -> Node:
    """As rdflib's N-Triples parser makes it: a plain literal for xsd:string, as RDF 1.1 says they are one."""
    if isinstance(t, ox.Literal) and not t.language and t.datatype.value == XSD_STRING:
        return Literal(t.value)
    return to_rdflib(t)


XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _ox_subject(term: Node | None) -> OxSubject | _Nothing | None:
    if term is None:
        return None
    if isinstance(term, URIRef):
        return _named(term)
    if isinstance(term, BNode):
        return _blank(term)
    return _NOTHING


def _ox_predicate(term: Node | None) -> ox.NamedNode | _Nothing | None:
    if term is None:
        return None
    return _named(term) if isinstance(term, URIRef) else _NOTHING


def _ox_object(term: Node | None) -> tuple[OxTerm | _Nothing | None, Literal | None]:
    """(the object to look up, a literal the results must equal in rdflib's sense, or None).

    Only a plain literal is looked up directly: rdflib normalises the lexical forms of
    other literals (an xsd:date loses its time zone), so they are matched after conversion.
    """
    if isinstance(term, Literal):
        if term.language is None and term.datatype is None:
            return ox.Literal(str(term)), None
        return None, term
    return _ox_subject(term), None


def _named(term: URIRef) -> ox.NamedNode | _Nothing:
    try:
        return ox.NamedNode(str(term))
    except ValueError:
        return _NOTHING


def _blank(term: BNode) -> ox.BlankNode | _Nothing:
    try:
        return ox.BlankNode(str(term))
    except ValueError:
        return _NOTHING


def _no_contexts() -> Contexts:
    # The view holds no contexts of its own: triples are in the data graphs, merged.
    yield from ()


def _as_memory_orders(triples: list[Triple], s: Node | None, p: Node | None, o: Node | None) -> list[Triple]:
    """The order rdflib's Memory store would yield these in: a subject's triples grouped by
    predicate, an object's by subject, each group in insertion order."""
    if s is not None and p is None and o is None:
        return _grouped(triples, 1)
    if s is None and p is None and o is not None:
        return _grouped(triples, 0)
    return triples


def _grouped(triples: list[Triple], position: int) -> list[Triple]:
    groups: dict[Node, list[Triple]] = {}
    for triple in triples:
        groups.setdefault(triple[position], []).append(triple)
    return [t for group in groups.values() for t in group]


def _isomorphic(a: Iterable[ox.Triple], b: Iterable[ox.Triple]) -> bool:
    """The same triples up to blank node labels: equal once canonicalised (RDFC-1.0, in pyoxigraph)."""

    def canonical(triples: Iterable[ox.Triple]) -> set[ox.Quad]:
        dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        return set(dataset)

    return canonical(a) == canonical(b)


# IRIs, strings and comments, which may hold any word; then the keywords of aggregates and slices (not
# inside a prefixed name or a variable), with which solutions can differ in number without repeating.
_QUOTED = re.compile(
    r"<[^<>\s]*>|'{3}.*?'{3}|\"{3}.*?\"{3}|'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"|#[^\n]*",
    re.S,
)
_MULTIPLICITY = re.compile(
    r"(?<![\w:?$])(COUNT|SUM|AVG|GROUP_CONCAT|SAMPLE|MIN|MAX|GROUP|LIMIT|OFFSET)(?![\w:-])", re.IGNORECASE
)


def _counts_solutions(text: str) -> bool:
    return _MULTIPLICITY.search(_QUOTED.sub(" ", text)) is not None


class GraphUnion:
    """Graphs of a store as the one default graph of SELECT queries, with the merge's set semantics.

    pyoxigraph matches a triple pattern against several default graphs one graph at a
    time, so a triple held by two graphs matches twice and its solution comes twice,
    where the merged graph the copy made has that triple once. Without aggregates or
    slices that is the only difference: the same solutions, some repeated more often
    (counts multiply, and existence is unchanged). So a query none of whose solutions
    repeats is answered from the store; any other, or one with aggregates or LIMIT (where
    counts change silently), from a merged in-memory copy, made once and only then.
    """

    def __init__(self, store: ox.Store, graphs: Sequence[ox.NamedNode], extra: Sequence[ox.Triple] = ()) -> None:
        self.store = store
        # pyoxigraph's stubs type default_graph as an invariant list of every kind of graph name.
        self.graphs: list[OxGraphName] = list(graphs)
        self.extra = list(extra)
        self.merged: ox.Store | None = None

    def query(self, text: str) -> list[ox.QuerySolution]:
        if self.merged is None and not self.extra and not _counts_solutions(text):
            solutions = _solutions(self.store.query(text, default_graph=self.graphs))
            names = solutions.variables
            rows = list(solutions)
            if len({tuple(row[v] for v in names) for row in rows}) == len(rows):
                return rows
        return list(_solutions(self._merged().query(text)))

    def _merged(self) -> ox.Store:
        if self.merged is None:
            self.merged = ox.Store()
            self.merged.extend(
                ox.Quad(q.subject, q.predicate, q.object)
                for g in self.graphs
                for q in self.store.quads_for_pattern(None, None, None, g)
            )
            self.merged.extend(ox.Quad(t.subject, t.predicate, t.object) for t in self.extra)
        return self.merged


def _count(store: ox.Store, query: str, graphs: Sequence[ox.NamedNode]) -> int:
    if not graphs:
        return 0
    chosen: list[OxGraphName] = list(graphs)
    return int(next(_solutions(store.query(query, default_graph=chosen)))["n"].value)


def _solutions(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> ox.QuerySolutions:
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError("the view answers SELECT queries only")
    return result
