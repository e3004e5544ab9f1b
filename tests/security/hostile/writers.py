"""Every writer of ksgraph as one entry of :data:`WRITERS`: it writes the hostile corpus and checks what it wrote.

A writer entry runs the code a user's command or request runs (the page app on a real
HTTP server on 127.0.0.1, ``export``, ``export_template``, the SPARQL results writer, the
validation and explanation renderers), in this process so that a test can take one escape
away (:data:`ESCAPES`) and see the corpus catch it. A new writer (the landing, search and
structure pages of issue 20; XLSX downloads of answers) is one more entry.
"""

from __future__ import annotations

import functools
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from unittest import mock
from urllib.parse import quote

import httpx
import pyoxigraph as ox
import rdflib

from ksgraph.core.printable import printable
from ksgraph.core.settings import Settings
from ksgraph.core.vocab import ID, KS, SKOS
from ksgraph.http.app import create_app
from ksgraph.rdfio.export import QUAD_FORMATS, TRIPLE_FORMATS, export
from ksgraph.rdfio.results import write_solutions
from ksgraph.reasoning.explain import Prover, explain
from ksgraph.reasoning.report import render_text
from ksgraph.reasoning.report import to_json as explain_json
from ksgraph.store.versions import GraphStore
from ksgraph.tabular import TabularError, read
from ksgraph.tabular.export import ExportReport, export_template, headings, template_rows
from ksgraph.tabular.names import NameIndex
from ksgraph.tabular.sheets import read_sheets
from ksgraph.tabular.spec import templates
from ksgraph.temporal.history import timeline, timeline_svg
from ksgraph.validation.output import render
from ksgraph.validation.validate import Report, data_from_store, validate
from tests.security.hostile import checks, corpus
from tests.security.hostile.checks import Problems

FORGED = ["  VIOLATION  forged <https://evil.example/> line"]


@dataclass
class Corpus:
    """Two copies of the real store with the corpus added: with and without the texts XML cannot carry."""

    store_dir: Path  # GRAPH and CONTROLS_GRAPH
    xml_safe_store_dir: Path  # GRAPH only
    root: Path
    tmp: Path

    def store_dir_for(self, controls: bool) -> Path:
        return self.store_dir if controls else self.xml_safe_store_dir

    def store(self, controls: bool) -> ox.Store:
        return GraphStore(self.store_dir_for(controls)).open_read()

    def settings(self, controls: bool) -> Settings:
        return Settings(store_dir=self.store_dir_for(controls), root=self.root)

    @functools.cached_property
    def reports(self) -> dict[bool, Report]:
        return {c: validate(data_from_store(self.store(c)), self.settings(c)) for c in (True, False)}


@dataclass(frozen=True)
class Output:
    what: str
    problems: Problems


@dataclass(frozen=True)
class Writer:
    name: str
    write: Callable[[Corpus, bool], list[Output]]  # (corpus, with the texts XML cannot carry) → checked outputs
    controls: bool = True  # the format can carry every character (else it gets the XML-safe corpus only)


def _texts(controls: bool) -> dict[str, str]:
    return corpus.all_texts(controls)


def _graph_quads(controls: bool) -> set[ox.Quad]:
    return set(corpus.quads()) | (set(corpus.control_quads()) if controls else set())


# -- HTML pages and SVG --------------------------------------------------------------------


def _pages(c: Corpus, controls: bool) -> list[Output]:
    outputs = []
    app = create_app(c.settings(controls))
    from tests.publish_servers import uvicorn_server

    pages = {corpus.npo(k): t for k, t in _texts(controls).items()}
    pages.update({iri: None for iri in [*corpus.SUBJECTS, corpus.SKS, *map(corpus.person, _texts(controls))]})
    with uvicorn_server(app) as base, httpx.Client(base_url=base, timeout=60) as client:
        for iri, label in pages.items():
            path = "/id/" + quote(iri.removeprefix("https://w3id.org/ksgraph/id/"), safe="/")
            response = client.get(path, headers={"Accept": "text/html"})
            if response.status_code != 200:
                outputs.append(Output(path, [f"HTTP {response.status_code}"]))
                continue
            problems = checks.html_problems(response.text)
            if label is not None:  # shown whole, as the data has it, in the heading
                headings = checks.texts_of(checks.html_tree(response.text), "h1")
                if headings != [checks.shown(label)]:
                    problems.append(f"the heading is {headings!r:.200}, not the label")
            outputs.append(Output(path, problems))
    return outputs


