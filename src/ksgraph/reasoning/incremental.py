"""Incremental reasoning: the inferred graph brought up to date for a change, not recomputed.

A change adds and removes asserted triples. This module updates the stored closure (the asserted
graphs and the inferred graph of the store) with the rules of :mod:`ksgraph.reasoning.folding`,
by DRed (delete and rederive, Gupta, Mumick and Subrahmanian 1993):

1. **overdelete** — everything with a derivation that used a removed triple is set aside
   (joined against the closure before the change);
2. **rederive** — what has another derivation from what remains comes back;
3. **insert** — the added and rederived triples are saturated semi-naively: each joins once
   with the closure, and only what is new is followed further.

Every join reads the store's indexes by a bound subject or object, so the cost follows the
change and what it entails, not the size of the store. What the result must be is fixed by the
full recomputation (:func:`ksgraph.reasoning.reason.materialise`): same inferred graph, same
inconsistencies. Where the stored graphs cannot say what that would be, :class:`NeedFull` says
why and the caller recomputes in full:

- the change adds or removes an axiom (anything the rules are compiled from or the consistency
  checks read), a blank node, or a triple about a W3C vocabulary term;
- a rule concludes ``owl:sameAs`` between two resources (the rules engine hands that to reasonable);
- a rule concludes noise the inferred graph would not hold and that another rule could still
  read (a literal subject that feeds a rule, a literal whose stored form differs).

The store must hold the closure of the state before the change, made by this engine or by the
full one with :func:`continuable` true for it (the commit path records that, see
:mod:`ksgraph.changes.commit`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from rdflib.term import Node

from ksgraph.core.terms import to_ox, to_rdflib
from ksgraph.core.vocab import OWL, RDF, RDFS, XSD
from ksgraph.reasoning.forward import CompiledRule, Env, compile_for, is_compiled_var, match_atom, next_atom
from ksgraph.reasoning.noise import is_noise
from ksgraph.reasoning.rules import Rule

# pyoxigraph's terms (NamedNode, BlankNode, Literal); its stubs type each position of a pattern
# narrowly, and a rule's terms come from compile_for as Hashable, so they are Any here.
Term = Any
Fact = tuple[Any, Any, Any]

_W3C = (XSD, RDF, RDFS, OWL)
_TYPE = ox.NamedNode(RDF + "type")
_SAME_AS = ox.NamedNode(OWL + "sameAs")
# Besides every owl: predicate, the predicates of axioms (rules.compile_rules, consistency.inconsistencies).
_AXIOM_PREDICATES = frozenset(
    ox.NamedNode(iri)
    for iri in (
        *(RDFS + local for local in ("domain", "range", "subClassOf", "subPropertyOf")),
        *(RDF + local for local in ("first", "rest")),
    )
)


class NeedFull(Exception):
    """The change cannot be reasoned over incrementally; the message says why."""


def storable_subject(term: Term) -> bool:
    """True for a subject whose derived triples the inferred graph keeps (an IRI outside the W3C vocabularies)."""
    return isinstance(term, ox.NamedNode) and not term.value.startswith(_W3C)


def canonical(term: Term) -> bool:
    """True if the inferred graph stores ``term`` as it is (it stores literals in rdflib's normal form)."""
    return not isinstance(term, ox.Literal) or to_ox(to_rdflib(term)) == term


class Rules:
    """Compiled rules indexed for the three phases: by premise (forward) and by conclusion (backward)."""

    def __init__(
        self, rules: Sequence[Rule], noise_classes: Iterable[Node], consistency_classes: Iterable[Node]
    ) -> None:
        self.rules = compile_for(rules, to_ox)
        self.noise_classes = {to_ox(c) for c in noise_classes}
        self.consistency_classes = {to_ox(c) for c in consistency_classes}
        self.triggers: dict[tuple[Term, Term | None], list[tuple[CompiledRule, int]]] = defaultdict(list)
        self.heads: dict[tuple[Term, Term | None], list[CompiledRule]] = defaultdict(list)
        for rule in self.rules:
            for i, (_, p, o) in enumerate(rule.body):
                self.triggers[p, None if is_compiled_var(o) else o].append((rule, i))
            self.heads[rule.head[1], None if is_compiled_var(rule.head[2]) else rule.head[2]].append(rule)
        self._dead: dict[tuple[Term, Term], bool] = {}
        # x owl:sameAs x is noise; it may be left out only if no rule but eq-sym (which gives it back) reads it.
        self.same_as_read_by_eq_sym_only = all(r.name == "eq-sym" for r, _ in self.triggers.get((_SAME_AS, None), ()))

    def triggered(self, p: Term, o: Term) -> Iterator[tuple[CompiledRule, int]]:
        yield from self.triggers.get((p, o), ())
        yield from self.triggers.get((p, None), ())

    def concluding(self, p: Term, o: Term) -> Iterator[CompiledRule]:
        yield from self.heads.get((p, o), ())
        yield from self.heads.get((p, None), ())

    def dead_end(self, p: Term, o: Term) -> bool:
        """Can a triple ``k p o`` about a literal or a W3C term ``k`` (never stored) lead to nothing kept?

        True if every rule it triggers has it as its only premise and concludes again about ``k``,
        a dead end in turn, and no consistency check reads it.
        """
        key = (p, o)
        known = self._dead.get(key)
        if known is not None:
            return known
        # Every conclusion reachable from the key is followed to its end before any is decided: a value
        # settled inside a cycle, on a provisional answer for the key, would depend on the order of the calls.
        seen, stack = {key}, [key]
        while stack:
            following = self._following(stack.pop())
            if following is None:
                self._dead[key] = False
                return False
            for nxt in following:
                if nxt not in seen and self._dead.get(nxt) is not True:
                    if self._dead.get(nxt) is False:
                        self._dead[key] = False
                        return False
                    seen.add(nxt)
                    stack.append(nxt)
        for reached in seen:  # everything reachable from each of them is among them, and ends
            self._dead[reached] = True
        return True

    def _following(self, key: tuple[Term, Term]) -> list[tuple[Term, Term]] | None:
        """The conclusions ``k hp ho`` a triple ``k p o`` leads to on its own, or None if it leads further."""
        p, o = key
        if p == _TYPE and o in self.consistency_classes:
            return None
        following = []
        for rule, i in self.triggered(p, o):
            (s_var, _, o_var), (hs, hp, ho) = rule.body[i], rule.head
            if len(rule.body) > 1 or hs != s_var or ho == s_var:
                return None
            following.append((hp, o if ho == o_var else ho))
        return following

    def ignorable(self, fact: Fact) -> bool:
        """True for a noise triple of a closure that the incremental engine may leave out (see :func:`continuable`)."""
        s, p, o = fact
        if not storable_subject(s):
            return not isinstance(s, ox.BlankNode) and self.dead_end(p, o)
        if p == _SAME_AS:
            return s == o and self.same_as_read_by_eq_sym_only
        return p == _TYPE and o in self.noise_classes


def continuable(rules: Rules, derived_noise: Iterable[Fact]) -> str | None:
    """Why a full closure could not be continued incrementally, or None if it can.

    ``derived_noise`` is what the closure derived that the noise filter drops: each must be
    :meth:`Rules.ignorable`, since the store does not hold it for the next change to read.
    """
    for fact in derived_noise:
        if not rules.ignorable(fact):
            return f"the closure holds {_show(fact)}, which is not stored but can feed a rule"
    return None


@dataclass
class Outcome:
    """What the change did to the closure."""

    added: list[Fact]  # triples to add to the inferred graph
    removed: list[Fact]  # triples to remove from it
    typed: set[Term]  # resources with a new rdf:type: where an inconsistency can have appeared
    asserted_added: int
    asserted_removed: int


class Model:
    """The closure as the store holds it (asserted graphs and inferred graph), with the change's overlay.

    A triple holds if it is in ``extra`` or stored, and not in ``gone``. Store lookups are cached:
    the store is not written while a model is in use.
    """

    def __init__(self, store: ox.Store, asserted: Iterable[ox.NamedNode], inferred: ox.NamedNode) -> None:
        self.store = store
        self.asserted_graphs = frozenset(asserted)
        self.inferred_graph = inferred
        self.graphs = self.asserted_graphs | {inferred}
        self.extra: set[Fact] = set()
        self._extra_fwd: dict[tuple[Term, Term], set[Term]] = defaultdict(set)
        self._extra_bwd: dict[tuple[Term, Term], set[Term]] = defaultdict(set)
        self.gone: set[Fact] = set()
        self._fwd: dict[tuple[Term, Term], list[Term]] = {}
        self._bwd: dict[tuple[Term, Term], list[Term]] = {}
        self._where: dict[Fact, tuple[bool, bool]] = {}
        self.lookups = 0

    def where(self, fact: Fact) -> tuple[bool, bool]:
        """(in an asserted graph, in the inferred graph), as stored."""
        found = self._where.get(fact)
        if found is None:
            self.lookups += 1
            names = {q.graph_name for q in self.store.quads_for_pattern(*fact)} if _subject(fact[0]) else set()
            found = self._where[fact] = (not names.isdisjoint(self.asserted_graphs), self.inferred_graph in names)
        return found

    def stored(self, fact: Fact) -> bool:
        asserted, inferred = self.where(fact)
        return asserted or inferred

    def holds(self, fact: Fact) -> bool:
        return fact not in self.gone and (fact in self.extra or self.stored(fact))

    def add(self, fact: Fact) -> None:
        self.gone.discard(fact)
        if not self.stored(fact):
            self.extra.add(fact)
            self._extra_fwd[fact[0], fact[1]].add(fact[2])
            self._extra_bwd[fact[1], fact[2]].add(fact[0])

    def objects(self, s: Term, p: Term) -> list[Term]:
        found = self._fwd.get((s, p))
        if found is None:
            self.lookups += 1
            stored = self.store.quads_for_pattern(s, p, None) if _subject(s) else ()
            found = self._fwd[s, p] = self._read(stored, 2)
        return self._live([*found, *self._extra_fwd.get((s, p), ())], lambda x: (s, p, x))

    def subjects(self, p: Term, o: Term) -> list[Term]:
        found = self._bwd.get((p, o))
        if found is None:
            self.lookups += 1
            found = self._bwd[p, o] = self._read(self.store.quads_for_pattern(None, p, o), 0)
        return self._live([*found, *self._extra_bwd.get((p, o), ())], lambda x: (x, p, o))

    def _read(self, quads: Iterable[ox.Quad], end: int) -> list[Term]:
        terms: dict[Term, None] = {}
        for q in quads:
            if q.graph_name in self.graphs:
                term = q.subject if end == 0 else q.object
                if isinstance(term, ox.BlankNode | ox.Triple):
                    raise NeedFull(f"a rule joins through a blank node ({q})")
                terms[term] = None
        return list(terms)

    def _live(self, terms: list[Term], fact: Callable[[Term], Fact]) -> list[Term]:
        if not self.gone:
            return terms
        return [t for t in terms if fact(t) not in self.gone]


class Incremental:
    """One change reasoned over: :meth:`run` the three phases, then read :meth:`outcome`."""

    def __init__(self, rules: Rules, model: Model) -> None:
        self.rules = rules
        self.model = model
        self.added: set[Fact] = set()
        self.removed: set[Fact] = set()

    # -- the change --------------------------------------------------------------------

    def run(self, added: Iterable[Fact], removed: Iterable[Fact]) -> Outcome:
        model = self.model
        self.added = {f for f in dict.fromkeys(added) if model.where(f)[0]}
        self.removed = {f for f in dict.fromkeys(removed) if not model.where(f)[0]}
        for fact in self.added | self.removed:
            _check_change(fact)
        # Before the change the closure held the removed triples: the overdeletion joins against them.
        for fact in self.removed:
            model.add(fact)
        deleted = self._overdelete(self.removed)
        model.gone = set(deleted)
        back = [fact for fact in deleted if self._derivable(fact)]
        for fact in back:
            model.add(fact)
        self._insert([*self.added, *back])
        return self.outcome()

    def _overdelete(self, removed: set[Fact]) -> set[Fact]:
        model, deleted = self.model, set(removed)
        queue = list(removed)
        while queue:
            fact = queue.pop()
            for head in self._consequences(fact):
                if head in deleted or not storable_subject(head[0]) or head[1] == _SAME_AS:
                    continue
                if model.holds(head) and not model.where(head)[0]:
                    deleted.add(head)
                    queue.append(head)
        return deleted

    def _derivable(self, fact: Fact) -> bool:
        s, p, o = fact
        for rule in self.rules.concluding(p, o):
            env = match_atom(rule.head, s, o, {})
            if env is not None and next(self._solve(rule.body, env), None) is not None:
                return True
        return False

    def _insert(self, seeds: list[Fact]) -> None:
        model, queue = self.model, seeds
        while queue:
            for head in self._consequences(queue.pop()):
                if self._skip(head) or model.holds(head):
                    continue
                if is_noise(*map(to_rdflib, head)) or not canonical(head[2]):
                    raise NeedFull(f"a rule concludes {_show(head)}, which the inferred graph would store otherwise")
                model.add(head)
                queue.append(head)

    def _skip(self, head: Fact) -> bool:
        """True for a conclusion the inferred graph leaves out and no rule needs (else NeedFull if it is noise)."""
        s, p, o = head
        if p == _SAME_AS:
            if s == o:
                return True
            raise NeedFull(f"owl:sameAs entailed between {s} and {o} (eq-rep-* are not compiled)")
        if storable_subject(s):
            return False
        if isinstance(s, ox.Literal | ox.NamedNode) and self.rules.dead_end(p, o):
            return True
        raise NeedFull(f"a rule concludes {_show(head)}, which is not stored but feeds another rule")

    # -- joins -------------------------------------------------------------------------

    def _consequences(self, fact: Fact) -> Iterator[Fact]:
        s, p, o = fact
        for rule, i in list(self.rules.triggered(p, o)):
            env = match_atom(rule.body[i], s, o, {})
            if env is None:
                continue
            rest = rule.body[:i] + rule.body[i + 1 :]
            for bound in list(self._solve(rest, env)) if rest else (env,):
                h: tuple[Any, Any, Any] = rule.head
                yield (bound.get(h[0], h[0]), h[1], bound.get(h[2], h[2]))

    def _solve(self, atoms: tuple[tuple[Term, Term, Term], ...], env: Env) -> Iterator[Env]:
        if not atoms:
            yield env
            return
        atom, rest, (s, p, o) = next_atom(atoms, env)
        if not is_compiled_var(s) and not is_compiled_var(o):
            if self.model.holds((s, p, o)):
                yield from self._solve(rest, env)
            return
        if not is_compiled_var(s):
            pairs = [(s, x) for x in self.model.objects(s, p)]
        elif not is_compiled_var(o):
            pairs = [(x, o) for x in self.model.subjects(p, o)]
        else:
            raise NeedFull(f"a rule reads every {p} triple")  # compiled bodies are connected: not reached
        for cs, co in pairs:
            extended = match_atom(atom, cs, co, env)
            if extended is not None:
                yield from self._solve(rest, extended)

    # -- the result --------------------------------------------------------------------

    def outcome(self) -> Outcome:
        model = self.model
        added = [f for f in model.extra if f not in model.gone and not model.where(f)[0]]
        for fact in added:
            if not canonical(fact[2]):  # a removed asserted triple that still follows, with such a literal
                raise NeedFull(f"the inferred graph would store {fact[2]} in another form")
        removed = [f for f in model.gone if model.where(f)[1]]
        removed += [f for f in self.added if model.where(f)[1]]  # asserted now: no longer inferred
        typed = {f[0] for f in (*added, *self.added) if f[1] == _TYPE}
        return Outcome(sorted(added, key=str), sorted(removed, key=str), typed, len(self.added), len(self.removed))


def _check_change(fact: Fact) -> None:
    """Raise :class:`NeedFull` for a changed asserted triple that the incremental engine does not reason over."""
    s, p, o = fact
    if isinstance(s, ox.BlankNode) or isinstance(o, ox.BlankNode):
        raise NeedFull(f"the change adds or removes a blank node ({_show(fact)})")
    w3c_object = isinstance(o, ox.NamedNode) and o.value.startswith(_W3C)
    if p.value.startswith(OWL) or p in _AXIOM_PREDICATES or (p == _TYPE and w3c_object):
        raise NeedFull(f"the change adds or removes an axiom ({_show(fact)})")
    if not storable_subject(s) or w3c_object:
        raise NeedFull(f"the change adds or removes a triple about a W3C term ({_show(fact)})")


def _subject(term: Term) -> bool:
    """True for a term RDF allows as a subject. A rule's join can bind a literal object where a later atom
    reads it as a subject (``?x ks:counterpartOf ?y . ?y …``): no stored triple has one, and the store
    refuses the pattern."""
    return isinstance(term, ox.NamedNode | ox.BlankNode)


def _show(fact: Fact) -> str:
    return " ".join(str(t) for t in fact)
