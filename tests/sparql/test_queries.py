"""Every competency question of DOMAIN.md, answered by its named query on the real data.

The expected answers are read off the sources (shared/seeds/), cited per test.
"""

from __future__ import annotations

import collections
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from ksgraph.core.settings import Settings
from ksgraph.sparql.catalogue import named_queries
from ksgraph.sparql.errors import QueryError
from ksgraph.sparql.params import bind_params
from ksgraph.sparql.run import rows, run
from ksgraph.store.versions import GraphStore
from tests.conftest import ROOT, run_cli

ID = "https://w3id.org/ksgraph/id/"
KS = "https://w3id.org/ksgraph/ontology#"
QUERIES = named_queries(ROOT / "queries")


def answer(store: ox.Store, name: str, inferred: bool = True, **params: str) -> list[dict[str, str | None]]:
    query = QUERIES[name]
    result = run(store, query.text, inferred=inferred, substitutions=bind_params(query, params))
    variables, table = rows(result)
    return [{v: (t.value if t is not None else None) for v, t in zip(variables, row, strict=True)} for row in table]


def test_every_query_states_its_question() -> None:
    assert len(QUERIES) >= 12
    for query in QUERIES.values():
        assert query.question.endswith("?"), query.name
        assert query.returns, query.name


def test_cq1_no_programme_area_lacks_its_counterpart(store: ox.Store) -> None:
    # 004 "Uppdragsdialoger med RPO": 27 RPOs, each under an NPO; 002: Norrbotten's LPOs mirror them.
    assert answer(store, "missing-counterparts") == []


def test_cq1_finds_an_lpo_whose_counterpart_is_removed(scratch_settings: Settings) -> None:
    lpo = ID + "lpo/norrbotten/reumatiska-sjukdomar"
    with GraphStore(scratch_settings.store_dir).write() as writable:
        writable.update(f"DELETE WHERE {{ GRAPH ?g {{ <{lpo}> <{KS}counterpartOf> ?rpo }} }}")
    rows_ = answer(GraphStore(scratch_settings.store_dir).open_read(), "missing-counterparts")
    assert [(r["group"], r["kind"]) for r in rows_] == [(lpo, "LPO")]
    scoped = answer(
        GraphStore(scratch_settings.store_dir).open_read(), "missing-counterparts", scope="id:healthcare-region/norra"
    )
    assert scoped == []


def test_cq2_reporting_lines_direct_and_transitive(store: ox.Store) -> None:
    # 003 "Arbetsprocess": the NAG reports to NPO Lung- och allergisjukdomar;
    # 001 "Strategisk styrgrupp": SKS reports to the HSD network and Landstingsdirektörsföreningen.
    nag = ID + "nag/lung-och-allergisjukdomar/vardforlopp-kol"
    lines = {(r["reportsTo"], r["direct"]) for r in answer(store, "reporting-lines", group=nag)}
    assert (ID + "npo/lung-och-allergisjukdomar", "true") in lines
    assert (ID + "group/sks", "false") in lines
    assert (ID + "org/hsd-natverket", "false") in lines
    assert (ID + "org/landstingsdirektorsforeningen", "false") in lines
    sks = {(r["reportsTo"], r["direct"]) for r in answer(store, "reporting-lines", group="id:group/sks")}
    assert sks == {(ID + "org/hsd-natverket", "true"), (ID + "org/landstingsdirektorsforeningen", "true")}


def test_cq2_transitive_lines_need_the_inferred_graph(store: ox.Store) -> None:
    assert answer(store, "reporting-lines", inferred=False) == []


def test_cq3_hosts_of_the_npos(store: ox.Store) -> None:
    # 003 "Totalt har 26 programområden och 8 samverkansgrupper bildats".
    result = answer(store, "npo-hosts")
    assert len(result) == 26
    counts = {r["host"].removeprefix(ID): int(r["hostCount"]) for r in result}
    assert counts == {
        "healthcare-region/norra": 5,
        "healthcare-region/stockholm-gotland": 3,
        "healthcare-region/sydostra": 6,
        "healthcare-region/mellansverige": 2,
        "healthcare-region/vastra": 5,
        "healthcare-region/sodra": 4,
        "org/skr": 1,
    }
    cancer = [r for r in result if r["npo"] == ID + "npo/cancersjukdomar"]
    assert cancer[0]["host"] == ID + "org/skr" and cancer[0]["status"] == KS + "dormant"
    sodra = {r["npo"].removeprefix(ID + "npo/") for r in answer(store, "npo-hosts", host="id:healthcare-region/sodra")}
    assert sodra == {"nervsystemets-sjukdomar", "njur-och-urinvagssjukdomar", "primarvard", "tandvard"}


