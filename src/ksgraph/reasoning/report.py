"""An explanation for a person (a tree of rules down to asserted triples) or a program (JSON)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from rdflib.term import BNode, Literal, Node, URIRef

from ksgraph.core.printable import printable
from ksgraph.core.terms import Triple
from ksgraph.core.vocab import GRAPH_BASE, PREFIXES
from ksgraph.reasoning.axioms import rdf_list, subject_index
from ksgraph.reasoning.explain import Derivation, Explanation, Status
from ksgraph.reasoning.rules import _owl


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
        assert isinstance(t, Literal), t  # to_rdflib makes IRIs, blank nodes and literals only
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