# The site's pages for people (issue 20): each one lists or draws the hostile groups by their labels.
SITE_PAGES = (
    "/",
    "/search?q=script",
    "/search?q=hyperlink",
    "/browse?class=ks:NationalProgrammeArea",
    "/structure",
    "/queries",
    "/queries/npo-hosts",
    "/.well-known/void",
)


def _site(c: Corpus, controls: bool) -> list[Output]:
    from tests.publish_servers import uvicorn_server

    outputs = []
    app = create_app(c.settings(controls))
    with uvicorn_server(app, lifespan="on") as base, httpx.Client(base_url=base, timeout=60) as client:
        for path in SITE_PAGES:
            response = client.get(path, headers={"Accept": "text/html"})
            if response.status_code != 200:
                outputs.append(Output(path, [f"HTTP {response.status_code}"]))
                continue
            outputs.append(Output(path, checks.html_problems(response.text)))
        picture = client.get("/structure.svg")
        outputs.append(Output("/structure.svg", checks.svg_problems(picture.text)))
        found = client.get("/search?q=hostile", headers={"Accept": "application/json"})
        outputs.append(
            Output(
                "/search as JSON",
                [] if found.status_code == 200 and found.json() is not None else [f"HTTP {found.status_code}"],
            )
        )
    return outputs


def _timeline_svgs(c: Corpus, controls: bool) -> list[Output]:
    outputs = []
    store = c.store(controls)
    for key, text in _texts(controls).items():
        document = timeline_svg(timeline(store, corpus.npo(key)))
        problems = checks.svg_problems(document)
        if not problems:
            titles = " ".join(checks.texts_of(checks.ET.fromstring(document), "title"))
            if checks.shown(text) not in titles:
                problems.append("the label is not in the picture's tooltips")
        outputs.append(Output(f"timeline of {key}", problems))
    return outputs


def _history_text(c: Corpus, controls: bool) -> list[Output]:
    outputs = []
    store = c.store(controls)
    for key, text in _texts(controls).items():
        line = timeline(store, corpus.npo(key))
        shown = line.to_text()
        problems = checks.text_problems(shown, FORGED)
        if printable(text) not in shown:
            problems.append("the label is not shown")
        doc = json.loads(line.to_json())
        if doc["label"] != text or text not in {e["label"] for e in doc["entries"]}:
            problems.append("the JSON does not carry the label exactly")
        outputs.append(Output(f"history of {key}", problems))
    return outputs


# -- spreadsheets ----------------------------------------------------------------------------


def _template(suffix: str) -> Callable[[Corpus, bool], list[Output]]:
    def write(c: Corpus, controls: bool) -> list[Output]:
        store = c.store(controls)
        path = c.tmp / f"groups-{controls}{suffix}"
        export_template(store, "groups", path)
        if suffix == ".csv":
            problems = checks.csv_problems(path.read_text(encoding="utf-8-sig"))
        else:
            problems = checks.xlsx_problems(path)
        try:
            parsed = read(path, store=store)
        except TabularError as exc:
            return [Output(path.name, [*problems, f"does not import back: {exc}"[:500]])]
        names = {
            (q.subject.value, q.object.language): q.object.value
            for q in parsed.quads
            if q.predicate.value == SKOS + "prefLabel"
        }
        for key, text in _texts(controls).items():
            for language in ("sv", "en"):
                # The import trims a cell's surrounding whitespace (data/templates/README.md).
                if names.get((corpus.npo(key), language)) != text.strip():
                    problems.append(f"{key}@{language} reads back as {names.get((corpus.npo(key), language))!r:.100}")
        return [Output(path.name, problems), _decisions(c, controls, suffix)]

    return write


