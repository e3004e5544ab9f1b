"""What else the sources state (issue 19, item 4): 004's follow-up dialogues, the people 003 and 001 name,
the 2017 NPO mandate, 003's structures, kinds of knowledge support and timeline, and 004's ideas for 2026.

Expected answers are read off the seeds, cited per test.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from tests.data.support import ID, KS, SEEDS, answer, seed_text

PREFIXES = {
    "ks": KS,
    "id": ID,
    "org": "http://www.w3.org/ns/org#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
}


def select(store: ox.Store, sparql: str) -> list[dict[str, str]]:
    result = store.query(sparql, prefixes=PREFIXES)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in result]


def bullets_after(start: str, end: str) -> list[str]:
    (path,) = SEEDS.glob("004_*.txt")
    body = path.read_text(encoding="utf-8")
    part = body[body.index(start) + len(start) : body.index(end, body.index(start))]
    return [line[2:].strip() for line in part.splitlines() if line.startswith("- ")]


def words(label: str) -> str:
    """A name as 004 lists it and as the graph labels it, compared without case and punctuation."""
    return re.sub(r"[^a-zåäö]+", " ", label.casefold().removeprefix("rpo ")).strip()


def test_the_rpo_dialogues_of_autumn_2025(store: ox.Store) -> None:
    # 004 "Uppdragsdialoger med RPO hösten 2025": 25 of 27 RPOs had a dialogue, two did not.
    done = bullets_after(
        "Uppföljningsdialoger har hållits med följande sjukvårdsregionala programområden", "Ej genomförda"
    )
    not_done = bullets_after("Ej genomförda uppföljningsdialoger:", "Från NRF")
    assert (len(done), len(not_done)) == (25, 2)
    rows = select(
        store,
        """SELECT ?rel ?g ?label WHERE {
        id:activity\\/nrf-uppfoljningsdialoger-rpo-hosten-2025 ?rel ?g . VALUES ?rel { ks:participant ks:absentee }
        ?g skos:prefLabel|skos:altLabel ?label FILTER(lang(?label) = "sv") }""",
    )
    took_part = {r["g"] for r in rows if r["rel"] == KS + "participant"}
    absent = {r["g"] for r in rows if r["rel"] == KS + "absentee"}
    assert (len(took_part), len(absent)) == (25, 2)
    labels = {r["g"]: set() for r in rows}
    for r in rows:
        labels[r["g"]].add(words(r["label"]))
    assert sorted(words(d) for d in done) == sorted(next(iter(labels[g] & {words(d) for d in done})) for g in took_part)
    assert all(labels[g] & {words(n) for n in not_done} for g in absent)
    every_rpo = {
        r["r"]
        for r in select(
            store, "SELECT ?r WHERE { ?r a ks:RegionalProgrammeArea ; ks:scope id:healthcare-region\\/norra }"
        )
    }
    assert took_part | absent == every_rpo and len(every_rpo) == 27


def test_who_from_nrf_attended_by_role(store: ox.Store) -> None:
    # 004: "Från NRF har processledare och administratör medverkat" (RPO); "sjukvårdsregional samordnare
    # och administratör" (RSG). Roles only: no person is named or assumed.
    rows = select(
        store,
        """SELECT ?d ?role ?agent WHERE { ?d a ks:FollowUpDialogue ; prov:qualifiedAssociation ?a .
        ?a prov:hadRole ?role ; prov:agent ?agent }""",
    )
    roles = {(r["d"].rsplit("-", 3)[-3], r["role"].removeprefix(KS)) for r in rows}
    assert roles == {
        ("rpo", "processLeader"),
        ("rpo", "administrator"),
        ("rsg", "healthcareRegionalCoordinator"),
        ("rsg", "administrator"),
    }
    assert {r["agent"] for r in rows} == {ID + "org/nrf"}


def test_the_rsg_dialogues_of_autumn_2025(store: ox.Store) -> None:
    # 004 "Uppdragsdialoger med RSG hösten 2025": läkemedel, medicinsk teknik, patientsäkerhet, uppföljning och analys.
    rows = select(store, "SELECT ?g WHERE { id:activity\\/nrf-uppfoljningsdialoger-rsg-hosten-2025 ks:participant ?g }")
    assert {r["g"].removeprefix(ID + "rsg/norra/") for r in rows} == {
        "lakemedel",
        "medicinsk-teknik",
        "patientsakerhet",
        "uppfoljning-och-analys",
    }


def test_the_people_the_sources_name(store: ox.Store) -> None:
    names = {r["name"] for r in select(store, "SELECT ?name WHERE { ?p a foaf:Person ; foaf:name ?name }")}
    assert names == {
        "Urban Tirén",
        "Caroline Stridsman",
        "Mats Bojestig",
        "Ulrica Lundström",
        "Peter Almgren",
        "Lena Hellberg",
        "Sofia Wallström",
        "Lena Micko",
        "Ulf-Johan Olson",
    }
    corpus = " ".join(seed_text(n) for n in ("000", "001", "002", "003", "004"))
    # 003 writes the genitive ("Lena Hellbergs utredning"); a name split over lines is one name here.
    assert all(name.split()[0] in corpus and name.split()[-1].rstrip("s") in corpus for name in names)


def test_the_webinar_speakers(store: ox.Store) -> None:
    # 003 "Dagens innehåll": four named speakers; two items name none.
    rows = select(
        store,
        """SELECT ?item ?who WHERE { ?item dcterms:isPartOf id:activity\\/webbinarium-2021-09-20 .
        OPTIONAL { ?item prov:qualifiedAssociation ?a . ?a prov:hadRole ks:speaker ; prov:agent ?who } }""",
    )
    assert len(rows) == 6
    assert {r.get("who", "").removeprefix(ID + "person/") for r in rows} == {
        "ulrica-lundstrom",
        "urban-tiren",
        "caroline-stridsman",
        "mats-bojestig",
        "",
    }


def test_the_2017_npo_mandate_is_every_npos(store: ox.Store) -> None:
    # 001 "Nationella programområden": lead and coordinate, follow up and analyse, needs analyses, missing
    # knowledge support, quality registries, close collaboration with each other.
    rows = answer(store, "group-mandate", group="id:npo/akut-vard")
    tasks = {r["task"] for r in rows if r["mandate"] == ID + "mandate/npo-2017"}
    assert len(tasks) == 6
    having = select(
        store,
        "SELECT (COUNT(DISTINCT ?n) AS ?c) WHERE { ?n a ks:NationalProgrammeArea ; ks:mandate id:mandate\\/npo-2017 }",
    )
    assert having == [{"c": "26"}]


def test_sks_supports_huvudmannagruppen_and_the_council_is_described(store: ox.Store) -> None:
    # 001 "Politiken": "En nuvarande viktig politisk gruppering för styrgruppen att ge stöd och underlag till
    # är Huvudmannagruppen"; 001 "Strategisk styrgrupp" on Rådet för styrning med kunskap.
    assert bool(store.query("ASK { id:group\\/sks ks:supports id:org\\/huvudmannagruppen }", prefixes=PREFIXES))
    cited = select(store, "SELECT ?s WHERE { id:org\\/radet-for-styrning-med-kunskap dcterms:source ?s }")
    assert [r["s"] for r in cited] == [ID + "source/001/strategisk-styrgrupp"]


def test_the_structures_around_the_core_system(store: ox.Store) -> None:
    # 003 "Nuläge – strukturer": "Delvis inkluderade eller närliggande" and "Kommunernas kunskapsstyrning".
    near = select(
        store,
        "SELECT ?l WHERE { ?s ks:nearStructureOf id:system\\/karnsystemet ; skos:prefLabel ?l FILTER(lang(?l)='sv') }",
    )
    assert {r["l"] for r in near} == {
        "Vävnadsrådet",
        "Biobanksrådet",
        "Nationella kvalitetsregister",
        "Samverkansmodeller för LM&MT",
        "RCC",
    }
    municipal = select(
        store,
        """SELECT ?l WHERE { id:system\\/kommunernas-kunskapsstyrning dcterms:hasPart ?s .
                             ?s skos:prefLabel ?l FILTER(lang(?l)='sv') }""",
    )
    assert {r["l"] for r in municipal} == {"RSS", "NSK-S", "Socialchefsnätverket"}
    core = select(store, "SELECT (COUNT(?p) AS ?n) WHERE { id:system\\/karnsystemet dcterms:hasPart ?p }")
    assert core == [{"n": str(3 + 1 + 26 + 8 + 6)}]  # SKS, BG, the support function; the partnership; NPO, NSG, NAG


def test_the_kinds_of_knowledge_support(store: ox.Store) -> None:
    # 003 "Kunskapsstöd": NR, NKK primärvård, NVP, vård/behandlingsriktlinje, vårdförlopp, SVF, VIP.
    kinds = select(store, "SELECT ?k WHERE { ?k skos:inScheme id:knowledge-support-kind\\/scheme }")
    assert len(kinds) == 7


def test_the_timeline_has_its_21_items_dated_as_far_as_the_sources_do(store: ox.Store) -> None:
    members = select(store, "SELECT ?m WHERE { id:timeline\\/003 skos:member ?m }")
    assert len(members) == 21
    undated = select(
        store,
        """SELECT ?m WHERE { id:timeline\\/003 skos:member ?m . ?m <http://www.w3.org/2006/time#hasTime> ?t .
        ?t ks:earliest "2008-01-01"^^<http://www.w3.org/2001/XMLSchema#date> ;
           ks:latest "2021-09-20"^^<http://www.w3.org/2001/XMLSchema#date> }""",
    )
    # Every item is dated: by another source, or as "somewhere on the 2008–2021 timeline".
    dated = select(
        store,
        """SELECT DISTINCT ?m WHERE { id:timeline\\/003 skos:member ?m .
        { ?m <http://www.w3.org/2006/time#hasTime> ?t } UNION { ?m dcterms:date ?d } }""",
    )
    assert len(dated) == 21
    assert 0 < len(undated) < 21


def test_the_ideas_for_2026_and_the_nhv_examples(store: ox.Store) -> None:
    # 004 "Utvecklingstankar inför 2026": eight areas; "Nivåstrukturering": three NHV examples.
    ideas = select(store, "SELECT ?c WHERE { ?c skos:inScheme id:development-area\\/norra-2026 }")
    assert len(ideas) == len(bullets_after("Områden som RPO/RSG uttrycker:", "## Uppdragsdialoger med RPO"))
    assert len(ideas) == 8
    nhv = select(store, "SELECT ?c WHERE { id:activity\\/nhv-overenskommelser-norra-2025 ks:concerns ?c }")
    assert {r["c"].removeprefix(ID + "nhv-example/") for r in nhv} == {"ryggmargsskador", "kakkirurgi", "lungfibros"}
