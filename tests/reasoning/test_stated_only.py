"""``--stated-only``: what the sources state, with the inferences the stated facts alone support.

The full inferred graph rests on interpretations and general knowledge too (an NPO reports to SKS
only by the editor's reading of 001), so a stated-only question is answered over the stated graphs
and their own closure (ksgraph.reasoning.stated), never over the full inferred graph.
"""

from __future__ import annotations

import csv
import io

import httpx
import pyoxigraph as ox

from ksgraph.core.settings import Settings
from ksgraph.core.vocab import ID, KS, ORG
from ksgraph.reasoning.stated import resolve, stated_store
from ksgraph.sparql.run import run
from ksgraph.store.dataset import INFERRED_GRAPH, NOT_STATED, View, graph_names
from tests.conftest import run_cli

NPO = ID + "npo/akut-vard"
SKS = ID + "group/sks"
HSD = ID + "org/hsd-natverket"


def holds(store: ox.Store, s: str, p: str, o: str, view: View) -> bool:
    return bool(run(store, f"ASK {{ <{s}> <{p}> <{o}> }}", view=view))


def test_the_stated_copy_has_no_unstated_graph_and_its_own_closure(store: ox.Store) -> None:
    copy = stated_store(store)
    assert not set(graph_names(copy)) & NOT_STATED
    assert INFERRED_GRAPH in graph_names(copy)
    everything = View()
    # Interpreted: an NPO reports to SKS, and through it, ultimately, to the HSD network.
    assert holds(store, NPO, ORG + "reportsTo", SKS, everything)
    assert holds(store, NPO, KS + "ultimatelyReportsTo", HSD, everything)
    assert not holds(copy, NPO, ORG + "reportsTo", SKS, everything)
    assert not holds(copy, NPO, KS + "ultimatelyReportsTo", HSD, everything)
    # Stated (001 "Strategisk styrgrupp"): SKS reports to the HSD network; and what follows from the
    # stated facts alone is still inferred: an NPO's level.
    assert holds(copy, SKS, KS + "ultimatelyReportsTo", HSD, everything)
    assert holds(copy, NPO, KS + "level", KS + "macro", everything)


def test_resolve_keeps_other_views_as_they_are(store: ox.Store) -> None:
    assert resolve(store, View()) == (store, View())
    copy, view = resolve(store, View(inferred=False, stated_only=True))
    assert view == View(inferred=False) and copy is not store
    assert not holds(copy, SKS, KS + "ultimatelyReportsTo", HSD, view)  # asserted-only: no inference


def test_reporting_lines_stated_only_through_the_cli(built_settings: Settings) -> None:
    """The acceptance of issue 19: no NPO → SKS line stated-only; with the interpretations it is
    there, marked as one."""

    def lines(*extra: str) -> list[dict[str, str]]:
        done = run_cli(
            "query", "reporting-lines", "--format", "csv", "--as-of", "all", *extra, store=built_settings.store_dir
        )
        assert done.returncode == 0, done.stderr
        return list(csv.DictReader(io.StringIO(done.stdout)))

    full, stated = lines(), lines("--stated-only")
    npo_to_sks = [r for r in full if r["group"].startswith(ID + "npo/") and r["reportsTo"] == SKS]
    assert len(npo_to_sks) == 26 and {r["basis"] for r in npo_to_sks} == {KS + "interpretation"}
    assert not [r for r in stated if r["group"].startswith(ID + "npo/")]
    assert {(r["reportsTo"], r["basis"]) for r in stated if r["group"] == SKS} >= {(HSD, KS + "stated")}


def test_basis_stated_over_http_answers_as_the_cli_does(site: httpx.Client, built_settings: Settings) -> None:
    """``basis=stated`` on /sparql and /queries/NAME: the same stated closure as ``--stated-only``,
    so the stated facts' own inferences stay and the interpreted ones go."""

    def ask(s: str, p: str, o: str, **params: str) -> bool:
        reply = site.get(
            "/sparql",
            params={"query": f"ASK {{ <{s}> <{p}> <{o}> }}", **params},
            headers={"Accept": "application/sparql-results+json"},
        )
        assert reply.status_code == 200, reply.text
        return bool(reply.json()["boolean"])

    assert ask(NPO, KS + "ultimatelyReportsTo", HSD)
    assert not ask(NPO, KS + "ultimatelyReportsTo", HSD, basis="stated")
    assert ask(SKS, KS + "ultimatelyReportsTo", HSD, basis="stated")
    assert ask(NPO, KS + "level", KS + "macro", basis="stated")
    assert not ask(NPO, KS + "level", KS + "macro", basis="stated", inference="false")

    def lines(**params: str) -> list[dict[str, str]]:
        reply = site.get("/queries/reporting-lines", params={"as_of": "all", **params}, headers={"Accept": "text/csv"})
        assert reply.status_code == 200, reply.text
        return list(csv.DictReader(io.StringIO(reply.text)))

    done = run_cli(
        "query", "reporting-lines", "--format", "csv", "--as-of", "all", "--stated-only", store=built_settings.store_dir
    )
    cli = sorted(map(sorted, (r.items() for r in csv.DictReader(io.StringIO(done.stdout)))))
    assert sorted(map(sorted, (r.items() for r in lines(basis="stated")))) == cli
    assert len(lines()) > len(cli)

    wrong = site.get("/queries/reporting-lines", params={"basis": "editor"})
    assert wrong.status_code == 400 and "basis" in wrong.text