def _decisions(c: Corpus, controls: bool, suffix: str) -> Output:
    """IRIs written as cells that begin like formulas: no formula, and every cell reads back as written.

    Cell by cell (ksgraph's sheet reader), not through the mapping: such ids are no template's ids."""
    store = c.store(controls)
    path = c.tmp / f"decisions-{controls}{suffix}"
    export_template(store, "decisions", path)
    text = path.read_text(encoding="utf-8-sig") if suffix == ".csv" else ""
    problems = checks.csv_problems(text) if suffix == ".csv" else checks.xlsx_problems(path)
    template = templates()["decisions"]
    written = [*headings(template), *template_rows(store, template, NameIndex.from_store(store), ExportReport())]
    read_back = [cells for _, cells in read_sheets(path)[0].rows]
    hostile = [row for row in written if row[0] == corpus.DECISION.removeprefix(ID)]
    cells = " ".join(hostile[0]) if hostile else ""
    if not all(
        x.removeprefix(ID) in cells
        for x in [*corpus.FORMULA_ACTORS, corpus.FORMULA_SOURCE.removeprefix(ID + "source/")]
    ):
        problems.append(f"the hostile decision's row does not name its IRIs: {hostile!r:.300}")
    for n, (want, got) in enumerate(zip(written, read_back, strict=False), start=1):
        if [w.strip() for w in want] != got[: len(want)]:
            problems.append(f"row {n} reads back as {got!r:.200}, not {want!r:.200}")
    return Output(path.name, problems)


# -- RDF ------------------------------------------------------------------------------------


def _export(fmt: str) -> Callable[[Corpus, bool], list[Output]]:
    rdf_format = {**QUAD_FORMATS, **TRIPLE_FORMATS}[fmt]

    def write(c: Corpus, controls: bool) -> list[Output]:
        outputs = []
        store = c.store(controls)
        for graph in [corpus.GRAPH, *([corpus.CONTROLS_GRAPH] if controls else [])]:
            buffer = io.BytesIO()
            export(store, fmt, buffer, graph=graph)
            quads = {q for q in _graph_quads(controls) if q.graph_name.value == graph}
            if fmt not in QUAD_FORMATS:
                quads = {ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in quads}
            outputs.append(
                Output(
                    f"export --format {fmt} --graph {graph}", checks.rdf_problems(buffer.getvalue(), rdf_format, quads)
                )
            )
        return outputs

    return write


def _representation(media: str, rdf_format: ox.RdfFormat) -> Callable[[Corpus, bool], list[Output]]:
    def write(c: Corpus, controls: bool) -> list[Output]:
        from tests.publish_servers import uvicorn_server

        outputs = []
        app = create_app(c.settings(controls))
        with uvicorn_server(app) as base, httpx.Client(base_url=base, timeout=60) as client:
            for key in _texts(controls):
                iri = corpus.npo(key)
                said = {
                    ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
                    for q in _graph_quads(controls)
                    if q.subject.value == iri
                }
                response = client.get("/id/npo/hostile-" + key, headers={"Accept": media})
                problems = checks.rdf_problems(response.content, rdf_format, said, exact=False)
                outputs.append(Output(f"/id/npo/hostile-{key} as {media}", problems))
        return outputs

    return write


# -- SPARQL results ---------------------------------------------------------------------------


def _results(kind: str) -> Callable[[Corpus, bool], list[Output]]:
    def write(c: Corpus, controls: bool) -> list[Output]:
        outputs = []
        store = c.store(controls)
        for graph in [corpus.GRAPH, *([corpus.CONTROLS_GRAPH] if controls else [])]:
            answer = store.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
            assert isinstance(answer, ox.QuerySolutions)
            variables = [v.value for v in answer.variables]
            rows = [[solution[v] for v in variables] for solution in answer]
            data = write_solutions(variables, rows, kind)
            expected = {q.triple for q in _graph_quads(controls) if q.graph_name.value == graph}
            outputs.append(Output(f"SPARQL results {kind} of {graph}", checks.results_problems(data, kind, expected)))
        return outputs

    return write


