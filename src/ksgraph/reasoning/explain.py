"""Why does a triple hold? Derivations over the asserted graphs, in the OWL 2 RL rules' own terms.

The ontology's axioms are compiled into Horn rules named as in the rule tables of
OWL 2 Profiles §4.3 (prp-trp, prp-spo1, prp-spo2, prp-inv1/2, cls-hv1/2, cax-sco,
prp-dom, prp-rng, …); each compiled rule remembers the axiom triples it came from.
:class:`Prover` then proves a goal triple top-down with tabling: every subgoal
(a triple pattern with ``None`` for an unknown) gets a table of answers, each with
one derivation; a worklist re-runs a goal whenever a table it read gains an answer,
until nothing changes. Tabling is what protects against cycles (a goal that needs
itself reads its own, growing table instead of recursing), and derivations deeper
than ``max_depth`` rule applications are not recorded.

The prover reads only the asserted graphs (ontology and data), never the inferred
graph, so it is an independent check of the materialised closure: tests prove every
triple of the inferred graph with it.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

import pyoxigraph as ox
from rdflib.term import BNode, Literal, Node, URIRef

from ksgraph.core.terms import Triple, to_ox_triple, to_rdflib
from ksgraph.core.vocab import INFERRED_GRAPH, expand_iri
from ksgraph.reasoning.rules import (
    _TYPE,
    Atom,
    Pattern,
    Rule,
    Term,
    compile_rules,
    is_var,
)
from ksgraph.store.dataset import is_asserted_graph

DEFAULT_MAX_DEPTH = 40


@dataclass(frozen=True)
class Derivation:
    """How a triple holds: asserted (in ``graphs``), or by ``rule`` from ``premises`` and ``axioms``."""

    triple: Triple
    rule: str | None = None
    premises: tuple[Derivation, ...] = ()
    axioms: tuple[Triple, ...] = ()
    graphs: tuple[str, ...] = ()
    depth: int = 0

    @property
    def asserted(self) -> bool:
        return self.rule is None

    def rules_used(self) -> set[str]:
        found = set() if self.rule is None else {self.rule}
        for premise in self.premises:
            found |= premise.rules_used()
        return found

    def leaves(self) -> set[Triple]:
        """The asserted data triples the derivation rests on (axioms excluded)."""
        if self.asserted:
            return {self.triple}
        return set().union(*(p.leaves() for p in self.premises))


class Prover:
    """Top-down, tabled proofs over a fixed set of asserted triples and the rules compiled from them."""

    def __init__(self, facts: dict[Triple, tuple[str, ...]], *, max_depth: int = DEFAULT_MAX_DEPTH) -> None:
        self.facts = facts
        self.max_depth = max_depth
        self.rules = compile_rules(facts)
        self._by_sp: dict[tuple[Node, Node], set[Node]] = defaultdict(set)
        self._by_po: dict[tuple[Node, Node], set[Node]] = defaultdict(set)
        self._by_p: dict[Node, set[Triple]] = defaultdict(set)
        for s, p, o in facts:
            self._by_sp[s, p].add(o)
            self._by_po[p, o].add(s)
            self._by_p[p].add((s, p, o))
        self._rules_by_head: dict[Node, list[Rule]] = defaultdict(list)
        for rule in self.rules:
            self._rules_by_head[rule.head[1]].append(rule)
        self._tables: dict[Pattern, dict[Triple, Derivation]] = {}
        self._readers: dict[Pattern, set[Pattern]] = defaultdict(set)
        self._queue: deque[Pattern] = deque()
        self._queued: set[Pattern] = set()

    @classmethod
    def from_store(cls, store: ox.Store, *, max_depth: int = DEFAULT_MAX_DEPTH) -> Prover:
        """A prover over the store's asserted graphs (the inferred graph is not read)."""
        graphs: dict[Triple, list[str]] = defaultdict(list)
        for quad in store:
            if isinstance(quad.graph_name, ox.NamedNode) and is_asserted_graph(quad.graph_name.value):
                triple = (to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object))
                graphs[triple].append(quad.graph_name.value)
        return cls({t: tuple(sorted(g)) for t, g in graphs.items()}, max_depth=max_depth)

    # -- proving -------------------------------------------------------------

    def prove(self, triple: Triple) -> Derivation | None:
        """A shallowest derivation of ``triple`` found, or None if it is not entailed (within ``max_depth``)."""
        if triple in self.facts:
            return Derivation(triple, graphs=self.facts[triple])
        goal: Pattern = triple
        self._table(goal)
        self._run()
        return self._tables[goal].get(triple)

    def _table(self, goal: Pattern) -> dict[Triple, Derivation]:
        if goal not in self._tables:
            self._tables[goal] = {}
            self._enqueue(goal)
        return self._tables[goal]

    def _enqueue(self, goal: Pattern) -> None:
        if goal not in self._queued:
            self._queued.add(goal)
            self._queue.append(goal)

    def _run(self) -> None:
        while self._queue:
            goal = self._queue.popleft()
            self._queued.discard(goal)
            if self._evaluate(goal):
                for reader in self._readers[goal]:
                    self._enqueue(reader)

    def _evaluate(self, goal: Pattern) -> bool:
        """Apply every rule (and the facts) to ``goal`` once; True if its table changed."""
        table = self._tables[goal]
        changed = False
        for triple in self._matching_facts(goal):
            if triple not in table:
                table[triple] = Derivation(triple, graphs=self.facts[triple])
                changed = True
        for rule in self._rules_by_head.get(goal[1], ()):
            env = _unify(rule.head, goal, {})
            if env is None:
                continue
            for bound, premises in self._solve(goal, list(rule.body), env, ()):
                derived = _ground(_instantiate(rule.head, bound))
                if derived is None or isinstance(derived[0], Literal):
                    continue
                depth = 1 + max(d.depth for d in premises)
                if depth > self.max_depth:
                    continue
                known = table.get(derived)
                if known is None or depth < known.depth:
                    table[derived] = Derivation(derived, rule.name, premises, rule.axioms, depth=depth)
                    changed = True
        return changed

    def _solve(
        self, goal: Pattern, atoms: list[Atom], env: dict[str, Node], premises: tuple[Derivation, ...]
    ) -> Iterable[tuple[dict[str, Node], tuple[Derivation, ...]]]:
        """Every binding of the variables that satisfies ``atoms`` given the answers tabled so far."""
        if not atoms:
            yield env, premises
            return
        # Most-bound atom first, so subgoals stay narrow (a chain is walked from its bound end).
        atom = max(atoms, key=lambda a: sum(not is_var(_bind(t, env)) for t in (a[0], a[2])))
        rest = [a for a in atoms if a is not atom]
        s, p, o = _instantiate(atom, env)
        sub: Pattern = (None if is_var(s) else s, p, None if is_var(o) else o)
        table = self._table(sub)
        self._readers[sub].add(goal)
        for triple, derivation in list(table.items()):
            extended = _unify(atom, triple, env)
            if extended is not None:
                yield from self._solve(goal, rest, extended, (*premises, derivation))

    def _matching_facts(self, goal: Pattern) -> Iterable[Triple]:
        s, p, o = goal
        if s is not None and o is not None:
            return [(s, p, o)] if (s, p, o) in self.facts else []
        if s is not None:
            return [(s, p, x) for x in self._by_sp.get((s, p), ())]
        if o is not None:
            return [(x, p, o) for x in self._by_po.get((p, o), ())]
        return list(self._by_p.get(p, ()))


