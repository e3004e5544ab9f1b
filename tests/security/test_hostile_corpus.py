"""The hostile corpus (tests/security/hostile/) through every writer: nothing from the data runs, every RDF output
re-parses to the same graph, and what the data says comes back whole (issue 23; SECURITY.md)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from ksgraph.core.printable import printable
from ksgraph.http.launch import running_server
from tests.conftest import run_cli
from tests.security.hostile import checks, corpus
from tests.security.hostile.writers import FORGED, WRITERS, Corpus, Writer


@pytest.mark.parametrize("writer", WRITERS, ids=[w.name for w in WRITERS])
def test_the_hostile_corpus_runs_nowhere_and_comes_back_whole(writer: Writer, hostile: Corpus) -> None:
    outputs = writer.write(hostile, writer.controls)
    assert outputs
    problems = [f"{o.what}: {p}" for o in outputs for p in o.problems]
    assert not problems, "\n".join(problems[:40])


SELECT = "SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
CONSTRUCT = "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
RESULTS = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPHS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


def test_the_real_server_answers_with_the_corpus_whole(hostile: Corpus, tmp_path: Path) -> None:
    """``ksgraph serve`` (its own process, query workers and all): SELECT in the four results formats,
    CONSTRUCT in the four RDF formats, and a page, checked as the writers above are."""
    problems = []
    everything = {corpus.GRAPH: set(corpus.quads()), corpus.CONTROLS_GRAPH: set(corpus.control_quads())}
    with running_server(hostile.store_dir, tmp_path / "server.log") as server:

        def ask(query: str, accept: str) -> bytes:
            response = httpx.post(server.sparql, data={"query": query}, headers={"Accept": accept}, timeout=60)
            assert response.status_code == 200, response.text
            return response.content

        for kind, media in RESULTS.items():
            for graph, quads in everything.items():
                if kind == "xml" and graph == corpus.CONTROLS_GRAPH:
                    continue  # XML cannot carry them (SECURITY.md, known limits)
                answer = ask(SELECT.format(graph=graph), media)
                problems += [f"{kind}: {p}" for p in checks.results_problems(answer, kind, {q.triple for q in quads})]
                if kind == "csv":  # SPARQL 1.1 CSV is not a spreadsheet file: no escape is added
                    fields = {f for row in checks.csv_fields(answer.decode("utf-8")) for f in row}
                    assert graph != corpus.GRAPH or corpus.TEXTS["hyperlink"] in fields
        for media, fmt in GRAPHS.items():
            for graph, quads in everything.items():
                if fmt == ox.RdfFormat.RDF_XML and graph == corpus.CONTROLS_GRAPH:
                    continue
                answer = ask(CONSTRUCT.format(graph=graph), media)
                expected = {ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in quads}
                problems += [f"CONSTRUCT as {media}: {p}" for p in checks.rdf_problems(answer, fmt, expected)]
        page = httpx.get(f"{server.url}/id/npo/hostile-script", headers={"Accept": "text/html"}, timeout=60)
        assert page.status_code == 200
        problems += checks.html_problems(page.text)
        assert checks.texts_of(checks.html_tree(page.text), "h1") == [corpus.TEXTS["script"]]
    assert not problems, "\n".join(problems[:40])


LABELS = f"""SELECT ?label WHERE {{
  VALUES ?group {{ <{corpus.npo("rich")}> <{corpus.npo("ansi")}> }} GRAPH ?g {{ ?group skos:prefLabel ?label }}
}}"""


def test_the_text_commands_send_no_control_character_to_the_terminal(hostile: Corpus) -> None:
    """``ksgraph explain``, ``history``, ``validate`` and ``query`` as a user runs them, on terminal sequences."""
    ansi = corpus.CONTROL_TEXTS["ansi"]
    runs = {
        "explain": run_cli(
            "explain", "<" + corpus.npo("ansi") + ">", "skos:prefLabel", f'"{ansi}"@sv', store=hostile.store_dir
        ),
        "history": run_cli("history", corpus.npo("osc8"), store=hostile.store_dir),
        "validate": run_cli("validate", store=hostile.store_dir),
        "query": run_cli("query", "-", "--as-of", "all", input=LABELS, store=hostile.store_dir),
    }
    for command, done in runs.items():
        assert "Traceback" not in done.stderr, done.stderr
        assert checks.text_problems(done.stdout, FORGED) == [], command
    assert runs["explain"].returncode == 0 and "ASSERTED" in runs["explain"].stdout
    assert printable(ansi) in runs["explain"].stdout
    assert printable(corpus.CONTROL_TEXTS["osc8"]) in runs["history"].stdout
    assert runs["validate"].returncode == 1 and "S1: " in runs["validate"].stdout  # the hostile groups break R rules
    # Rich's table shows text, not markup: no terminal link, no colour made of a label.
    assert corpus.TEXTS["rich"] in runs["query"].stdout and printable(ansi) in runs["query"].stdout
