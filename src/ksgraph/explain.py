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

import json
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum

import pyoxigraph as ox
from rdflib.term import BNode, Literal, Node, URIRef

from .namespaces import GRAPH_BASE, INFERRED_GRAPH, OWL, PREFIXES, RDF, RDFS, is_asserted_graph
from .printable import printable
from .query import expand_iri
from .reason import Triple, rdf_list, subject_index, to_ox, to_rdflib

DEFAULT_MAX_DEPTH = 40

# A term of a rule: a constant, or a variable written "?name".
Var = str
Term = Node | Var
Atom = tuple[Term, Node, Term]
Pattern = tuple[Node | None, Node, Node | None]

_TYPE = URIRef(RDF + "type")
_SUBCLASS = URIRef(RDFS + "subClassOf")
_SUBPROPERTY = URIRef(RDFS + "subPropertyOf")
_SAME_AS = URIRef(OWL + "sameAs")


def _owl(local: str) -> URIRef:
    return URIRef(OWL + local)


def is_var(term: object) -> bool:
    return isinstance(term, str) and not isinstance(term, Node)


@dataclass(frozen=True)
class Rule:
    """One OWL 2 RL rule instantiated by the axioms in ``axioms``: ``head`` holds if every ``body`` atom does."""

    name: str
    head: Atom
    body: tuple[Atom, ...]
    axioms: tuple[Triple, ...] = ()


def compile_rules(asserted: Iterable[Triple]) -> list[Rule]:
    """The OWL 2 RL rules the axioms among ``asserted`` call for."""
    triples = list(asserted)
    index = subject_index(triples)
    rules: list[Rule] = [
        # Schema rules: they need no axiom, only the hierarchy itself.
        Rule("scm-sco", ("?c1", _SUBCLASS, "?c3"), (("?c1", _SUBCLASS, "?c2"), ("?c2", _SUBCLASS, "?c3"))),
        Rule("scm-spo", ("?p1", _SUBPROPERTY, "?p3"), (("?p1", _SUBPROPERTY, "?p2"), ("?p2", _SUBPROPERTY, "?p3"))),
        Rule("eq-sym", ("?y", _SAME_AS, "?x"), (("?x", _SAME_AS, "?y"),)),
    ]
    for ax in triples:
        s, p, o = ax
        if p == URIRef(RDFS + "domain"):
            rules.append(Rule("prp-dom", ("?x", _TYPE, o), (("?x", s, "?y"),), (ax,)))
        elif p == URIRef(RDFS + "range"):
            rules.append(Rule("prp-rng", ("?y", _TYPE, o), (("?x", s, "?y"),), (ax,)))
        elif p == _SUBPROPERTY and s != o:
            rules.append(Rule("prp-spo1", ("?x", o, "?y"), (("?x", s, "?y"),), (ax,)))
        elif p == _owl("equivalentProperty"):
            rules.append(Rule("prp-eqp1", ("?x", o, "?y"), (("?x", s, "?y"),), (ax,)))
            rules.append(Rule("prp-eqp2", ("?x", s, "?y"), (("?x", o, "?y"),), (ax,)))
        elif p == _owl("inverseOf"):
            rules.append(Rule("prp-inv1", ("?y", o, "?x"), (("?x", s, "?y"),), (ax,)))
            rules.append(Rule("prp-inv2", ("?y", s, "?x"), (("?x", o, "?y"),), (ax,)))
        elif p == _SUBCLASS and s != o:
            rules.append(Rule("cax-sco", ("?x", _TYPE, o), (("?x", _TYPE, s),), (ax,)))
        elif p == _owl("equivalentClass"):
            rules.append(Rule("cax-eqc1", ("?x", _TYPE, o), (("?x", _TYPE, s),), (ax,)))
            rules.append(Rule("cax-eqc2", ("?x", _TYPE, s), (("?x", _TYPE, o),), (ax,)))
        elif p == _TYPE and o == _owl("TransitiveProperty"):
            rules.append(Rule("prp-trp", ("?x", s, "?z"), (("?x", s, "?y"), ("?y", s, "?z")), (ax,)))
        elif p == _TYPE and o == _owl("SymmetricProperty"):
            rules.append(Rule("prp-symp", ("?y", s, "?x"), (("?x", s, "?y"),), (ax,)))
        elif p == _TYPE and o == _owl("FunctionalProperty"):
            rules.append(Rule("prp-fp", ("?y1", _SAME_AS, "?y2"), (("?x", s, "?y1"), ("?x", s, "?y2")), (ax,)))
        elif p == _owl("propertyChainAxiom"):
            links = rdf_list(index, o)
            if links:
                variables = [f"?u{i}" for i in range(len(links) + 1)]
                body = tuple((variables[i], link, variables[i + 1]) for i, link in enumerate(links))
                rules.append(Rule("prp-spo2", (variables[0], s, variables[-1]), body, (ax, *_list_triples(index, o))))
        elif p == _owl("hasValue"):
            for prop in index[s].get(_owl("onProperty"), ()):
                axioms = (ax, (s, _owl("onProperty"), prop))
                rules.append(Rule("cls-hv1", ("?x", prop, o), (("?x", _TYPE, s),), axioms))
                rules.append(Rule("cls-hv2", ("?x", _TYPE, s), (("?x", prop, o),), axioms))
    return rules


