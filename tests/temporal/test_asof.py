"""As-of evaluation (ksgraph.temporal.asof): answers differ before and after each dated change in the sources."""

from __future__ import annotations

import datetime as dt

import pyoxigraph as ox
import pytest

from ksgraph.core.settings import Settings
from ksgraph.core.vocab import ID, XSD
from ksgraph.sparql.catalogue import named_queries
from ksgraph.sparql.errors import QueryError
from ksgraph.sparql.params import bind_params
from ksgraph.sparql.run import run
from ksgraph.temporal.asof import default_as_of, parse_as_of, query_as_of, snapshot
from ksgraph.temporal.bounds import Bounds, Lifetime, Validity, happened, literal_bounds
from tests.conftest import run_cli

D = dt.date.fromisoformat
SVI = ID + "rsg/norra/strukturerad-vardinformation"


def _subjects(store: ox.Store, sparql: str) -> set[str]:
    result = run(store, sparql)
    assert isinstance(result, ox.QuerySolutions)
    return {row[0].value for row in result}


def _has(store: ox.Store, iri: str) -> bool:
    return any(store.quads_for_pattern(ox.NamedNode(iri), None, None, None))


# -- the building blocks -----------------------------------------------------------------


def test_literal_bounds_span_the_days_a_time_can_be() -> None:
    assert literal_bounds(ox.Literal("2018", datatype=ox.NamedNode(XSD + "gYear"))) == Bounds(
        D("2018-01-01"), D("2018-12-31")
    )
    assert literal_bounds(ox.Literal("2024-02", datatype=ox.NamedNode(XSD + "gYearMonth"))) == Bounds(
        D("2024-02-01"), D("2024-02-29")
    )
    assert literal_bounds(ox.Literal("2016-12", datatype=ox.NamedNode(XSD + "gYearMonth"))).latest == D("2016-12-31")
    day = literal_bounds(ox.Literal("2020-01-24", datatype=ox.NamedNode(XSD + "date")))
    assert day.exact and day.earliest == D("2020-01-24")


def test_an_event_has_happened_only_once_certainly_past() -> None:
    spring = Bounds(D("2025-01-01"), D("2025-06-30"))
    assert happened(spring, D("2024-12-31")) is Validity.INVALID
    assert happened(spring, D("2025-04-01")) is Validity.UNKNOWN
    assert happened(spring, D("2025-06-30")) is Validity.VALID
    assert happened(None, D("2030-01-01")) is Validity.UNKNOWN


def test_groups_persist_after_attestation_but_memberships_do_not() -> None:
    attested = [Bounds(D("2021-09-20"), D("2021-09-20"))]
    group = Lifetime(attested=list(attested))
    assert group.at(D("2021-09-19"))[0] is Validity.UNKNOWN
    assert group.at(D("2026-01-01"))[0] is Validity.VALID
    member = Lifetime(attested=list(attested), persists=False)
    assert member.at(D("2021-09-20"))[0] is Validity.VALID
    assert member.at(D("2021-09-21"))[0] is Validity.UNKNOWN
    assert member.at(D("2021-09-19"))[0] is Validity.UNKNOWN


def test_an_ending_of_unknown_time_makes_the_days_after_the_last_attestation_unknown() -> None:
    life = Lifetime(begin=Bounds(D("2016-08-01"), D("2016-08-31")), ends=[Bounds(D("2016-09-01"), None)])
    assert life.at(D("2016-07-31"))[0] is Validity.INVALID
    assert life.at(D("2016-08-15"))[0] is Validity.UNKNOWN
    assert life.at(D("2016-08-31"))[0] is Validity.VALID
    assert life.at(D("2017-01-01"))[0] is Validity.UNKNOWN


def test_as_of_values_and_the_default_for_queries_with_their_own_dates() -> None:
    assert parse_as_of("2019-06-30", today=D("2026-11-23")) == D("2019-06-30")
    assert parse_as_of("today", today=D("2026-11-23")) == D("2026-11-23")
    assert parse_as_of("all", today=D("2026-11-23")) is None
    for bad in ("2019-13-01", "2019", "yesterday"):
        with pytest.raises(QueryError):
            parse_as_of(bad, today=D("2026-11-23"))
    assert default_as_of("# title: x\n# temporal: own dates\nSELECT * {}") == "all"
    assert default_as_of("# title: x\nSELECT * {}\n# temporal: not in the header") == "today"


