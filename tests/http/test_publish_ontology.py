"""Ontology terms resolve: documentation at /ontology (HTML), the ontology itself as RDF."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import httpx
import pyoxigraph as ox
import pytest

from ksgraph.core.vocab import KS_NS as KS
from tests.conftest import ROOT, run_cli


@pytest.fixture(scope="module")
def client(site: httpx.Client) -> httpx.Client:
    return site


def ontology_triples() -> set[ox.Triple]:
    triples: set[ox.Triple] = set()
    for path in (ROOT / "ontology").glob("*.ttl"):
        triples |= {q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)}
    return triples


def test_every_term_has_an_anchor_on_the_html_page(client: httpx.Client) -> None:
    response = client.get("/ontology", headers={"Accept": "text/html"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    anchors = set(re.findall(r'id="([^"]+)"', response.text))
    terms = {
        t.subject.value[len(KS) :]
        for t in ontology_triples()
        if isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(KS)
    }
    assert terms, "no ks: terms in the ontology"
    assert terms <= anchors, sorted(terms - anchors)
    assert '<section class="term" id="NationalProgrammeArea">' in response.text


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/turtle", ox.RdfFormat.TURTLE),
        ("application/rdf+xml", ox.RdfFormat.RDF_XML),
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/ld+json", ox.RdfFormat.JSON_LD),
    ],
)
def test_ontology_as_rdf_is_the_ontology(client: httpx.Client, accept: str, fmt: ox.RdfFormat) -> None:
    response = client.get("/ontology", headers={"Accept": accept})
    assert response.status_code == 200
    served = {q.triple for q in ox.parse(response.content, format=fmt)}
    expected = ontology_triples()

    # Blank nodes (restrictions, lists) get new labels on the way; everything else is identical.
    def named(ts: set[ox.Triple]) -> set[ox.Triple]:
        return {t for t in ts if not isinstance(t.subject, ox.BlankNode) and not isinstance(t.object, ox.BlankNode)}

    assert named(served) == named(expected)
    assert len(served) == len(expected)


def test_version_iri_resolves_only_for_the_current_version(client: httpx.Client) -> None:
    version = next(
        t.object.value for t in ontology_triples() if t.predicate.value == "http://www.w3.org/2002/07/owl#versionInfo"
    )
    assert client.get(f"/ontology/{version}", headers={"Accept": "text/turtle"}).status_code == 200
    assert client.get("/ontology/0.0.0-never").status_code == 404


def test_docs_file_is_generated_and_up_to_date() -> None:
    result = run_cli("ontology-docs", "--check")
    assert result.returncode == 0, result.stderr + "\nregenerate with: .venv/bin/ksgraph ontology-docs"


def test_docs_are_byte_identical_across_processes() -> None:
    # rdflib's iteration order follows string hashes, which differ per process unless sorted.
    code = "from ksgraph.http.ontology_docs import render; from ksgraph.core.settings import project_root; "
    code += "import sys; sys.stdout.write(render(project_root() / 'ontology'))"
    runs = [
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            # This process's environment (PYTHONPATH: the same ksgraph as the one under test), another seed.
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    ]
    assert runs[0] == runs[1]
    assert runs[0] == (ROOT / "docs" / "ontology" / "index.html").read_text(encoding="utf-8")