def _list_triples(index: dict[Node, dict[Node, set[Node]]], head: Node) -> list[Triple]:
    found: list[Triple] = []
    nil = URIRef(RDF + "nil")
    while head != nil and len(found) < 200:
        first = next(iter(index[head].get(URIRef(RDF + "first"), ())), None)
        rest = next(iter(index[head].get(URIRef(RDF + "rest"), ())), None)
        if first is None or rest is None:
            break
        found += [(head, URIRef(RDF + "first"), first), (head, URIRef(RDF + "rest"), rest)]
        head = rest
    return found


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
                head = _instantiate(rule.head, bound)
                if any(is_var(t) for t in head) or isinstance(head[0], Literal):
                    continue
                triple: Triple = head  # type: ignore[assignment]
                depth = 1 + max(d.depth for d in premises)
                if depth > self.max_depth:
                    continue
                known = table.get(triple)
                if known is None or depth < known.depth:
                    table[triple] = Derivation(triple, rule.name, premises, rule.axioms, depth=depth)
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
        s, p, o = (_bind(t, env) for t in atom)
        sub: Pattern = (None if is_var(s) else s, p, None if is_var(o) else o)  # type: ignore[assignment]
        table = self._table(sub)
        self._readers[sub].add(goal)
        for triple, derivation in list(table.items()):
            extended = _unify(atom, triple, env)
            if extended is not None:
                yield from self._solve(goal, rest, extended, (*premises, derivation))

    def _matching_facts(self, goal: Pattern) -> Iterable[Triple]:
        s, p, o = goal
        if s is not None and o is not None:
            return [goal] if goal in self.facts else []  # type: ignore[list-item]
        if s is not None:
            return [(s, p, x) for x in self._by_sp.get((s, p), ())]
        if o is not None:
            return [(x, p, o) for x in self._by_po.get((p, o), ())]
        return list(self._by_p.get(p, ()))


def _bind(term: Term, env: dict[str, Node]) -> Term:
    return env.get(term, term) if is_var(term) else term  # type: ignore[arg-type]


def _instantiate(atom: Atom, env: dict[str, Node]) -> Atom:
    return (_bind(atom[0], env), atom[1], _bind(atom[2], env))


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
    s, p, o = (to_ox(t) for t in triple)
    return any(True for _ in store.quads_for_pattern(s, p, o, ox.NamedNode(INFERRED_GRAPH)))


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


def _compact(term: Node, restrictions: dict[Node, str]) -> str:
    if isinstance(term, URIRef):
        value = str(term)
        for prefix, ns in PREFIXES.items():
            if value.startswith(ns) and len(value) > len(ns):
                return f"{prefix}:{value[len(ns) :]}"
        return f"<{value}>"
    if isinstance(term, BNode):
        return restrictions.get(term, f"_:{term}")
    assert isinstance(term, Literal)
    return term.n3()


def _blank_node_names(facts: Iterable[Triple]) -> dict[Node, str]:
    """Turtle-like names for the blank nodes of axioms: restrictions and the lists of property chains."""
    facts = list(facts)
    index = subject_index(facts)
    on: dict[Node, Node] = {}
    value: dict[Node, Node] = {}
    names: dict[Node, str] = {}
    for s, p, o in facts:
        if isinstance(s, BNode) and p == _owl("onProperty"):
            on[s] = o
        elif isinstance(s, BNode) and p == _owl("hasValue"):
            value[s] = o
        elif p == _owl("propertyChainAxiom") and (links := rdf_list(index, o)):
            names[o] = "( " + " ".join(_compact(link, {}) for link in links) + " )"
    for b in on.keys() & value.keys():
        names[b] = f"[ owl:onProperty {_compact(on[b], {})} ; owl:hasValue {_compact(value[b], {})} ]"
    return names


# What each rule says, for readers who do not know the OWL 2 RL tables by heart.
RULE_GLOSSES: dict[str, str] = {
    "prp-dom": "property domain",
    "prp-rng": "property range",
    "prp-spo1": "sub-property",
    "prp-spo2": "property chain",
    "prp-eqp1": "equivalent property",
    "prp-eqp2": "equivalent property",
    "prp-inv1": "inverse property",
    "prp-inv2": "inverse property",
    "prp-trp": "transitive property",
    "prp-symp": "symmetric property",
    "prp-fp": "functional property",
    "cax-sco": "subclass",
    "cax-eqc1": "equivalent class",
    "cax-eqc2": "equivalent class",
    "cls-hv1": "hasValue restriction: members have the value",
    "cls-hv2": "hasValue restriction: having the value makes a member",
    "scm-sco": "subclass hierarchy is transitive",
    "scm-spo": "sub-property hierarchy is transitive",
    "eq-sym": "sameAs is symmetric",
}


