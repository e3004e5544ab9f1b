"""The ``rules`` engine: forward chaining of the OWL 2 RL rules the ontology's axioms call for.

The ontology uses a small part of OWL 2 RL (sub-classes and sub-properties, domains
and ranges, inverses, one transitive, one symmetric and three functional properties,
``owl:hasValue`` restrictions and one property chain). :func:`ksgraph.reasoning.explain.compile_rules`
turns those axioms into Horn rules with constant predicates, the same rules ``ksgraph
explain`` proves with, and this module saturates the asserted triples under them with a
worklist: each triple is joined once against everything derived so far (semi-naive).

Why not reasonable for everything: at 1M triples ``reasonable.PyReasoner.reason()``
peaked at 11.6 GiB and its output had to be converted to rdflib terms
(docs/PERFORMANCE.md). Here the terms stay pyoxigraph's (hashed in Rust) and only
what is kept is converted.

The rule set is complete only for the axioms it compiles. :func:`unsupported` names
any other OWL construct in the asserted triples, and :class:`Unsupported` is raised
when the closure derives what the compiled rules cannot follow (``owl:sameAs``
between two resources, a cycle of sub-classes); callers then use a general engine
(:mod:`ksgraph.reasoning.reason` falls back to reasonable), so the result never depends on which
engine ran (tests/reasoning/test_reason.py compares all three).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass

from rdflib.term import Node

from ksgraph.core.vocab import OWL, RDF, RDFS
from ksgraph.reasoning.rules import Atom as RuleAtom
from ksgraph.reasoning.rules import Rule
from ksgraph.reasoning.rules import Term as RuleTerm
from ksgraph.reasoning.rules import is_var as is_rule_var

Term = Hashable
Atom = tuple[Term, Term, Term]
TripleT = tuple[Term, Term, Term]
# A variable binding: the keys are variables ("?x"), typed as terms so that the joins can look any
# term up without testing it first (a constant is never a key: neither engine's terms equal a str).
Env = dict[Term, Term]


class Unsupported(Exception):
    """The data needs an OWL 2 RL rule this engine does not compile."""


# Predicates and rdf:type objects whose OWL 2 RL rules compile_rules covers, or that
# only the consistency checks of reason.inconsistencies read, or that no rule reads.
_OWL_PREDICATES_OK = {
    OWL + p
    for p in (
        "inverseOf",
        "propertyChainAxiom",
        "hasValue",
        "onProperty",
        "disjointWith",
        "members",
        "distinctMembers",
        "differentFrom",
        "versionInfo",
        "versionIRI",
        "priorVersion",
        "backwardCompatibleWith",
        "incompatibleWith",
        "deprecated",
        "imports",
    )
}
_OWL_TYPES_OK = {
    OWL + t
    for t in (
        "Class",
        "ObjectProperty",
        "DatatypeProperty",
        "AnnotationProperty",
        "OntologyProperty",
        "Restriction",
        "Ontology",
        "NamedIndividual",
        "Thing",
        "TransitiveProperty",
        "SymmetricProperty",
        "FunctionalProperty",
        "AllDifferent",
        "AllDisjointClasses",
        "DeprecatedClass",
        "DeprecatedProperty",
    )
}
_TYPE = RDF + "type"
_SAME_AS = OWL + "sameAs"
_HIERARCHIES = (RDFS + "subClassOf", RDFS + "subPropertyOf")


def unsupported(triples: Iterable[tuple[str, str, str, bool]]) -> list[str]:
    """Why the compiled rules would be incomplete for these ``(s, p, o, s_is_iri)`` triples (IRIs as text).

    Any OWL predicate or class outside the covered ones (``owl:someValuesFrom``,
    ``owl:sameAs``, ``owl:InverseFunctionalProperty``, …), ``owl:equivalentClass`` and
    ``owl:equivalentProperty`` (scm-eqc/scm-eqp are not compiled), and restrictions
    named by IRIs (scm-hv would relate them by rdfs:subClassOf).
    """
    found: set[str] = set()
    for s, p, o, s_is_iri in triples:
        if p.startswith(OWL) and p not in _OWL_PREDICATES_OK:
            found.add(p)
        elif p == _TYPE and o.startswith(OWL) and o not in _OWL_TYPES_OK:
            found.add(o)
        elif s_is_iri and p in (OWL + "hasValue", OWL + "onProperty"):
            found.add(f"a restriction named by an IRI ({s})")
    return sorted(found)


@dataclass(frozen=True)
class CompiledRule:
    """A rule with its constants as the engine's terms; variables are plain ``str`` ("?x")."""

    name: str
    head: Atom
    body: tuple[Atom, ...]


def is_compiled_var(term: object) -> bool:
    # rdflib terms subclass str, pyoxigraph terms do not: a variable is exactly a str.
    return type(term) is str