def test_an_interval_membership_is_valid_inside_its_interval_only() -> None:
    """The pattern bench/generate.py emits: org:memberDuring a time:Interval of two time:inXSDDate."""
    store = ox.Store()
    store.load(
        b"""
        @prefix org: <http://www.w3.org/ns/org#> . @prefix time: <http://www.w3.org/2006/time#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix ks: <https://w3id.org/ksgraph/ontology#> .
        <http://ex/m> a org:Membership ; org:organization <http://ex/g> ; org:member <http://ex/p> ;
            ks:inPost <http://ex/post> ;
            org:memberDuring [ a time:Interval ; time:hasBeginning [ time:inXSDDate "2019-01-01"^^xsd:date ] ;
                                                 time:hasEnd [ time:inXSDDate "2021-12-31"^^xsd:date ] ] .
        <http://ex/post> org:postIn <http://ex/g> ; org:heldBy <http://ex/p> .
        """,
        format=ox.RdfFormat.TURTLE,
        to_graph=ox.NamedNode("https://w3id.org/ksgraph/graph/data/fixture"),
    )
    inside = snapshot(store, D("2020-06-30")).store
    assert _has(inside, "http://ex/m")
    assert any(inside.quads_for_pattern(None, ox.NamedNode("http://www.w3.org/ns/org#heldBy"), None, None))
    for outside in (D("2018-12-31"), D("2022-01-01")):
        snap = snapshot(store, outside)
        assert not _has(snap.store, "http://ex/m")
        assert "http://ex/m" not in snap.unknown  # outside a known interval is invalid, not unknown
        assert not any(snap.store.quads_for_pattern(None, ox.NamedNode("http://www.w3.org/ns/org#heldBy"), None, None))


# -- the real graph: before and after each dated change ------------------------------------


NPOS = "SELECT ?g WHERE { ?g a ks:NationalProgrammeArea }"


def test_npos_do_not_exist_before_2018_are_unknown_within_it_and_exist_after(store: ox.Store) -> None:
    assert _subjects(snapshot(store, D("2017-12-31")).store, NPOS) == set()
    during = snapshot(store, D("2018-06-30"))
    assert _subjects(during.store, NPOS) == set()
    assert sum(1 for iri in during.unknown if iri.startswith(ID + "npo/")) == 26
    assert len(_subjects(snapshot(store, D("2019-06-30")).store, NPOS)) == 26


def test_rsg_strukturerad_vardinformation_ends_in_spring_2025(store: ox.Store) -> None:
    before = snapshot(store, D("2024-12-31"))
    after = snapshot(store, D("2025-12-31"))
    # Before: not ended, but no source dates its start, so it is reported, never silently kept.
    assert "founded" not in before.unknown[SVI] and "ended" not in before.unknown[SVI]
    assert not _has(before.store, ID + "event/rsg/norra/strukturerad-vardinformation/ending")
    # After: ended, so neither in the snapshot nor unknown; the ending has happened.
    assert not _has(after.store, SVI) and SVI not in after.unknown
    assert _has(after.store, ID + "event/rsg/norra/strukturerad-vardinformation/ending")
    assert snapshot(store, D("2025-04-01")).unknown.get(ID + "event/rsg/norra/strukturerad-vardinformation/ending")


def test_skl_is_called_skr_from_2019(store: ox.Store) -> None:
    label = 'SELECT ?l WHERE { id:org\\/skr skos:prefLabel ?l FILTER(lang(?l) = "sv") }'
    assert _subjects(snapshot(store, D("2018-12-31")).store, label) == {"Sveriges Kommuner och Landsting"}
    assert _subjects(snapshot(store, D("2020-01-01")).store, label) == {"Sveriges Kommuner och Regioner"}
    during = snapshot(store, D("2019-06-30"))
    assert _subjects(during.store, label) == set()
    alt = 'SELECT ?l WHERE { id:org\\/skr skos:altLabel ?l FILTER(lang(?l) = "sv") }'
    assert "Sveriges Kommuner och Landsting" in _subjects(during.store, alt)
    assert any(s == ID + "org/skr" for s, *_ in during.unknown_statements)


def test_npo_cancer_is_dormant_by_2021_and_its_status_before_is_unknown(store: ox.Store) -> None:
    status = "SELECT ?s WHERE { id:npo\\/cancersjukdomar ks:status ?s }"
    assert _subjects(snapshot(store, D("2019-06-30")).store, status) == set()
    assert _subjects(snapshot(store, D("2021-09-20")).store, status) == {"https://w3id.org/ksgraph/ontology#dormant"}


def test_hosts_hold_from_their_attestation_on(store: ox.Store) -> None:
    hosts = "SELECT ?g WHERE { ?g a ks:NationalProgrammeArea ; ks:hostedBy ?h }"
    assert _subjects(snapshot(store, D("2021-09-19")).store, hosts) == set()
    assert len(_subjects(snapshot(store, D("2021-09-20")).store, hosts)) == 26


def test_a_membership_attested_on_one_day_holds_that_day_only(store: ox.Store) -> None:
    held = "SELECT ?p WHERE { id:post\\/npo\\/barn-och-ungdomars-halsa\\/member-norra org:heldBy ?p }"
    assert _subjects(snapshot(store, D("2021-09-20")).store, held) == {ID + "person/urban-tiren"}
    later = snapshot(store, D("2021-09-21"))
    assert _subjects(later.store, held) == set()
    assert ID + "membership/urban-tiren/npo/barn-och-ungdomars-halsa" in later.unknown


def test_a_decision_exists_from_its_day(store: ox.Store) -> None:
    decision = ID + "decision/npo-lung-kol-remiss-2020"
    assert not _has(snapshot(store, D("2020-01-23")).store, decision)
    assert _has(snapshot(store, D("2020-01-24")).store, decision)


