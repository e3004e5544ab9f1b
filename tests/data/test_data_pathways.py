"""The care pathways of 003 "28 vårdförlopp i olika faser och 2 generiska modeller", their phases and approvals.

The expected answers are read off the slide (shared/seeds/003_*.txt, the lines after "Godkända", "Under
framtagande", "Under uppdatering efter remiss" and "Under uppstart"), dated "210823".
"""

from __future__ import annotations

import collections

import pyoxigraph as ox
import pytest

from tests.data.support import ID, KS, answer, seed_text

APPROVED = {
    "Höftledsartros-prim.vård",
    "Reumatoid artrit",
    "Stroke och TIA",
    "Personcentrerat och sammanhållet vårdförlopp KOL",
    "Schizofreni",
    "Kritisk benischemi",
    "Osteoporos",
    "Hjärtsvikt",
    "Kogn.svikt vid demens",
    "Sepsis",
}
IN_DEVELOPMENT = {
    "Diabetes med hög risk för fotsår",
    "Epilepsi",
    "Inflammatorisk tarmsjukdom",
    "Grav hörselnedsättning",
    "Jättecellsarterit",
    "Knäledsartros",
    "Långvarig icke-malign smärta",
    "Matallergi",
    "Obstruktiv sömnapné vuxna",
    "Palliativ vård",
    "Självskadebeteende",
    "Svårläkta sår",
    "Sömnrelaterad andningsstörning och obstruktiv sömnapné",
    "Traumatisk hjärnskada",
    "Varicer och venösa bensår",
    "Ångest och depression",
}
STARTING_UP = {"Ryggsmärta", "Sekundär prevention vid perifer arteriell sjukdom"}
GENERIC = {"Rehabilitering (generiskt)": "phaseApproved", "Levnadsvanor (generiskt)": "phaseInDevelopment"}
# The six "del 2" (the footnote: "* Dessa 6 vårdförlopp vidareutvecklas med en del 2"), with their pathway.
PARTS = {
    "Höftledsartros-proteskir. 2": ("phaseInDevelopment", "hoftledsartros-primarvard"),
    "KOL 2": ("phaseInDevelopment", "kol"),
    "Schizofreni 2": ("phaseInDevelopment", "schizofreni"),
    "Stroke och TIA 2": ("phaseInDevelopment", "stroke-och-tia"),
    "Reumatoid artrit 2": ("phaseUpdatingAfterConsultation", "reumatoid-artrit"),
    "Sepsis 2": ("phaseStartingUp", "sepsis"),
}


@pytest.fixture(scope="module")
def rows_(store: ox.Store) -> list[dict[str, str | None]]:
    return answer(store, "care-pathways")


def test_the_expected_lists_are_the_slides_words() -> None:
    # The KOL pathway keeps its full name in the graph; the slide says "KOL*".
    slide = seed_text("003")
    bullets = (APPROVED - {"Personcentrerat och sammanhållet vårdförlopp KOL"}) | IN_DEVELOPMENT | STARTING_UP
    bullets |= {"KOL"} | {label.replace(" (generiskt)", "") for label in GENERIC} | set(PARTS)
    missing = sorted(b for b in bullets if f"• {b}" not in slide)
    assert missing == []
    assert "28 vårdförlopp i olika faser och 2 generiska modeller" in slide
    assert "Dessa 6 vårdförlopp vidareutvecklas med en del 2" in slide


def test_28_care_pathways_with_their_phases(rows_: list[dict[str, str | None]]) -> None:
    pathways = [r for r in rows_ if r["kind"] == "care pathway"]
    assert len(pathways) == 28
    by_phase = collections.defaultdict(set)
    for r in pathways:
        by_phase[(r["phase"] or "").removeprefix(KS)].add(r["itemLabel"])
    assert by_phase == {"phaseApproved": APPROVED, "phaseInDevelopment": IN_DEVELOPMENT, "phaseStartingUp": STARTING_UP}
    assert {r["phaseAsOf"] for r in pathways} == {"2021-08-23"}


def test_2_generic_models_with_their_phases(rows_: list[dict[str, str | None]]) -> None:
    models = {r["itemLabel"]: (r["phase"] or "").removeprefix(KS) for r in rows_ if r["kind"] == "generic model"}
    assert models == GENERIC


def test_the_six_part_2s_continue_the_starred_pathways(rows_: list[dict[str, str | None]]) -> None:
    parts = {
        r["itemLabel"]: (
            (r["phase"] or "").removeprefix(KS),
            (r["continuationOf"] or "").removeprefix(ID + "knowledge-support/vardforlopp-"),
        )
        for r in rows_
        if r["kind"] == "part 2"
    }
    assert parts == PARTS
    # The one phase no pathway of the 28 is in: "Under uppdatering efter remiss" holds only a part 2.
    assert {r["kind"] for r in rows_ if r["phase"] == KS + "phaseUpdatingAfterConsultation"} == {"part 2"}


def test_eleven_sks_approvals_one_per_approved_item(rows_: list[dict[str, str | None]]) -> None:
    approved = [r for r in rows_ if r["phase"] == KS + "phaseApproved"]
    assert len(approved) == 11
    assert all(r["approval"] and r["approvedBy"] == ID + "group/sks" for r in approved)
    assert len({r["approval"] for r in approved}) == 11
    # Nothing that is not approved has an approval.
    assert [r["itemLabel"] for r in rows_ if r["approval"] and r["phase"] != KS + "phaseApproved"] == []


def test_approvals_are_undated_but_bounded(rows_: list[dict[str, str | None]]) -> None:
    # No source dates an approval: by the slide's date at the latest; the KOL one after NPO Lung- och
    # allergisjukdomar sent it on remiss on 2020-01-24 (003 "Arbetsprocess").
    bounds = {r["item"]: (r["approvedEarliest"], r["approvedLatest"]) for r in rows_ if r["approval"]}
    assert {latest for _, latest in bounds.values()} == {"2021-08-23"}
    assert bounds[ID + "knowledge-support/vardforlopp-kol"][0] == "2020-01-24"


def test_approvals_are_recommendations_to_the_regions_in_the_care_pathway_process(store: ox.Store) -> None:
    # 003 "Arbetsprocess": SKS approves care pathways and recommends the regions to decide on them.
    result = store.query(
        """SELECT ?d (COUNT(DISTINCT ?r) AS ?n) WHERE {
             ?d a ks:Decision ; ks:decidedBy id:group\\/sks ;
                ks:partOfProcess <https://w3id.org/ksgraph/id/process/vardforlopp/step-8> ;
                ks:addressedTo ?r . ?r a ks:Region } GROUP BY ?d""",
        prefixes={"ks": KS, "id": ID},
    )
    assert isinstance(result, ox.QuerySolutions)
    counts = [int(row["n"].value) for row in result]
    assert counts == [21] * 11


def test_the_kol_pathway_keeps_its_process_and_remiss_decision(store: ox.Store) -> None:
    kol = ox.NamedNode(ID + "knowledge-support/vardforlopp-kol")
    remiss = ox.NamedNode(ID + "decision/npo-lung-kol-remiss-2020")
    assert any(store.quads_for_pattern(remiss, ox.NamedNode(KS + "concerns"), kol, None))
    assert any(store.quads_for_pattern(kol, ox.NamedNode(KS + "phase"), ox.NamedNode(KS + "phaseApproved"), None))


def test_the_phase_parameter_filters(store: ox.Store) -> None:
    starting = answer(store, "care-pathways", phase="ks:phaseStartingUp")
    assert {r["itemLabel"] for r in starting} == STARTING_UP | {"Sepsis 2"}