class Saturation:
    """The closure of a set of triples under compiled rules, indexed for the joins the rules need.

    ``derived`` lists, in order, the triples the rules added (never an asserted one).
    """

    def __init__(self, rules: list[CompiledRule], iri: Callable[[str], Term]) -> None:
        """``iri`` makes the engine's term for an IRI (``rdflib.URIRef`` or ``pyoxigraph.NamedNode``)."""
        self.rules = rules
        self.same_as = iri(_SAME_AS)
        self._hierarchies = [iri(h) for h in _HIERARCHIES]
        self.fwd: dict[Term, dict[Term, set[Term]]] = defaultdict(dict)
        self.bwd: dict[Term, dict[Term, set[Term]]] = defaultdict(dict)
        self.derived: list[TripleT] = []
        self.size = 0
        # Backward indexes only for predicates a join reads from its object end.
        self._joined = {atom[1] for rule in rules if len(rule.body) > 1 for atom in rule.body}
        # Which rules a new triple can trigger: keyed by (predicate, constant object or None).
        self._triggers: dict[tuple[Term, Term | None], list[tuple[CompiledRule, int]]] = defaultdict(list)
        for rule in rules:
            for i, (_, p, o) in enumerate(rule.body):
                self._triggers[p, None if is_compiled_var(o) else o].append((rule, i))
        self._queue: list[TripleT] = []

    def add_asserted(self, triples: Iterable[TripleT]) -> None:
        for s, p, o in triples:
            self._add(s, p, o)

    def run(self) -> None:
        """Apply the rules until nothing new follows. Raises :class:`Unsupported` (see the module)."""
        queue, triggers, derived = self._queue, self._triggers, self.derived
        while queue:
            s, p, o = queue.pop()
            for key in ((p, o), (p, None)):
                for rule, i in triggers.get(key, ()):
                    env = match_atom(rule.body[i], s, o, {})
                    if env is None:
                        continue
                    rest = rule.body[:i] + rule.body[i + 1 :]
                    for bound in self._solve(rest, env) if rest else (env,):
                        h = rule.head
                        head = (bound.get(h[0], h[0]), h[1], bound.get(h[2], h[2]))
                        if self._add(*head):
                            derived.append(head)
                            if head[1] == self.same_as and head[0] != head[2]:
                                raise Unsupported(f"owl:sameAs between {head[0]} and {head[2]} (eq-rep-* not compiled)")
        for hierarchy in self._hierarchies:
            edges = self.fwd.get(hierarchy, {})
            for a, supers in edges.items():
                for b in supers:
                    if a != b and a in edges.get(b, ()):
                        raise Unsupported(f"a cycle of {hierarchy} through {a} and {b} (scm-eqc2/eqp2 not compiled)")

    def _add(self, s: Term, p: Term, o: Term) -> bool:
        by_subject = self.fwd[p]
        objects = by_subject.get(s)
        if objects is None:
            by_subject[s] = {o}
        elif o in objects:
            return False
        else:
            objects.add(o)
        if p in self._joined:
            subjects = self.bwd[p].get(o)
            if subjects is None:
                self.bwd[p][o] = {s}
            else:
                subjects.add(s)
        self.size += 1
        self._queue.append((s, p, o))
        return True

    def _solve(self, atoms: tuple[Atom, ...], env: Env) -> Iterator[Env]:
        if not atoms:
            yield env
            return
        atom, rest, (s, p, o) = next_atom(atoms, env)
        s_free, o_free = is_compiled_var(s), is_compiled_var(o)
        if not s_free:
            candidates: Iterable[tuple[Term, Term]] = ((s, x) for x in self.fwd[p].get(s, ()))
        elif not o_free:
            candidates = ((x, o) for x in self.bwd[p].get(o, ()))
        else:
            candidates = ((a, b) for a, objects in self.fwd[p].items() for b in objects)
        for cs, co in list(candidates):
            extended = match_atom(atom, cs, co, env)
            if extended is not None:
                yield from self._solve(rest, extended)

    def triples(self, predicate: Term) -> Iterator[TripleT]:
        for s, objects in self.fwd.get(predicate, {}).items():
            for o in objects:
                yield (s, predicate, o)

    def __iter__(self) -> Iterator[TripleT]:
        for p in list(self.fwd):
            yield from self.triples(p)


def next_atom(atoms: tuple[Atom, ...], env: Env) -> tuple[Atom, tuple[Atom, ...], TripleT]:
    """The atom of a body to join next, the others, and the atom with ``env``'s bindings put in.

    The most-bound atom comes first, so each join reads an index instead of a whole predicate.
    """
    atom = max(
        atoms, key=lambda a: (not is_compiled_var(a[0]) or a[0] in env) + (not is_compiled_var(a[2]) or a[2] in env)
    )
    s, p, o = (env.get(t, t) if is_compiled_var(t) else t for t in atom)
    return atom, tuple(a for a in atoms if a is not atom), (s, p, o)


def match_atom(atom: Atom, s: Term, o: Term, env: Env) -> Env | None:
    """``env`` extended so that ``atom``'s subject and object match ``s`` and ``o``, or None."""
    out = env
    for term, value in ((atom[0], s), (atom[2], o)):
        if is_compiled_var(term):
            bound = out.get(term)
            if bound is None:
                out = {**out, term: value}
            elif bound != value:
                return None
        elif term != value:
            return None
    return out


def compile_for(rules: Iterable[Rule], convert: Callable[[Node], Term]) -> list[CompiledRule]:
    """:class:`CompiledRule` from :func:`~ksgraph.reasoning.explain.compile_rules`' rules, constants converted."""

    def term(t: RuleTerm) -> Term:
        return t if is_rule_var(t) else convert(t)

    def atom(a: RuleAtom) -> Atom:
        return term(a[0]), term(a[1]), term(a[2])

    return [CompiledRule(rule.name, atom(rule.head), tuple(atom(a) for a in rule.body)) for rule in rules]
