"""The reasoning layer: each axiom's inferences on the real data, isolation, idempotence, engines, consistency."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from ksgraph.core.settings import Settings
from ksgraph.core.terms import to_ox, to_rdflib
from ksgraph.core.vocab import ID, INFERRED_GRAPH, KS, KS_NS, ORG
from ksgraph.reasoning.engines import Engine
from ksgraph.reasoning.noise import is_noise
from ksgraph.reasoning.reason import asserted_triples, infer, infer_store, materialise
from ksgraph.sparql.run import run
from ksgraph.store.dataset import is_asserted_graph
from ksgraph.store.versions import GraphStore
from tests.conftest import ROOT
from tests.conftest import run_cli as _run_module

ENTRY_POINT = Path(sys.executable).with_name("ksgraph")


def run_cli(*args: str, **kwargs) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    """The installed ``ksgraph`` command (the console script), as a user runs it."""
    env = {**os.environ, **kwargs.pop("env", {})}
    if (store := kwargs.pop("store", None)) is not None:
        env["KSGRAPH_STORE"] = str(store)
    if not ENTRY_POINT.exists():  # pragma: no cover - a checkout without the console script
        return _run_module(*args, store=store, **kwargs)
    return subprocess.run(
        [str(ENTRY_POINT), *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=600, **kwargs
    )


PREFIXES = """
@prefix ks: <https://w3id.org/ksgraph/ontology#> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix org: <http://www.w3.org/ns/org#> .
@prefix id: <https://w3id.org/ksgraph/id/> . @prefix foaf: <http://xmlns.com/foaf/0.1/> .
"""


def holds(store: ox.Store, s: str, p: str, o: str, *, inferred: bool = True) -> bool:
    result = run(store, f"ASK {{ <{s}> <{p}> <{o}> }}", inferred=inferred)
    return bool(result)


def in_inferred_graph(store: ox.Store, s: str, p: str, o: str) -> bool:
    quads = store.quads_for_pattern(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o), ox.NamedNode(INFERRED_GRAPH))
    return any(True for _ in quads)


def ontology_triples() -> set:
    graph = rdflib.Graph().parse(ROOT / "ontology" / "ksgraph.ttl")
    return set(graph)


def turtle(text: str) -> set:
    return set(rdflib.Graph().parse(data=PREFIXES + text, format="turtle"))


# -- each axiom on the real data ---------------------------------------------------


@pytest.mark.parametrize(
    ("group", "level", "tier"),
    [
        ("npo/akut-vard", "macro", "nationalTier"),
        ("nsg/patientsakerhet", "macro", "nationalTier"),
        ("nag/lung-och-allergisjukdomar/vardforlopp-kol", "macro", "nationalTier"),
        ("group/sks", "macro", "nationalTier"),
        ("rpo/norra/barn-och-ungdomsmedicin", "meso", "healthcareRegionalTier"),
        ("lpo/norrbotten/barn-och-ungdomars-halsa", "meso", "localTier"),
        ("council/norrbotten", "meso", "localTier"),
    ],
)
def test_level_and_tier_follow_from_the_class_and_only_with_inferences(
    store: ox.Store, group: str, level: str, tier: str
) -> None:
    s = ID + group
    assert in_inferred_graph(store, s, KS + "level", KS + level)
    assert in_inferred_graph(store, s, KS + "tier", KS + tier)
    assert not holds(store, s, KS + "level", KS + level, inferred=False)
    wrong = {"macro": "meso", "meso": "macro"}[level]
    assert not holds(store, s, KS + "level", KS + wrong)


@pytest.mark.parametrize("top", ["group/sks", "org/hsd-natverket", "org/landstingsdirektorsforeningen"])
def test_a_nag_ultimately_reports_to_sks_and_beyond(store: ox.Store, top: str) -> None:
    nag = ID + "nag/lung-och-allergisjukdomar/vardforlopp-kol"
    assert in_inferred_graph(store, nag, KS + "ultimatelyReportsTo", ID + top)
    assert not holds(store, nag, ORG + "reportsTo", ID + top)  # it is not a direct line


def test_an_lpo_gets_its_national_counterpart_through_the_rpo(store: ox.Store) -> None:
    lpo, rpo, npo = (
        ID + "lpo/norrbotten/barn-och-ungdomars-halsa",
        ID + "rpo/norra/barn-och-ungdomsmedicin",
        ID + "npo/barn-och-ungdomars-halsa",
    )
    assert holds(store, lpo, KS + "counterpartOf", rpo, inferred=False)
    assert holds(store, rpo, KS + "counterpartOf", npo, inferred=False)
    assert in_inferred_graph(store, lpo, KS + "nationalCounterpart", npo)
    # The chain goes exactly two tiers up: an RPO has no national counterpart of its own.
    assert not run(store, f"ASK {{ <{rpo}> ks:nationalCounterpart ?x }}")


@pytest.mark.parametrize(
    ("s", "p", "o"),
    [
        ("npo/barn-och-ungdomars-halsa", "hasCounterpart", "rpo/norra/barn-och-ungdomsmedicin"),
        ("rpo/norra/barn-och-ungdomsmedicin", "hasCounterpart", "lpo/norrbotten/barn-och-ungdomars-halsa"),
        ("healthcare-region/mellansverige", "hosts", "npo/akut-vard"),
        ("healthcare-region/norra", "hasRegion", "region/norrbotten"),
    ],
)
def test_inverse_properties(store: ox.Store, s: str, p: str, o: str) -> None:
    assert in_inferred_graph(store, ID + s, KS + p, ID + o)
    assert not holds(store, ID + s, KS + p, ID + o, inferred=False)


def test_the_inferred_graph_holds_no_noise(store: ox.Store) -> None:
    quads = list(store.quads_for_pattern(None, None, None, ox.NamedNode(INFERRED_GRAPH)))
    assert len(quads) > 100
    for q in quads:
        triple = (to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object))
        assert not is_noise(*triple), q
    asserted = {g.value for g in store.named_graphs() if is_asserted_graph(g.value)}
    for q in quads:  # only what the closure adds
        for g in asserted:
            assert ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(g)) not in store, q


def test_noise_filter_drops_axiomatic_triples() -> None:
    x, thing = rdflib.URIRef(ID + "x"), rdflib.OWL.Thing
    assert is_noise(x, rdflib.OWL.sameAs, x)
    assert is_noise(x, rdflib.RDF.type, thing)
    assert is_noise(rdflib.Literal("1"), rdflib.RDF.type, rdflib.RDFS.Literal)
    assert is_noise(x, rdflib.RDF.type, rdflib.BNode())
    assert is_noise(rdflib.OWL.sameAs, rdflib.RDF.type, rdflib.OWL.SymmetricProperty)
    assert is_noise(rdflib.URIRef(KS + "field"), rdflib.RDFS.domain, rdflib.URIRef(ORG + "OrganizationalUnit"))
    assert not is_noise(x, rdflib.URIRef(KS + "level"), rdflib.URIRef(KS + "macro"))
    assert not is_noise(x, rdflib.OWL.sameAs, rdflib.URIRef(ID + "y"))


def test_real_data_is_consistent_and_types_no_person_or_group_as_an_organisation(store: ox.Store) -> None:
    result = infer(asserted_triples(store))
    assert result.inconsistencies == []
    absurd = run(
        store,
        """SELECT ?x ?c WHERE {
             { ?x a foaf:Person } UNION { ?x a ks:GovernanceGroup }
             UNION { ?x a org:Post } UNION { ?x a org:Membership }
             VALUES ?c { org:FormalOrganization foaf:Person ks:Region ks:HealthcareRegion }
             GRAPH <https://w3id.org/ksgraph/graph/inferred> { ?x a ?c } }""",
    )
    assert list(absurd) == []