def _graph_name(iri: str) -> str:
    return iri[len(GRAPH_BASE) :] if iri.startswith(GRAPH_BASE) else iri


def render_text(explanation: Explanation) -> str:
    """The explanation as an indented tree a researcher can follow."""
    names: dict[Node, str] = {}
    if explanation.derivation is not None:
        names = _blank_node_names(_axioms_of(explanation.derivation))

    def show(terms: tuple[Node, ...]) -> str:
        return " ".join(_compact(x, names) for x in terms)

    lines = [show(explanation.triple)]
    d = explanation.derivation
    if explanation.status is Status.not_entailed:
        lines.append("NOT ENTAILED: neither asserted nor derivable from the asserted graphs and the ontology.")
    elif explanation.status is Status.asserted and d is not None:
        lines.append(f"ASSERTED in {', '.join(_graph_name(g) for g in d.graphs)}")
    elif d is not None:
        lines.append(f"INFERRED ({len(d.leaves())} asserted triples, rules {', '.join(sorted(d.rules_used()))})")
        lines += _tree(d, show, "")
    lines += [f"note: {n}" for n in explanation.notes]
    # Literals and IRIs come from the data: no control or bidi character of theirs reaches the terminal.
    return "\n".join(printable(line) for line in lines)


def _tree(d: Derivation, show: Callable[[tuple[Node, ...]], str], indent: str) -> list[str]:
    lines = [f"{indent}by {d.rule} ({RULE_GLOSSES.get(d.rule or '', 'OWL 2 RL')})"]
    children: list[tuple[str, Derivation | None]] = [(f"axiom {show(a)}", None) for a in _visible_axioms(d)]
    children += [(show(p.triple), p) for p in d.premises]
    for i, (label, premise) in enumerate(children):
        last = i == len(children) - 1
        branch, carry = ("└─ ", "   ") if last else ("├─ ", "│  ")
        if premise is None:
            if d.rule in {"cls-hv1", "cls-hv2"}:
                label = "axiom " + show((d.axioms[0][0],)) + " a owl:Restriction"
            lines.append(f"{indent}{branch}{label}")
        elif premise.asserted:
            lines.append(f"{indent}{branch}{label}   [asserted in {', '.join(_graph_name(g) for g in premise.graphs)}]")
        else:
            lines.append(f"{indent}{branch}{label}")
            lines += _tree(premise, show, indent + carry)
    return lines


def _visible_axioms(d: Derivation) -> list[Triple]:
    # The rdf:first/rest cells of a chain's list are shown through the axiom that uses
    # them; a hasValue restriction's two triples are shown as the restriction itself.
    if d.rule in {"cls-hv1", "cls-hv2"}:
        return [d.axioms[0]]
    return [a for a in d.axioms if not isinstance(a[0], BNode)] or list(d.axioms[:1])


def _axioms_of(d: Derivation) -> list[Triple]:
    found = list(d.axioms)
    for premise in d.premises:
        found += _axioms_of(premise)
    return found


def to_json(explanation: Explanation) -> str:
    names = _blank_node_names(_axioms_of(explanation.derivation)) if explanation.derivation else {}

    def term(t: Node) -> dict[str, str]:
        if isinstance(t, URIRef):
            return {"type": "uri", "value": str(t)}
        if isinstance(t, BNode):
            return {"type": "bnode", "value": str(t), "label": names.get(t, f"_:{t}")}
        out = {"type": "literal", "value": str(t)}
        if t.language:
            out["xml:lang"] = t.language
        elif t.datatype:
            out["datatype"] = str(t.datatype)
        return out

    def triple(t: Triple) -> dict[str, object]:
        return {"s": term(t[0]), "p": term(t[1]), "o": term(t[2])}

    def node(d: Derivation) -> dict[str, object]:
        if d.asserted:
            return {"triple": triple(d.triple), "asserted": True, "graphs": list(d.graphs)}
        return {
            "triple": triple(d.triple),
            "asserted": False,
            "rule": d.rule,
            "axioms": [triple(a) for a in d.axioms],
            "premises": [node(p) for p in d.premises],
        }

    body: dict[str, object] = {
        "triple": triple(explanation.triple),
        "status": explanation.status.value,
        "in_inferred_graph": explanation.in_inferred_graph,
        "notes": list(explanation.notes),
    }
    if explanation.derivation is not None:
        body["derivation"] = node(explanation.derivation)
        body["rules"] = sorted(explanation.derivation.rules_used())
    return json.dumps(body, ensure_ascii=False, indent=1)