def test_the_interim_steering_group_and_the_programme_councils(store: ox.Store) -> None:
    interim, councils = ID + "group/interimistisk-styrgrupp", ID + "org/programradsstrukturen"
    assert not _has(snapshot(store, D("2016-07-31")).store, interim)
    assert _has(snapshot(store, D("2016-08-31")).store, interim)
    assert interim in snapshot(store, D("2017-06-01")).unknown  # its end is not dated
    assert _has(snapshot(store, D("2016-06-30")).store, councils)
    assert councils in snapshot(store, D("2018-06-30")).unknown  # folded into the NPOs, undated


def test_named_queries_over_a_snapshot(store: ox.Store, built_settings: Settings) -> None:
    catalogue = named_queries(built_settings.queries_dir)
    hosts = catalogue["npo-hosts"]
    then = query_as_of(store, hosts.text, D("2019-06-30"))
    now = query_as_of(store, hosts.text, D("2026-01-01"))
    assert isinstance(then.result, ox.QuerySolutions) and isinstance(now.result, ox.QuerySolutions)
    assert len(list(then.result)) == 0 and len(list(now.result)) == 26
    assert then.snapshot.unknown_statements  # the 26 hosts of unknown validity, reported


def _rows(store: ox.Store, settings: Settings, name: str, **params: str) -> list[dict[str, str]]:
    query = named_queries(settings.queries_dir)[name]
    result = run(store, query.text, substitutions=bind_params(query, params))
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in result]


def test_acceptance_npos_and_hosts_on_2019_06_30(store: ox.Store, built_settings: Settings) -> None:
    rows = _rows(store, built_settings, "npos-as-of", date="2019-06-30")
    assert len(rows) == 26 and {r["existence"] for r in rows} == {"existed"}
    assert {r["hostOnDate"] for r in rows} == {"unknown"}  # hosts are attested only from 2021-09-20
    cancer = next(r for r in rows if r["npo"].endswith("/cancersjukdomar"))
    assert cancer["statusOnDate"] == "unknown" and cancer["host"] == ID + "org/skr"
    assert {r["existence"] for r in _rows(store, built_settings, "npos-as-of", date="2018-06-30")} == {"unknown"}
    assert _rows(store, built_settings, "npos-as-of", date="2017-12-31") == []
    later = _rows(store, built_settings, "npos-as-of", date="2022-01-01")
    assert {r["hostOnDate"] for r in later} == {"attested"}
    assert next(r for r in later if r["npo"].endswith("/cancersjukdomar"))["statusOnDate"] == "dormant"


def test_acceptance_changes_in_norras_rsgs_during_2025(store: ox.Store, built_settings: Settings) -> None:
    norra = {"scope": "id:healthcare-region/norra"}
    rows = _rows(store, built_settings, "rsg-changes", **{"from": "2025-01-01", "to": "2025-12-31"}, **norra)
    found = {(r["group"].removeprefix(ID), r["kind"], r["role"], r["certainty"]) for r in rows}
    assert found == {
        ("rsg/norra/strukturerad-vardinformation", "ending", "original", "within the period"),
        ("rsg/norra/uppfoljning-och-analys", "ending", "resulting", "within the period"),
        ("rsg/norra/stod-for-utveckling", "dormancy", "original", "possibly within the period"),
    }
    in_2024 = _rows(store, built_settings, "rsg-changes", **{"from": "2024-01-01", "to": "2024-12-31"}, **norra)
    assert {r["kind"] for r in in_2024} == {"dormancy"}  # its date is unknown: possibly then too
    assert _rows(store, built_settings, "rsg-changes", **{"from": "2026-01-01", "to": "2026-12-31"}, **norra) == []


def test_query_cli_as_of(built_settings: Settings) -> None:
    store = built_settings.store_dir
    then = run_cli("query", "npo-hosts", "--as-of", "2019-06-30", "--format", "csv", store=store)
    assert then.returncode == 0, then.stderr
    assert then.stdout.splitlines() == ["npo,npoLabel,status,host,hostLabel,hostCount"]
    assert "as of 2019-06-30" in then.stderr and "unknown validity" in then.stderr
    whole = run_cli("query", "npo-hosts", "--as-of", "all", "--format", "csv", store=store)
    assert len(whole.stdout.splitlines()) == 27 and "as of" not in whole.stderr
    bad = run_cli("query", "npo-hosts", "--as-of", "2019-02-30", store=store)
    assert bad.returncode == 2 and "--as-of" in bad.stderr
    own_dates = run_cli("query", "npos-as-of", "-p", "date=2019-06-30", "--format", "csv", store=store)
    assert own_dates.returncode == 0 and len(own_dates.stdout.splitlines()) == 27


def test_the_docstring_examples_run() -> None:
    import doctest

    import ksgraph.temporal.asof

    result = doctest.testmod(ksgraph.temporal.asof)
    assert result.attempted > 0 and result.failed == 0