# -- isolation, idempotence, CLI ------------------------------------------------------


def asserted_quads(settings: Settings) -> set[str]:
    store = GraphStore(settings.store_dir).open_read()
    return {str(q) for q in store if isinstance(q.graph_name, ox.NamedNode) and is_asserted_graph(q.graph_name.value)}


def inferred_quads(settings: Settings) -> set[str]:
    store = GraphStore(settings.store_dir).open_read()
    return {str(q) for q in store.quads_for_pattern(None, None, None, ox.NamedNode(INFERRED_GRAPH))}


def test_reason_leaves_asserted_graphs_unchanged_and_is_idempotent(scratch_settings: Settings) -> None:
    asserted_before, inferred_before = asserted_quads(scratch_settings), inferred_quads(scratch_settings)
    for engine in ("rules", "reasonable", "owlrl", "rules"):
        result = run_cli("reason", "--engine", engine, store=scratch_settings.store_dir)
        assert result.returncode == 0, result.stderr
        assert "inferred triples" in result.stderr
        assert asserted_quads(scratch_settings) == asserted_before
        assert inferred_quads(scratch_settings) == inferred_before


def test_reason_replaces_a_stale_inferred_graph(scratch_settings: Settings) -> None:
    stale = ox.Quad(ox.NamedNode(ID + "x"), ox.NamedNode(KS + "level"), ox.NamedNode(KS + "micro"))
    with GraphStore(scratch_settings.store_dir).write() as store:
        store.add(ox.Quad(stale.subject, stale.predicate, stale.object, ox.NamedNode(INFERRED_GRAPH)))
    assert str(stale.subject) in " ".join(inferred_quads(scratch_settings))
    assert run_cli("reason", store=scratch_settings.store_dir).returncode == 0
    assert str(stale.subject) not in " ".join(inferred_quads(scratch_settings))