def test_cq4_regions_of_each_healthcare_region(store: ox.Store) -> None:
    result = answer(store, "regions-of-healthcare-regions")
    by_hcr = collections.defaultdict(set)
    for r in result:
        by_hcr[r["healthcareRegion"].removeprefix(ID + "healthcare-region/")].add(
            r["region"].removeprefix(ID + "region/")
        )
    assert by_hcr["norra"] == {"norrbotten", "vasterbotten", "vasternorrland", "jamtland-harjedalen"}
    assert by_hcr["stockholm-gotland"] == {"stockholm", "gotland"}
    assert len({r["region"] for r in result}) == 21
    # R13: Halland is split, and only Halland's rows carry a portion.
    halland = {
        r["healthcareRegion"].removeprefix(ID + "healthcare-region/"): r["portion"] for r in result if r["portion"]
    }
    assert set(halland) == {"vastra", "sodra"}
    assert all(r["region"] == ID + "region/halland" for r in result if r["portion"])


def test_cq5_every_npo_has_a_seat_for_every_healthcare_region(store: ox.Store) -> None:
    # 000 "Sammansättning": one representative from each of the six healthcare regions.
    assert answer(store, "npo-missing-members") == []


def test_cq5_finds_a_removed_seat(scratch_settings: Settings) -> None:
    post = ID + "post/npo/akut-vard/member-norra"
    with GraphStore(scratch_settings.store_dir).write() as writable:
        writable.update(f"DELETE WHERE {{ GRAPH ?g {{ <{post}> ?p ?o }} }}")
    result = answer(GraphStore(scratch_settings.store_dir).open_read(), "npo-missing-members")
    assert [(r["npo"], r["healthcareRegion"]) for r in result] == [
        (ID + "npo/akut-vard", ID + "healthcare-region/norra")
    ]


def test_cq6_sks_composition(store: ox.Store) -> None:
    # 001 "Strategisk styrgrupp": 2 LD, 4 HSD, 1 SKL member, an SKL secretary, three adjunct networks;
    # 003 "Kunskapsstyrning lägesrapport": Mats Bojestig, chair of SKS.
    result = answer(store, "sks-members")
    represents = collections.Counter(
        (r["role"].removeprefix(KS), (r["represents"] or "").removeprefix(ID)) for r in result
    )
    assert represents[("ordinaryMember", "org/landstingsdirektorsforeningen")] == 2
    assert represents[("ordinaryMember", "org/hsd-natverket")] == 4
    assert represents[("ordinaryMember", "org/skr")] == 1
    assert represents[("secretary", "org/skr")] == 1
    assert {r["represents"].removeprefix(ID) for r in result if r["role"] == KS + "adjunctMember"} == {
        "org/ekonomidirektorsnatverket",
        "org/personaldirektorsnatverket",
        "org/informationsdirektorsnatverket",
    }
    chairs = [r for r in result if r["role"] == KS + "chair"]
    assert [c["holder"] for c in chairs] == [ID + "person/mats-bojestig"]
    named = {r["holder"] for r in result if r["holder"]}
    assert named == {ID + "person/mats-bojestig"}


def test_cq7_working_groups_of_programme_areas(store: ox.Store) -> None:
    # 003 "Pågående arbeten – insatsområden" and "Praktiskt exempel på arbete i NAG".
    barn = answer(store, "working-groups", programmeArea="id:npo/barn-och-ungdomars-halsa")
    assert len(barn) == 5
    assert {r["kind"] for r in barn} == {"NAG"}
    labels = {r["workingGroupLabel"] for r in barn}
    assert any("Migrän" in label for label in labels)
    every = answer(store, "working-groups")
    assert (ID + "npo/lung-och-allergisjukdomar") in {r["programmeArea"] for r in every}


def test_cq8_dormant_and_ended_groups(store: ox.Store) -> None:
    # 003: NPO Cancersjukdomar (vilande); 004 "Uppdragen i RSG": RSG strukturerad vårdinformation
    # ended spring 2025, RSG stöd för utveckling dormant.
    result = {r["group"].removeprefix(ID): r for r in answer(store, "inactive-groups")}
    assert result["npo/cancersjukdomar"]["status"] == KS + "dormant"
    assert result["rsg/norra/strukturerad-vardinformation"]["status"] == KS + "ended"
    assert result["rsg/norra/strukturerad-vardinformation"]["since"].startswith("2025")
    assert result["rsg/norra/stod-for-utveckling"]["status"] == KS + "dormant"
    ended = answer(store, "inactive-groups", status="ks:ended")
    assert {r["group"] for r in ended} == {ID + "rsg/norra/strukturerad-vardinformation"}


def test_cq9_mandate_of_a_group(store: ox.Store) -> None:
    # 002 "Lokala programområden": nine tasks in the generic LPO mandate.
    lpo = answer(store, "group-mandate", group="id:lpo/norrbotten/reumatiska-sjukdomar")
    assert len({r["task"] for r in lpo}) == 9
    assert all(r["source"] for r in lpo)
    # 000 "Uppdrag": eight tasks common to NPOs and NSGs.
    npo = answer(store, "group-mandate", group="id:npo/akut-vard")
    common = [r for r in npo if r["mandate"] == ID + "mandate/npo-nsg-common"]
    assert len({r["task"] for r in common}) == 8


