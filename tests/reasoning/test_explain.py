"""``ksgraph explain``: derivations down to asserted triples, checked rule by rule."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import URIRef

from ksgraph.core.settings import Settings
from ksgraph.core.terms import to_rdflib
from ksgraph.core.vocab import ID, INFERRED_GRAPH, KS, KS_NS, ORG, RDF, data_graph
from ksgraph.reasoning.explain import Derivation, Prover, Status, explain, parse_term
from ksgraph.reasoning.report import render_text
from ksgraph.reasoning.rules import Rule, compile_rules
from tests.reasoning.test_reason import PREFIXES, run_cli


@pytest.fixture(scope="module")
def prover(store: ox.Store) -> Prover:
    return Prover.from_store(store)


def t(s: str, p: str, o: str) -> tuple[URIRef, URIRef, URIRef]:
    return (URIRef(ID + s), URIRef(p), URIRef(ID + o) if "://" not in o else URIRef(o))


def check(d: Derivation, prover: Prover) -> None:
    """Every step is an instance of the compiled rule it names, and every leaf is asserted."""
    if d.asserted:
        assert d.triple in prover.facts and d.graphs == prover.facts[d.triple]
        return
    candidates = [r for r in prover.rules if r.name == d.rule and r.axioms == d.axioms]
    assert candidates, d.rule
    assert any(_instance(r, d) for r in candidates), (d.rule, d.triple)
    for axiom in d.axioms:
        assert axiom in prover.facts  # axioms come from the asserted ontology (or data)
    for premise in d.premises:
        assert premise.depth < d.depth
        check(premise, prover)


def _instance(rule: Rule, d: Derivation) -> bool:
    env: dict[str, object] = {}
    pairs = [(rule.head, d.triple), *zip(rule.body, (p.triple for p in d.premises), strict=True)]
    for atom, triple in pairs:
        if atom[1] != triple[1]:
            return False
        for term, value in ((atom[0], triple[0]), (atom[2], triple[2])):
            if isinstance(term, str) and not isinstance(term, rdflib.term.Node):
                if env.setdefault(term, value) != value:
                    return False
            elif term != value:
                return False
    return True


# -- the three kinds of derivation the issue names ---------------------------------------


def test_transitive_reports_to(prover: Prover) -> None:
    goal = t("nag/lung-och-allergisjukdomar/vardforlopp-kol", KS + "ultimatelyReportsTo", "org/hsd-natverket")
    d = prover.prove(goal)
    assert d is not None and not d.asserted
    check(d, prover)
    assert d.rule == "prp-trp"
    assert d.rules_used() == {"prp-trp", "prp-spo1"}
    assert d.leaves() == {
        t("nag/lung-och-allergisjukdomar/vardforlopp-kol", ORG + "reportsTo", "npo/lung-och-allergisjukdomar"),
        t("npo/lung-och-allergisjukdomar", ORG + "reportsTo", "group/sks"),
        t("group/sks", ORG + "reportsTo", "org/hsd-natverket"),
    }


def test_level_of_an_npo(prover: Prover) -> None:
    d = prover.prove(t("npo/akut-vard", KS + "level", KS + "macro"))
    assert d is not None
    check(d, prover)
    assert d.rule == "cls-hv1"
    assert d.premises[0].rule == "cax-sco"
    npo_class = URIRef(KS + "NationalProgrammeArea")
    assert d.leaves() == {(URIRef(ID + "npo/akut-vard"), URIRef(RDF + "type"), npo_class)}
    assert (npo_class, rdflib.RDFS.subClassOf, d.premises[0].triple[2]) in d.premises[0].axioms


def test_chained_national_counterpart(prover: Prover) -> None:
    lpo, rpo, npo = (
        "lpo/norrbotten/barn-och-ungdomars-halsa",
        "rpo/norra/barn-och-ungdomsmedicin",
        "npo/barn-och-ungdomars-halsa",
    )
    d = prover.prove(t(lpo, KS + "nationalCounterpart", npo))
    assert d is not None
    check(d, prover)
    assert d.rule == "prp-spo2"
    assert [p.triple for p in d.premises] == [t(lpo, KS + "counterpartOf", rpo), t(rpo, KS + "counterpartOf", npo)]
    assert d.premises[0].graphs == (data_graph("norrbotten"),)
    assert d.premises[1].graphs == (data_graph("norra"),)


def test_inverse_counterpart(prover: Prover) -> None:
    d = prover.prove(t("npo/barn-och-ungdomars-halsa", KS + "hasCounterpart", "rpo/norra/barn-och-ungdomsmedicin"))
    assert d is not None and d.rule == "prp-inv1"
    check(d, prover)


def test_asserted_and_not_entailed(store: ox.Store) -> None:
    asserted = explain(store, t("npo/akut-vard", ORG + "reportsTo", "group/sks"))
    assert asserted.status is Status.asserted
    # An interpretation of 001, not the sources' words: it lives in its own graph (issue 19).
    assert asserted.derivation is not None and asserted.derivation.graphs == (data_graph("interpretations"),)
    assert "ASSERTED in data/interpretations" in render_text(asserted)
    absent = explain(store, t("npo/akut-vard", KS + "level", KS + "micro"))
    assert absent.status is Status.not_entailed and absent.derivation is None
    assert "NOT ENTAILED" in render_text(absent)
    # Reporting runs upwards only: SKS does not report to an NPO.
    assert explain(store, t("group/sks", KS + "ultimatelyReportsTo", "npo/akut-vard")).status is Status.not_entailed


def test_every_inferred_triple_has_a_checked_derivation(store: ox.Store, prover: Prover) -> None:
    """The prover reads only asserted graphs, so this cross-checks the materialised closure."""
    inferred = [
        (to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object))
        for q in store.quads_for_pattern(None, None, None, ox.NamedNode(INFERRED_GRAPH))
    ]
    assert len(inferred) > 100
    for triple in inferred:
        d = prover.prove(triple)
        assert d is not None, triple
        assert not d.asserted
        check(d, prover)


# -- cycles and the depth limit, on small graphs ----------------------------------------


def facts(text: str) -> dict:
    return {triple: ("test",) for triple in rdflib.Graph().parse(data=PREFIXES + text, format="turtle")}


def test_cycles_terminate_and_a_cycle_proves_what_it_entails() -> None:
    prover = Prover(
        facts("""
        ks:ultimatelyReportsTo a owl:TransitiveProperty ; owl:inverseOf ks:hasReport .
        ks:hasReport owl:inverseOf ks:ultimatelyReportsTo .
        org:reportsTo rdfs:subPropertyOf ks:ultimatelyReportsTo .
        id:a org:reportsTo id:b . id:b org:reportsTo id:c . id:c org:reportsTo id:a .
        """)
    )
    a, c = URIRef(ID + "a"), URIRef(ID + "c")
    d = prover.prove((a, URIRef(KS + "ultimatelyReportsTo"), a))
    assert d is not None and d.rule == "prp-trp"
    check(d, prover)
    assert prover.prove((a, URIRef(KS_NS + "hasReport"), c)) is not None
    assert prover.prove((a, URIRef(KS + "ultimatelyReportsTo"), URIRef(ID + "elsewhere"))) is None


def test_depth_limit() -> None:
    chain = " ".join(f"id:n{i} org:reportsTo id:n{i + 1} ." for i in range(12))
    text = f"""ks:ultimatelyReportsTo a owl:TransitiveProperty .
        org:reportsTo rdfs:subPropertyOf ks:ultimatelyReportsTo . {chain}"""
    goal = (URIRef(ID + "n0"), URIRef(KS + "ultimatelyReportsTo"), URIRef(ID + "n12"))
    assert Prover(facts(text)).prove(goal) is not None
    assert Prover(facts(text), max_depth=3).prove(goal) is None


def test_rules_are_compiled_from_the_axioms_not_listed() -> None:
    rules = compile_rules(facts("ks:p owl:inverseOf ks:q . ks:C rdfs:subClassOf ks:D ."))
    names = sorted(r.name for r in rules if r.axioms)
    assert names == ["cax-sco", "prp-inv1", "prp-inv2"]


def test_parse_term() -> None:
    assert parse_term("id:npo/akut-vard") == URIRef(ID + "npo/akut-vard")
    assert parse_term("a") == URIRef(RDF + "type")
    assert parse_term("<https://example.org/x>") == URIRef("https://example.org/x")
    assert parse_term('"Akut vård"@sv') == rdflib.Literal("Akut vård", lang="sv")


# -- the command --------------------------------------------------------------------------


def test_cli_prints_a_tree_for_a_chained_counterpart(built_settings: Settings) -> None:
    result = run_cli(
        "explain",
        "id:lpo/norrbotten/barn-och-ungdomars-halsa",
        "ks:nationalCounterpart",
        "id:npo/barn-och-ungdomars-halsa",
        store=built_settings.store_dir,
    )
    assert result.returncode == 0, result.stderr
    assert "INFERRED" in result.stdout
    assert "by prp-spo2 (property chain)" in result.stdout
    assert "owl:propertyChainAxiom ( ks:counterpartOf ks:counterpartOf )" in result.stdout
    assert "[asserted in data/norrbotten]" in result.stdout and "[asserted in data/norra]" in result.stdout


def test_cli_json_and_exit_codes(built_settings: Settings) -> None:
    ok = run_cli("explain", "id:group/sks", "ks:level", "ks:macro", "--format", "json", store=built_settings.store_dir)
    assert ok.returncode == 0, ok.stderr
    body = json.loads(ok.stdout)
    assert body["status"] == "inferred" and body["in_inferred_graph"] is True
    assert body["rules"] == ["cax-sco", "cls-hv1"]
    assert body["derivation"]["premises"][0]["premises"][0]["asserted"] is True
    absent = run_cli("explain", "id:group/sks", "ks:level", "ks:micro", store=built_settings.store_dir)
    assert absent.returncode == 1 and "NOT ENTAILED" in absent.stdout


@pytest.mark.parametrize(
    ("triple", "said"),
    [
        (('"Akut vård"@sv', "ks:hasCounterpart", "id:npo/akut-vard"), 'the subject "Akut vård"@sv is a literal'),
        (("id:group/sks", '"level"', "ks:macro"), 'the predicate "level" is not an IRI'),
    ],
)
def test_cli_refuses_what_is_not_an_rdf_triple_with_a_message(
    built_settings: Settings, triple: tuple[str, str, str], said: str
) -> None:
    result = run_cli("explain", *triple, store=built_settings.store_dir)
    assert result.returncode == 2, result.stderr
    assert f"cannot read the triple: {said}" in result.stderr and "Traceback" not in result.stderr