def test_the_engines_give_the_same_inferred_graph_on_the_real_data(store: ox.Store) -> None:
    asserted = asserted_triples(store)
    results = {engine: infer(asserted, engine) for engine in Engine}
    reference = results[Engine.owlrl]
    for engine, result in results.items():
        assert result.engine is engine  # the rules engine covers the real ontology: no fallback
        assert result.inferred == reference.inferred, engine
        assert result.inconsistencies == [], engine
    # The chain is the rule reasonable lacks: it must be there, completed on top.
    chain = rdflib.URIRef(KS + "nationalCounterpart")
    assert any(p == chain for _, p, _ in results[Engine.reasonable].inferred)
    # The store path of the rules engine (pyoxigraph terms throughout) agrees too.
    closure, count = infer_store(store)
    assert closure.inferred == reference.inferred
    assert count == len(asserted)


def test_the_rules_engine_agrees_with_reasonable_on_generated_data(store: ox.Store) -> None:
    """Every kind of resource bench/generate.py writes, reasoned over beside the real data, by both engines."""
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    assert spec and spec.loader
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    both = ox.Store()
    both.extend(q for q in store if is_asserted_graph(getattr(q.graph_name, "value", "")))
    both.extend(generator.generate(20_000))
    closure, _ = infer_store(both)
    reference = infer(asserted_triples(both), Engine.reasonable)
    assert closure.engine is Engine.rules
    assert len(closure.inferred) > 3_000  # the real data alone gives about 1,000
    assert closure.inferred == reference.inferred
    assert closure.inconsistencies == reference.inconsistencies == []


def test_asserted_only_switch_changes_answers(built_settings: Settings) -> None:
    sparql = (
        "SELECT (COUNT(*) AS ?n) WHERE { id:nag\\/lung-och-allergisjukdomar\\/vardforlopp-kol "
        "ks:ultimatelyReportsTo ?top }"
    )
    with_inferences = run_cli("query", "-", "--format", "csv", store=built_settings.store_dir, input=sparql)
    asserted_only = run_cli(
        "query", "-", "--format", "csv", "--asserted-only", store=built_settings.store_dir, input=sparql
    )
    assert with_inferences.returncode == 0 and asserted_only.returncode == 0, with_inferences.stderr
    assert int(asserted_only.stdout.split()[-1]) == 0
    assert int(with_inferences.stdout.split()[-1]) >= 3  # its NPO, SKS, the HSD network, …


def test_the_reporting_lines_query_needs_the_inferred_graph(built_settings: Settings) -> None:
    """CQ2 (queries/reporting-lines.rq): transitive reporting is answered from the inferred graph only."""
    args = ("query", "reporting-lines", "-p", "group=id:nag/lung-och-allergisjukdomar/vardforlopp-kol", "-f", "csv")
    with_inferences = run_cli(*args, store=built_settings.store_dir)
    asserted_only = run_cli(*args, "--asserted-only", store=built_settings.store_dir)
    assert with_inferences.returncode == 0 and asserted_only.returncode == 0, with_inferences.stderr
    assert len(asserted_only.stdout.strip().splitlines()) == 1  # the header alone
    tops = {line.split(",")[2] for line in with_inferences.stdout.strip().splitlines()[1:]}
    assert {ID + "npo/lung-och-allergisjukdomar", ID + "group/sks", ID + "org/hsd-natverket"} <= tops


def test_export_carries_the_inferred_graph_apart(built_settings: Settings) -> None:
    result = run_cli("export", "--format", "nquads", store=built_settings.store_dir)
    assert result.returncode == 0, result.stderr
    transitive = [line for line in result.stdout.splitlines() if "ultimatelyReportsTo>" in line]
    assert transitive
    assert all(line.rstrip(" .").endswith(f"<{INFERRED_GRAPH}>") for line in transitive if "/id/" in line.split()[0])


# -- rules the engines must agree on, on small graphs ------------------------------------