def test_cq9_needs_its_group_parameter() -> None:
    with pytest.raises(QueryError, match="needs parameter group"):
        bind_params(QUERIES["group-mandate"], {})


def test_cq10_sks_approves_care_pathways(store: ox.Store) -> None:
    # 003 "Arbetsprocess": SKS approves care pathways and recommends the regions to decide on them.
    steps = answer(store, "care-pathway-approval", process="id:process/vardforlopp")
    numbers = [int(r["stepNumber"]) for r in steps]
    assert numbers == sorted(numbers) and len(numbers) >= 5
    approvers = [r for r in steps if r["performedBy"] == ID + "group/sks"]
    assert approvers, steps
    assert numbers.index(int(approvers[0]["stepNumber"])) >= len(numbers) - 3


def test_cq11_six_authorities_in_the_partnership(store: ox.Store) -> None:
    # 003 "Partnerskapet för stöd till kunskapsstyrning inom hälso- och sjukvård".
    result = answer(store, "partnership-authorities")
    assert {r["authority"].removeprefix(ID + "authority/") for r in result} == {
        "ehalsomyndigheten",
        "folkhalsomyndigheten",
        "lakemedelsverket",
        "socialstyrelsen",
        "sbu",
        "tlv",
    }


def test_cq12_national_representation_across_norra(store: ox.Store) -> None:
    # 003: Urban Tirén (Jämtland Härjedalen) sits in NPO Barn och ungdomars hälsa; Caroline
    # Stridsman (Sunderby sjukhus, Region Norrbotten) chairs the KOL NAG. 004 "Sammanfattning"
    # gives the distribution only in words.
    result = {
        r["region"].removeprefix(ID + "region/"): r
        for r in answer(store, "national-representation", healthcareRegion="id:healthcare-region/norra")
    }
    assert set(result) == {"norrbotten", "vasterbotten", "vasternorrland", "jamtland-harjedalen"}
    assert int(result["jamtland-harjedalen"]["representatives"]) >= 1
    assert int(result["norrbotten"]["representatives"]) >= 1
    assert int(result["vasternorrland"]["representatives"]) == 0


def test_named_queries_answer_the_same_on_the_exported_graph(tmp_path: Path, built_settings: Settings) -> None:
    """Acceptance (issue 3): build, export N-Quads, and the export answers every question alike."""
    out = tmp_path / "export.nq"
    assert run_cli("export", "--format", "nquads", "--output", str(out), store=built_settings.store_dir).returncode == 0
    reloaded = GraphStore(tmp_path / "reloaded")
    with reloaded.write(fresh=True) as writable:
        writable.load(path=str(out), format=ox.RdfFormat.N_QUADS)
    original = GraphStore(built_settings.store_dir).open_read()
    copy = reloaded.open_read()
    for name, query in QUERIES.items():
        params = {p.name: example(p.description) for p in query.params if p.required}
        assert answer(copy, name, **params) == answer(original, name, **params), name


def example(description: str) -> str:
    """The example value a parameter's description gives ("… e.g. id:npo/akut-vard")."""
    match = re.search(r"e\.g\. ([^\s);,]+)", description)
    assert match, f"parameter description without an example: {description!r}"
    return match.group(1)


def test_every_parameter_documents_an_example() -> None:
    for query in QUERIES.values():
        for param in query.params:
            assert example(param.description), (query.name, param.name)


def test_query_cli_formats_and_errors(built_settings: Settings) -> None:
    store = built_settings.store_dir
    csv = run_cli("query", "npo-hosts", "--format", "csv", store=store, env={"KSGRAPH_TODAY": "2025-06-30"})
    assert csv.returncode == 0, csv.stderr
    assert csv.stdout.splitlines()[0] == "npo,npoLabel,status,host,hostLabel,hostCount"
    assert len(csv.stdout.splitlines()) == 27
    bad_param = run_cli("query", "group-mandate", "-p", "group=not an iri", store=store)
    assert bad_param.returncode == 2 and "not a valid iri" in bad_param.stderr
    unknown = run_cli("query", "npo-hosts", "-p", "nope=1", store=store)
    assert unknown.returncode == 2 and "no parameter nope" in unknown.stderr
    malformed = run_cli("query", "-", input="SELECT * WHERE { ?s ?p }", store=store)
    assert malformed.returncode == 2 and "malformed query" in malformed.stderr
    listing = run_cli("query", "--list", store=store, env={"COLUMNS": "60"})
    assert listing.returncode == 0 and "missing-counterparts" in listing.stdout
    # Every name whole, even in a narrow terminal: users copy it into the next command.
    assert "regions-of-healthcare-regions" in listing.stdout
