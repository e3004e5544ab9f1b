"""The tasks of each level, 001 "Roller, ansvar och uppdrag på olika nivåer i systemet", and the level conflict.

The expected answers are the section's three bullet lists ("Huvuduppdraget för verksamheten är att …",
"Huvuduppdraget för aktörer och grupperingar på mesonivån/makronivån är att …").
"""

from __future__ import annotations

import re

import pyoxigraph as ox
import rdflib

from tests.conftest import ROOT
from tests.data.support import ID, KS, SEEDS, answer

ROLES = ID + "source/001/roller-ansvar-och-uppdrag-pa-olika-nivaer-i-systemet"


def section_bullets() -> dict[str, list[str]]:
    """The bullets of each level's 'Huvuduppdraget …' list in 001, read from the seed file."""
    (path,) = SEEDS.glob("001_*.txt")
    text = path.read_text(encoding="utf-8")
    start, end = (
        text.index("Roller, ansvar och uppdrag på olika nivåer i systemet"),
        text.index(" Organisationsstruktur"),
    )
    section = text[start:end]
    out: dict[str, list[str]] = {}
    for level, heading in (("micro", "Mikronivån"), ("meso", "Mesonivån"), ("macro", "Makronivån")):
        part = section[section.index(heading) :]
        part = part[part.index("Huvuduppdraget") :]
        following = [h for h in ("Mesonivån", "Makronivån") if h in part[1:]]
        if following:
            part = part[: part.index(following[0])]
        # The text extract drops the bullet glyph: a bullet is a line indented by one space, and a bullet
        # that wraps goes on in unindented lines.
        bullets: list[str] = []
        for line in part.splitlines()[1:]:
            if not line.strip():
                continue
            if re.match(r"^ \S", line):
                bullets.append(line.strip())
            elif bullets:
                bullets[-1] += " " + line.strip()
        out[level] = [re.sub(r"\s+", " ", b) for b in bullets]
    return out


def test_6_9_and_6_tasks_for_micro_meso_and_macro(store: ox.Store) -> None:
    result = answer(store, "level-tasks")
    counts = {level: sum(1 for r in result if r["level"] == KS + level) for level in ("micro", "meso", "macro")}
    assert counts == {"micro": 6, "meso": 9, "macro": 6}
    assert {r["source"] for r in result} == {ROLES}


def test_the_tasks_are_the_sections_bullets_in_its_words(store: ox.Store) -> None:
    expected = section_bullets()
    assert [len(expected[level]) for level in ("micro", "meso", "macro")] == [6, 9, 6]
    for level, bullets in expected.items():
        got = {r["taskLabel"] for r in answer(store, "level-tasks", level=f"ks:{level}")}
        assert got == set(bullets), level


def test_the_level_definitions_cite_the_section_that_defines_them() -> None:
    ontology = rdflib.Graph()
    for path in (ROOT / "ontology").glob("*.ttl"):
        ontology.parse(path)
    for level in ("micro", "meso", "macro"):
        cited = {str(o) for o in ontology.objects(rdflib.URIRef(KS + level), rdflib.DCTERMS.source)}
        assert ROLES in cited, level
        assert ID + "source/001/samspel-i-en-okad-kunskapsstyrning" not in cited, level


def test_the_micro_placement_of_programme_groups_is_kept_next_to_the_meso_lpo(store: ox.Store) -> None:
    # 001 "Organisationsstruktur": "medicinska programgrupper eller motsvarande på mikronivå"; the ontology
    # puts LPOs on the meso level. Both are in the graph, each with a note on the conflict.
    kind = ox.NamedNode(ID + "grouping-kind/medicinska-programgrupper")
    level = ox.NamedNode(KS + "level")
    assert {q.object for q in store.quads_for_pattern(kind, level, None, None)} == {ox.NamedNode(KS + "micro")}
    lpo = ox.NamedNode(ID + "lpo/norrbotten/akut-vard")
    assert ox.NamedNode(KS + "meso") in {q.object for q in store.quads_for_pattern(lpo, level, None, None)}
    note = ox.NamedNode("http://www.w3.org/2004/02/skos/core#editorialNote")
    for node in (kind, ox.NamedNode(KS + "LocalProgrammeArea")):
        notes = [q.object.value for q in store.quads_for_pattern(node, note, None, None)]
        assert any("Organisationsstruktur" in n and "mikronivå" in n for n in notes), node
