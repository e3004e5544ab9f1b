"""The rules the incremental engine runs: the compiled rules with the noise folded out of them.

The inferred graph keeps what the closure adds *minus noise* (:mod:`ksgraph.reasoning.noise`), so a
change cannot be reasoned over from the stored graphs alone if a rule reads noise. In our ontology
it does: ``x a NPO`` gives ``x a _:r`` (cax-sco to an ``owl:hasValue`` restriction, a blank node:
noise) and only then ``x ks:level ks:macro`` (cls-hv1). Those intermediate types are read by
single-premise rules only, so they can be composed away: cax-sco followed by cls-hv1 is one rule
``x a NPO → x ks:level ks:macro``. :func:`plan` does that for every class whose instances the
noise filter drops, and leaves out the schema rules (scm-sco, scm-spo), which only a change of
the axioms can trigger, and such a change is always recomputed in full.

What cannot be folded is refused (:class:`NotIncremental`): a noise class read by a rule with
two premises, a noise class the consistency checks read, a rule whose conclusion is noise of any
other kind. Whatever else noise a closure holds (literal subjects, owl:sameAs of a resource with
itself) is checked where it arises (:mod:`ksgraph.reasoning.incremental`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib.term import BNode, Node, URIRef

from ksgraph.core.vocab import OWL, RDF
from ksgraph.reasoning.noise import is_noise
from ksgraph.reasoning.rules import Atom, Rule, Term, is_var

TYPE = URIRef(RDF + "type")
SAME_AS = URIRef(OWL + "sameAs")
# Rules over the schema: they fire only on rdfs:subClassOf / rdfs:subPropertyOf triples, which a
# change that is reasoned over incrementally never adds or removes.
SCHEMA_RULES = frozenset({"scm-sco", "scm-spo"})
# Two distinct resources outside every W3C vocabulary, to ask the noise filter about a rule's conclusion.
_PROBES = (URIRef("urn:ksgraph:probe:a"), URIRef("urn:ksgraph:probe:b"))


class NotIncremental(Exception):
    """The rules cannot be run over the stored graphs alone; the closure is recomputed in full."""


@dataclass(frozen=True)
class Plan:
    """The rules the incremental engine runs, and the classes folded out of them."""

    rules: tuple[Rule, ...]
    noise_classes: frozenset[Node]


def is_noise_class(c: Node | str) -> bool:
    """True if ``x a c`` is dropped as noise for an ordinary resource ``x`` (a blank node, owl:Thing, …)."""
    return isinstance(c, Node) and not is_var(c) and is_noise(_PROBES[0], TYPE, c)


def _noise_head(rule: Rule) -> bool:
    return rule.head[1] == TYPE and is_noise_class(rule.head[2])


def plan(rules: Iterable[Rule], consistency_classes: Iterable[Node]) -> Plan:
    """The rules with every noise class composed away (see the module). Raises :class:`NotIncremental`."""
    data_rules = [r for r in rules if r.name not in SCHEMA_RULES]
    noise: set[Node] = {
        atom[2]
        for r in data_rules
        for atom in (r.head, *r.body)
        if atom[1] == TYPE and not is_var(atom[2]) and is_noise_class(atom[2])
    }
    clash = noise & set(consistency_classes)
    if clash:
        dropped = _show(min(clash, key=str))
        raise NotIncremental(f"the consistency checks read a class the noise filter drops ({dropped})")
    readers: dict[Node | str, list[Rule]] = defaultdict(list)
    for rule in data_rules:
        for atom in rule.body:
            if atom[1] == TYPE and atom[2] in noise:
                if len(rule.body) != 1:
                    raise NotIncremental(f"{rule.name} joins on instances of {_show(atom[2])}, which are not stored")
                readers[atom[2]].append(rule)
    kept = [r for r in data_rules if not _noise_head(r)]
    work = [r for r in data_rules if _noise_head(r)]
    seen: set[tuple[Atom, tuple[Atom, ...]]] = set()
    while work:
        producer = work.pop()
        subject = producer.head[0]
        for reader in readers.get(producer.head[2], ()):
            var = reader.body[0][0]
            head = _substitute(reader.head, var, subject)
            if producer.body == (head,) or (head, producer.body) in seen:
                continue  # cls-hv2 then cls-hv1 gives back its own premise
            seen.add((head, producer.body))
            composite = Rule(f"{producer.name}+{reader.name}", head, producer.body, producer.axioms + reader.axioms)
            (work if _noise_head(composite) else kept).append(composite)
    for rule in kept:
        _check_head(rule)
    return Plan(tuple(kept), frozenset(noise))


def _check_head(rule: Rule) -> None:
    """Refuse a rule whose conclusion would be noise other than owl:sameAs (checked where it arises)."""
    if rule.head[1] == SAME_AS:
        return
    names = {v: _PROBES[i % 2] for i, v in enumerate(dict.fromkeys(t for t in rule.head if is_var(t)))}
    s, o = (names[t] if is_var(t) else t for t in (rule.head[0], rule.head[2]))
    probe = (s, rule.head[1], o)
    if any(isinstance(t, BNode) for t in probe) or is_noise(*probe):
        raise NotIncremental(f"{rule.name} concludes noise ({' '.join(_show(t) for t in rule.head)})")


def _substitute(atom: Atom, var: Term, value: Term) -> Atom:
    """``atom`` with the variable ``var`` replaced by ``value``."""
    s, p, o = atom
    return (value if is_var(s) and s == var else s, p, value if is_var(o) and o == var else o)


def _show(term: object) -> str:
    return f"<{term}>" if isinstance(term, URIRef) else str(term)