def test_chain_results_that_feed_other_rules_are_reasoned_over_again() -> None:
    data = turtle("""
        ks:nationalCounterpart owl:propertyChainAxiom ( ks:counterpartOf ks:counterpartOf ) ;
            rdfs:subPropertyOf ks:relatedNationally .
        ks:relatedNationally owl:inverseOf ks:relatedLocally .
        id:l ks:counterpartOf id:r . id:r ks:counterpartOf id:n .
    """)
    results = {engine: infer(data, engine).inferred for engine in Engine}
    assert results[Engine.reasonable] == results[Engine.owlrl]
    expected = (rdflib.URIRef(ID + "n"), rdflib.URIRef(KS_NS + "relatedLocally"), rdflib.URIRef(ID + "l"))
    assert expected in results[Engine.reasonable]


def test_a_self_referential_chain_terminates() -> None:
    data = turtle("""
        ks:near owl:propertyChainAxiom ( ks:near ks:near ) .
        id:a ks:near id:b . id:b ks:near id:c . id:c ks:near id:a .
    """)
    results = {engine: infer(data, engine).inferred for engine in Engine}
    assert results[Engine.reasonable] == results[Engine.owlrl]
    assert len(results[Engine.owlrl]) == 6  # the remaining pairs of the 3-cycle, each node to itself included


@pytest.mark.parametrize(
    ("axioms", "why"),
    [
        ("ks:Group owl:equivalentClass [ owl:someValuesFrom ks:Post ; owl:onProperty ks:hasPost ] .", "someValuesFrom"),
        ("ks:A rdfs:subClassOf ks:B . ks:B rdfs:subClassOf ks:A . id:x a ks:A .", "a cycle of"),
        ("ks:status a owl:FunctionalProperty . id:x ks:status id:a , id:b .", "owl:sameAs between"),
    ],
)
def test_the_rules_engine_hands_what_it_does_not_compile_to_reasonable(axioms: str, why: str) -> None:
    messages: list[str] = []
    data = turtle(axioms + " id:g a ks:Group ; ks:hasPost id:p . id:p a ks:Post .")
    result = infer(data, Engine.rules, progress=messages.append)
    assert result.engine is Engine.reasonable
    assert any(why in m for m in messages), messages
    # reasonable, not owlrl: on a cycle of sub-classes only owlrl adds owl:equivalentClass (scm-eqc2).
    assert result.inferred == infer(data, Engine.reasonable).inferred


def test_a_store_the_rules_engine_cannot_reason_over_is_reasoned_by_reasonable(tmp_path: Path) -> None:
    store = ox.Store(str(tmp_path / "s"))
    graph = ox.NamedNode("https://w3id.org/ksgraph/graph/data/x")
    for s, p, o in turtle("ks:A owl:someValuesFrom ks:B . id:x a ks:C . ks:C rdfs:subClassOf ks:D ."):
        store.add(ox.Quad(to_ox(s), to_ox(p), to_ox(o), graph))
    messages: list[str] = []
    report = materialise(store, Engine.rules, progress=messages.append)
    assert report.engine == "reasonable"
    assert any("owl#someValuesFrom" in m for m in messages), messages
    assert in_inferred_graph(store, ID + "x", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", KS_NS + "D")


@pytest.mark.parametrize("engine", list(Engine))
def test_inconsistencies_are_reported_not_stored(engine: Engine) -> None:
    data = ontology_triples() | turtle("""
        id:npo\\/x a ks:NationalProgrammeArea , ks:RegionalProgrammeArea .
        id:person\\/p a foaf:Person . id:post\\/y ks:represents id:person\\/p .
        id:npo\\/z a ks:NationalProgrammeArea ; ks:status ks:active , ks:dormant .
    """)
    result = infer(data, engine)
    rules = {(i.rule, i.resources[0]) for i in result.inconsistencies}
    assert ("cax-dw", ID + "npo/x") in rules  # disjoint group classes (AllDisjointClasses)
    assert ("cax-dw", ID + "person/p") in rules  # a person made an organisation by a range
    assert ("eq-diff", KS + "active") in rules  # two statuses of a functional property
    assert not any("daml.org" in str(t) or "ErrorMessage" in str(t) for triple in result.inferred for t in triple)


def test_an_inconsistent_store_makes_reason_exit_1(scratch_settings: Settings) -> None:
    with GraphStore(scratch_settings.store_dir).write() as store:
        store.add(
            ox.Quad(
                ox.NamedNode(ID + "npo/akut-vard"),
                ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                ox.NamedNode(KS + "LocalProgrammeArea"),
                ox.NamedNode("https://w3id.org/ksgraph/graph/data/broken"),
            )
        )
        report = materialise(store)
    assert not report.consistent
    result = run_cli("reason", store=scratch_settings.store_dir)
    assert result.returncode == 1
    assert "inconsistent" in result.stderr
    assert "cax-dw" in result.stderr and "npo/akut-vard" in result.stderr