# -- reports -----------------------------------------------------------------------------------


def _validation(fmt: str) -> Callable[[Corpus, bool], list[Output]]:
    def write(c: Corpus, controls: bool) -> list[Output]:
        report = c.reports[controls]
        shown = render(report, fmt, {})
        if fmt == "text":
            problems = checks.text_problems(shown, FORGED)
            labels = {r.focus_label for r in report.results}
            problems += [
                f"{k} is not shown" for k, t in _texts(controls).items() if t in labels and printable(t) not in shown
            ]
        elif fmt == "json":
            problems = checks.json_problems(shown)
            if not problems:
                carried = {r["focusLabel"] for r in json.loads(shown)["results"]}
                problems += [f"{k} is not carried" for k, t in _texts(controls).items() if t not in carried]
        elif fmt == "junit":
            problems = checks.junit_problems(shown)
        else:
            problems = checks.isomorphic_problems(shown.encode("utf-8"), ox.RdfFormat.TURTLE, report.graph)
        return [Output(f"validate --format {fmt}", problems)]

    return write


def _explain(fmt: str) -> Callable[[Corpus, bool], list[Output]]:
    def write(c: Corpus, controls: bool) -> list[Output]:
        outputs = []
        store = c.store(controls)
        goals = [
            (rdflib.URIRef(corpus.npo(k)), rdflib.URIRef(SKOS + "prefLabel"), rdflib.Literal(t, lang="sv"))
            for k, t in _texts(controls).items()
        ]
        goals += [
            (rdflib.URIRef(s), rdflib.URIRef(KS + "ultimatelyReportsTo"), rdflib.URIRef(corpus.SKS))
            for s in corpus.SUBJECTS
        ]
        # One prover for all goals: building it reads the whole store (≈1 s), which explain does per call.
        prover = Prover.from_store(store)
        for goal in goals:
            with mock.patch.object(Prover, "from_store", lambda *_, **__: prover):
                explanation = explain(store, goal)
            if fmt == "text":
                shown = render_text(explanation)
                problems = checks.text_problems(shown, FORGED)
                # A literal as N3, an IRI by its id path: either way every hidden character made visible.
                term = goal[2].n3() if isinstance(goal[2], rdflib.Literal) else str(goal[0]).removeprefix(ID)
                if printable(term) not in shown:
                    problems.append("the triple is not shown")
            else:
                problems = checks.json_problems(shown := explain_json(explanation))
                if not problems and json.loads(shown)["triple"]["o"]["value"] != str(goal[2]):
                    problems.append("the JSON does not carry the object exactly")
            if explanation.derivation is None:
                problems.append("no derivation")
            outputs.append(Output(f"explain {goal[0]} {goal[1]} …", problems))
        return outputs

    return write


WRITERS: list[Writer] = [
    Writer("HTML resource pages", _pages),
    Writer("the site's pages and structure picture", _site),
    Writer("SVG timeline (history --format svg)", _timeline_svgs),
    Writer("history text and JSON", _history_text),
    Writer("XLSX template", _template(".xlsx")),
    Writer("CSV template", _template(".csv")),
    *(Writer(f"export --format {f}", _export(f), controls=f != "rdfxml") for f in (*QUAD_FORMATS, *TRIPLE_FORMATS)),
    Writer("/id as Turtle", _representation("text/turtle", ox.RdfFormat.TURTLE)),
    Writer("/id as JSON-LD", _representation("application/ld+json", ox.RdfFormat.JSON_LD)),
    Writer("/id as N-Triples", _representation("application/n-triples", ox.RdfFormat.N_TRIPLES)),
    Writer("/id as RDF/XML", _representation("application/rdf+xml", ox.RdfFormat.RDF_XML), controls=False),
    *(Writer(f"SPARQL results {k}", _results(k), controls=k != "xml") for k in ("json", "xml", "csv", "tsv")),
    *(Writer(f"validate --format {f}", _validation(f)) for f in ("text", "json", "turtle", "junit")),
    Writer("explain text", _explain("text")),
    Writer("explain JSON", _explain("json")),
]