def _bind(term: Term, env: dict[str, Node]) -> Term:
    return env.get(term, term) if is_var(term) else term


def _instantiate(atom: Atom, env: dict[str, Node]) -> Atom:
    return (_bind(atom[0], env), atom[1], _bind(atom[2], env))


def _ground(atom: Atom) -> Triple | None:
    """The atom as a triple, or None while a variable is unbound."""
    s, p, o = atom
    if is_var(s) or is_var(o):
        return None
    return s, p, o


def _unify(atom: Atom, target: tuple[Node | None, Node, Node | None], env: dict[str, Node]) -> dict[str, Node] | None:
    """Extend ``env`` so that ``atom`` matches ``target`` (``None`` in the target matches anything)."""
    if atom[1] != target[1]:
        return None
    out = dict(env)
    for term, value in ((atom[0], target[0]), (atom[2], target[2])):
        if value is None:
            continue
        if is_var(term):
            if term in out and out[term] != value:
                return None
            out[term] = value
        elif term != value:
            return None
    return out


# -- explanations ---------------------------------------------------------------


class Status(StrEnum):
    asserted = "asserted"
    inferred = "inferred"
    not_entailed = "not entailed"


@dataclass(frozen=True)
class Explanation:
    triple: Triple
    status: Status
    derivation: Derivation | None = None
    # Whether the store's inferred graph holds the triple (False for asserted ones);
    # a disagreement with ``status`` means the inferred graph is stale.
    in_inferred_graph: bool = False
    notes: tuple[str, ...] = field(default=())


def explain(store: ox.Store, triple: Triple, *, max_depth: int = DEFAULT_MAX_DEPTH) -> Explanation:
    """Explain one triple against the store's asserted graphs and ontology."""
    prover = Prover.from_store(store, max_depth=max_depth)
    derivation = prover.prove(triple)
    stored = _in_inferred_graph(store, triple)
    notes: list[str] = []
    if derivation is None:
        if stored:
            notes.append(
                "the inferred graph holds this triple, but no derivation was found with the rules explain "
                f"implements within depth {max_depth} (e.g. eq-rep-* equality rules are not traced)"
            )
        return Explanation(triple, Status.not_entailed, None, stored, tuple(notes))
    status = Status.asserted if derivation.asserted else Status.inferred
    if status is Status.inferred and not stored:
        notes.append("the inferred graph lacks this triple: run `ksgraph reason` to refresh it")
    return Explanation(triple, status, derivation, stored, tuple(notes))


def _in_inferred_graph(store: ox.Store, triple: Triple) -> bool:
    s, p, o = to_ox_triple(triple)
    return any(True for _ in store.quads_for_pattern(s, p, o, ox.NamedNode(INFERRED_GRAPH)))


def parse_triple(subject: str, predicate: str, object_: str) -> Triple:
    """A triple as typed on the command line (see :func:`parse_term`); ValueError if RDF has no such triple."""
    s, p, o = parse_term(subject), parse_term(predicate), parse_term(object_)
    if isinstance(s, Literal):
        raise ValueError(f"the subject {subject} is a literal; a subject is an IRI or a blank node")
    if not isinstance(p, URIRef):
        raise ValueError(f"the predicate {predicate} is not an IRI")
    return (s, p, o)


def parse_term(text: str) -> Node:
    """A term as typed on the command line.

    ``id:npo/akut-vard``, ``<https://…>``, ``a`` (rdf:type), ``"text"@sv``, ``"3"^^xsd:integer``.
    """
    text = text.strip()
    if text == "a":
        return _TYPE
    if text.startswith('"'):
        body, _, suffix = text[1:].rpartition('"')
        if suffix.startswith("@"):
            return Literal(body, lang=suffix[1:])
        if suffix.startswith("^^"):
            return Literal(body, datatype=URIRef(expand_iri(suffix[2:])))
        return Literal(body)
    if text.startswith("_:"):
        return BNode(text[2:])
    return URIRef(expand_iri(text))


# -- rendering ------------------------------------------------------------------
