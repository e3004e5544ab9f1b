"""Hostile input (issue 9): runaway queries, path traversal, documents that try to reach out or blow up, oversize.

Every file given to ``ksgraph import``, ``ksgraph build`` or a Graph Store upload is parsed locally:
a remote JSON-LD context, an ``owl:imports`` or an external XML entity pointing at a 127.0.0.1
listener must never open a connection to it, and XML entities must never expand a small file into
a huge one (pyoxigraph 0.5.13 expands "billion laughs" into a 3 GB literal, see ksgraph.rdfio.load).
"""

from __future__ import annotations

import http.client
import os
import re
import resource
import shutil
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pyoxigraph as ox
import pytest

from ksgraph.core.settings import Settings
from ksgraph.core.vocab import data_graph
from ksgraph.http.launch import Running, running_server
from ksgraph.rdfio.load import MAX_ENTITY_EXPANSION
from ksgraph.store.versions import GraphStore
from tests.changes.test_import import dump
from tests.conftest import ROOT, Listener, run_cli

TIMEOUT = 2.0  # the query timeout of the servers in this module
TOKEN = "security-input-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
UPLOAD_LIMIT = 100_000
NPO = "https://w3id.org/ksgraph/id/npo/aldres-halsa"
SECRET = "KSGRAPH-TRAVERSAL-SECRET-5f1c"
RDF_XML_HEAD = '<?xml version="1.0"?>\n'
RDF_XML_ROOT = (
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    'xmlns:skos="http://www.w3.org/2004/02/skos/core#">\n'
    '<rdf:Description rdf:about="{about}"><skos:altLabel xml:lang="sv">{label}</skos:altLabel></rdf:Description>\n'
    "</rdf:RDF>\n"
)


def rdf_xml(doctype: str, label: str, about: str = NPO) -> str:
    return RDF_XML_HEAD + doctype + "\n" + RDF_XML_ROOT.format(about=about, label=label)


def billion_laughs(levels: int = 7) -> str:
    """Each entity is ten of the one before: ``&lol7;`` is 3 × 10^7 characters from a 1 KB file."""
    entities = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels + 1)]
    return rdf_xml("<!DOCTYPE rdf:RDF [\n" + "\n".join(entities) + "\n]>", f"&lol{levels};")


def quadratic_blowup() -> str:
    """One plain entity, referenced often enough to pass the expansion limit without any nesting."""
    size = 100_000
    count = MAX_ENTITY_EXPANSION // size + 1
    return rdf_xml(f'<!DOCTYPE rdf:RDF [ <!ENTITY big "{"a" * size}"> ]>', "&big;" * count)


def longest_literal(lines: list[str]) -> int:
    longest = 0
    for line in lines:
        if '"' in line:
            longest = max(longest, len(line.split('"', 1)[1].rsplit('"', 1)[0]))
    return longest


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory, built_settings: Settings) -> Path:
    """A project root with the real named queries, and a secret named query one level above them."""
    root = tmp_path_factory.mktemp("home")
    shutil.copytree(built_settings.queries_dir, root / "queries")
    # Were a name ever joined to the queries directory, /queries/..%2Fsecret would run this file.
    (root / "secret.rq").write_text(f'# question: secret?\nSELECT ("{SECRET}" AS ?x) {{}}\n', encoding="utf-8")
    (root / "secret.txt").write_text(SECRET + "\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, built_settings: Settings, home: Path) -> Iterator[Running]:
    env = {"KSGRAPH_QUERY_TIMEOUT": str(TIMEOUT), "KSGRAPH_WORKERS": "2", "KSGRAPH_HOME": str(home)}
    log = tmp_path_factory.mktemp("input-logs") / "server.log"
    with running_server(built_settings.store_dir, log, env) as running:
        yield running


@pytest.fixture(scope="module")
def writable(tmp_path_factory: pytest.TempPathFactory, built_settings: Settings) -> Iterator[tuple[Running, Path]]:
    store = tmp_path_factory.mktemp("input-writable") / ".ksgraph"
    shutil.copytree(built_settings.store_dir, store)
    env = {"KSGRAPH_WRITE_TOKEN": TOKEN, "KSGRAPH_MAX_UPLOAD_BYTES": str(UPLOAD_LIMIT)}
    log = tmp_path_factory.mktemp("input-writable-logs") / "server.log"
    with running_server(store, log, env) as running:
        yield running, store


def no_connection(listener: Listener) -> None:
    # Everything that could have connected has answered: close() counts the backlog too.
    assert listener.close() == 0, "something fetched the 127.0.0.1 listener"


def post_query(server: Running, query: str) -> httpx.Response:
    # The client's 60 s only bounds a hang (a query the timeout failed to stop); no test times an answer.
    return httpx.post(
        server.sparql, content=query.encode(), headers={"Content-Type": "application/sparql-query"}, timeout=60
    )


def alive(server: Running) -> None:
    response = post_query(server, "ASK {}")
    assert response.status_code == 200 and response.json()["boolean"] is True


def raw_get(server: Running, path: str) -> tuple[int, bytes]:
    """GET with the path sent byte for byte (httpx would resolve ``..`` before sending)."""
    host, port = server.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


# -- queries that run away ----------------------------------------------------------------

LONG = "a" * 30_000 + "!"
RUNAWAY = {
    # Rust's regex engine is linear, so this one may well answer at once; it must never hang.
    "nested-quantifier regex over a long string": (
        f'SELECT * WHERE {{ BIND("{LONG}" AS ?x) FILTER(REGEX(?x, "(a+)+$")) }}'
    ),
    "alternation regex over a long string": f'ASK {{ BIND("{LONG}" AS ?x) FILTER(REGEX(?x, "^(a|aa)+$")) }}',
    "regex over the cross product of all literals": (
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?x . ?c ?d ?y . FILTER(isLiteral(?x) && isLiteral(?y) "
        '&& REGEX(CONCAT(STR(?x), STR(?y)), "(a+)+$")) }'
    ),
    "three-way cross product": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "sorted cross product": "SELECT ?a ?d WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY DESC(STR(?c)) STR(?f) LIMIT 1",
    "unbounded property path": "SELECT (COUNT(*) AS ?n) WHERE { ?a (<urn:x:p>|!<urn:x:q>)* ?b . ?c ?d ?e }",
}


@pytest.mark.parametrize("query", RUNAWAY.values(), ids=RUNAWAY.keys())
def test_runaway_queries_are_stopped_by_the_timeout(server: Running, query: str) -> None:
    response = post_query(server, query)
    assert response.status_code in (200, 503), response.text
    if response.status_code == 503:
        assert "stopped" in response.text and f"{TIMEOUT:g} s" in response.text
    alive(server)


def test_the_cross_products_really_run_away(server: Running) -> None:
    """Without this the test above could pass on queries that are simply fast."""
    for name in ("regex over the cross product of all literals", "three-way cross product"):
        response = post_query(server, RUNAWAY[name])
        assert response.status_code == 503, (name, response.text)


def test_more_runaway_queries_than_workers_all_end_within_the_bound(server: Running) -> None:
    query = RUNAWAY["three-way cross product"]
    answers: list[httpx.Response] = []

    def one() -> None:
        answers.append(post_query(server, query))

    threads = [threading.Thread(target=one) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Each is stopped by the timeout, running or waiting for a worker (the wait counts against
    # it), and says which; none hangs (post_query's client timeout) and the server lives on.
    assert [a.status_code for a in answers] == [503] * 5
    assert all("was stopped" in a.text or "stayed busy" in a.text for a in answers), [a.text for a in answers]
    alive(server)


# -- path traversal -----------------------------------------------------------------------

TRAVERSALS = [
    "/queries/..%2Fsecret",
    "/queries/..%2F..%2F..%2F..%2Fetc%2Fpasswd",
    "/queries/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/queries/..%252Fsecret",
    "/queries/..%5csecret",
    "/queries/../secret",
    "/queries/../../../../etc/passwd",
    "/queries/%2E%2E",
    "/queries/secret%00",
    "/queries/npo-hosts/..%2F..%2Fsecret",
    "/id/../../../../etc/passwd",
    "/id/..%2F..%2F..%2F..%2Fetc%2Fpasswd",
    "/id/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/id/npo/..%2F..%2F..%2Fsecret.txt",
    "/static/../../../../etc/passwd",
    "/static/..%2F..%2Fsettings.py",
    "/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/pyproject.toml",
    "/static/vendor/..%2f..%2f..%2fsettings.py",
    "/ontology/..%2F..%2F..%2Fpyproject.toml",
    "/ontology/../../etc/passwd",
    "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "//etc/passwd",
]
# What any of those files would show: /etc/passwd, the project's pyproject.toml, the server's own
# source next to its static files, and the planted secret beside the named queries.
FILE_MARKERS = [b"root:x:0:0", b"[build-system]", b"class Settings", SECRET.encode()]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_path_traversal_never_serves_a_file(server: Running, path: str) -> None:
    status, body = raw_get(server, path)
    assert status in (400, 404), (path, status, body[:200])
    for marker in FILE_MARKERS:
        assert marker not in body, (path, marker)


def test_the_traversal_targets_exist(server: Running, home: Path) -> None:
    """The markers are really in the files the paths above aim at, so their absence means something."""
    assert SECRET in (home / "secret.txt").read_text(encoding="utf-8")
    assert "class Settings:" in (ROOT / "src/ksgraph/core/settings.py").read_text(encoding="utf-8")
    assert raw_get(server, "/queries/npo-hosts?as_of=all")[0] == 200  # the route itself works


# -- documents that try to reach the network ----------------------------------------------


def remote_context(port: int) -> str:
    return (
        f'{{"@context": "http://127.0.0.1:{port}/context.jsonld", "@id": "{NPO}", '
        '"altLabel": {"@value": "remote context", "@language": "sv"}}'
    )


def owl_imports(port: int) -> str:
    return (
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        f"<https://w3id.org/ksgraph/id/dataset/extension> a owl:Ontology ;\n"
        f"    owl:imports <http://127.0.0.1:{port}/ontology.ttl> .\n"
        f'<{NPO}> skos:altLabel "Äldre (imports test)"@sv .\n'
    )


def external_entity(target: str) -> str:
    return rdf_xml(f'<!DOCTYPE rdf:RDF [ <!ENTITY xxe SYSTEM "{target}"> ]>', "&xxe;")


def external_dtd(port: int) -> str:
    return rdf_xml(f'<!DOCTYPE rdf:RDF SYSTEM "http://127.0.0.1:{port}/evil.dtd">', "external DTD")


def parameter_entity(port: int) -> str:
    return rdf_xml(f'<!DOCTYPE rdf:RDF [ <!ENTITY % dtd SYSTEM "http://127.0.0.1:{port}/evil.dtd"> %dtd; ]>', "x")


def test_import_never_fetches_a_remote_jsonld_context(
    scratch_settings: Settings, tmp_path: Path, listener: Listener
) -> None:
    before = dump(scratch_settings)
    path = tmp_path / "remote.jsonld"
    path.write_text(remote_context(listener.port), encoding="utf-8")
    done = run_cli("import", str(path), store=scratch_settings.store_dir)
    assert done.returncode == 2, done.stderr
    assert "remote JSON-LD @context is never fetched" in done.stderr and "nothing was imported" in done.stderr
    assert dump(scratch_settings) == before
    no_connection(listener)


def test_import_never_follows_owl_imports(scratch_settings: Settings, tmp_path: Path, listener: Listener) -> None:
    """The file imports (validation and reasoning run over it); the import is kept as data, never fetched."""
    path = tmp_path / "extension.ttl"
    path.write_text(owl_imports(listener.port), encoding="utf-8")
    done = run_cli("import", str(path), store=scratch_settings.store_dir)
    assert done.returncode == 0, done.stderr
    after = dump(scratch_settings)
    assert any(f"<http://127.0.0.1:{listener.port}/ontology.ttl>" in line for line in after)
    no_connection(listener)


@pytest.mark.parametrize("kind", ["local file", "listener", "external DTD", "parameter entity"])
def test_import_never_reads_an_external_xml_entity(
    scratch_settings: Settings, tmp_path: Path, listener: Listener, kind: str
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    text = {
        "local file": external_entity(secret.as_uri()),
        "listener": external_entity(f"http://127.0.0.1:{listener.port}/secret"),
        "external DTD": external_dtd(listener.port),
        "parameter entity": parameter_entity(listener.port),
    }[kind]
    path = tmp_path / "entity.rdf"
    path.write_text(text, encoding="utf-8")
    before = dump(scratch_settings)
    done = run_cli("import", str(path), store=scratch_settings.store_dir)
    after = dump(scratch_settings)
    # An external DTD may be ignored (nothing is read from it); an entity must be refused.
    if kind == "external DTD":
        assert done.returncode == 0, done.stderr
    else:
        assert done.returncode == 2, done.stderr
        assert "entity" in done.stderr and "nothing was imported" in done.stderr
        assert after == before
    assert not any(SECRET in line for line in after)
    assert SECRET not in done.stdout + done.stderr
    no_connection(listener)


# -- documents that blow up ---------------------------------------------------------------


@pytest.mark.parametrize("bomb", [billion_laughs, quadratic_blowup], ids=["billion laughs", "quadratic blowup"])
def test_import_refuses_xml_entity_bombs_quickly(scratch_settings: Settings, tmp_path: Path, bomb: object) -> None:
    path = tmp_path / "bomb.rdf"
    path.write_text(bomb(), encoding="utf-8")  # type: ignore[operator]
    before = dump(scratch_settings)
    # Refused before expanding: the small limit on the literal below shows nothing grew (no timing).
    done = run_cli("import", str(path), store=scratch_settings.store_dir, timeout=120)
    assert done.returncode == 2, done.stderr
    assert "XML entit" in done.stderr and "nothing was imported" in done.stderr
    after = dump(scratch_settings)
    assert after == before
    assert longest_literal(after) < 100_000


def test_plain_internal_entities_still_import(scratch_settings: Settings, tmp_path: Path) -> None:
    """OWL files abbreviate namespaces with entities; the bomb check must not refuse those."""
    doctype = '<!DOCTYPE rdf:RDF [ <!ENTITY npo "https://w3id.org/ksgraph/id/npo/"> ]>'
    path = tmp_path / "entities.rdf"
    path.write_text(rdf_xml(doctype, "Äldre (entity test)", about="&npo;aldres-halsa"), encoding="utf-8")
    done = run_cli("import", str(path), store=scratch_settings.store_dir)
    assert done.returncode == 0, done.stderr
    expected = (
        f'<{NPO}> <http://www.w3.org/2004/02/skos/core#altLabel> "Äldre (entity test)"@sv <{data_graph("entities")}> .'
    )
    assert expected in dump(scratch_settings)


def test_a_spreadsheet_with_an_xml_entity_bomb_is_refused(scratch_settings: Settings, tmp_path: Path) -> None:
    """An XLSX file is zipped XML: openpyxl parses it with xml.etree, whose expat (2.4 or later)
    stops entity amplification; ksgraph itself does not check (tabular/ is not guarded here)."""
    template = tmp_path / "groups.xlsx"
    done = run_cli("export", "--template", "groups", "--output", str(template), store=scratch_settings.store_dir)
    assert done.returncode == 0, done.stderr
    bomb = tmp_path / "bomb.xlsx"
    entities = "\n".join(
        ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    )
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/sheet"):
                text = data.decode("utf-8")
                text = f"<!DOCTYPE worksheet [ {entities} ]>" + text.split("?>", 1)[-1]
                text = re.sub(r"<v>[^<]*</v>|<t>[^<]*</t>", "<t>&lol9;</t>", text, count=1)
                data = text.encode("utf-8")
            target.writestr(item, data)
    before = dump(scratch_settings)
    done = run_cli("import", str(bomb), store=scratch_settings.store_dir, timeout=120)
    assert done.returncode != 0 and "nothing was changed" in done.stderr, done.stderr
    assert dump(scratch_settings) == before


# -- the same through `ksgraph build` ------------------------------------------------------


def project_copy(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    for part in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(ROOT / part, home / part)
    return home


def test_build_refuses_hostile_data_files_and_changes_nothing(
    scratch_settings: Settings, tmp_path: Path, listener: Listener
) -> None:
    before = dump(scratch_settings)
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    hostile = {
        "remote-context.jsonld": remote_context(listener.port),
        "laughs.rdf": billion_laughs(),
        "xxe.rdf": external_entity(secret.as_uri()),
        "xxe-http.rdf": external_entity(f"http://127.0.0.1:{listener.port}/secret"),
    }
    for name, text in hostile.items():
        home = project_copy(tmp_path / name)
        (home / "data" / name).write_text(text, encoding="utf-8")
        done = run_cli("build", store=scratch_settings.store_dir, env={"KSGRAPH_HOME": str(home)}, timeout=120)
        assert done.returncode == 2, (name, done.stderr)
        assert name in done.stderr and "nothing was changed" in done.stderr, done.stderr
        assert SECRET not in done.stderr
    assert dump(scratch_settings) == before
    no_connection(listener)


def test_build_never_follows_owl_imports_in_the_ontology(tmp_path: Path, listener: Listener) -> None:
    home = project_copy(tmp_path)
    (home / "ontology" / "zz-imports.ttl").write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        f"<https://w3id.org/ksgraph/ontology> owl:imports <http://127.0.0.1:{listener.port}/other.ttl> .\n",
        encoding="utf-8",
    )
    store = tmp_path / ".ksgraph"
    done = run_cli("build", store=store, env={"KSGRAPH_HOME": str(home)}, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "inferred" in done.stderr  # reasoning ran over the ontology that names the import
    no_connection(listener)


# -- the same through the Graph Store Protocol --------------------------------------------


def put(server: Running, body: bytes | Iterator[bytes], media: str, method: str = "PUT") -> httpx.Response:
    return httpx.request(
        method,
        f"{server.url}/rdf-graphs",
        params={"graph": data_graph("security-upload")},
        content=body,
        headers={**AUTH, "Content-Type": media},
        timeout=120,
    )


def current(store: Path) -> str:
    version = GraphStore(store).current()
    assert version is not None
    return version.name


def test_graph_store_upload_refuses_what_reaches_out_or_blows_up(
    writable: tuple[Running, Path], tmp_path: Path, listener: Listener
) -> None:
    server, store = writable
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    before = current(store)
    refused = {
        "remote context": (remote_context(listener.port), "application/ld+json"),
        "billion laughs": (billion_laughs(), "application/rdf+xml"),
        "file entity": (external_entity(secret.as_uri()), "application/rdf+xml"),
        "http entity": (external_entity(f"http://127.0.0.1:{listener.port}/x"), "application/rdf+xml"),
        "parameter entity": (parameter_entity(listener.port), "application/rdf+xml"),
    }
    for name, (text, media) in refused.items():
        response = put(server, text.encode(), media)
        assert response.status_code == 400, (name, response.status_code, response.text)
        assert SECRET not in response.text
    assert current(store) == before
    secrets = httpx.post(
        server.sparql,
        content=f'ASK {{ ?s ?p ?o FILTER(CONTAINS(STR(?o), "{SECRET}") || STRLEN(STR(?o)) > 100000) }}'.encode(),
        headers={"Content-Type": "application/sparql-query"},
        timeout=60,
    )
    assert secrets.json()["boolean"] is False
    no_connection(listener)
    assert server.process.poll() is None


def test_graph_store_upload_never_follows_owl_imports(writable: tuple[Running, Path], listener: Listener) -> None:
    """Validated and reasoned like any write, and published; the imported address is never contacted."""
    server, store = writable
    before = current(store)
    response = put(server, owl_imports(listener.port).encode(), "text/turtle")
    assert response.status_code == 204, response.text
    assert current(store) > before
    no_connection(listener)


# -- too large ------------------------------------------------------------------------------


def chunks(total: int, size: int = 8192) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        yield b"#" * min(size, total - sent) + b"\n"
        sent += size + 1


@pytest.mark.parametrize("method", ["PUT", "POST"])
@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_oversized_graph_store_upload_is_413(writable: tuple[Running, Path], method: str, declared: bool) -> None:
    server, store = writable
    before = current(store)
    body: bytes | Iterator[bytes] = b"#" * (UPLOAD_LIMIT * 2) if declared else chunks(UPLOAD_LIMIT * 20)
    response = put(server, body, "text/turtle", method)
    assert response.status_code == 413, response.text
    assert f"{UPLOAD_LIMIT}" in response.text
    if not declared:
        assert response.request.headers.get("transfer-encoding") == "chunked"
    assert current(store) == before


def test_oversized_update_is_413(writable: tuple[Running, Path]) -> None:
    server, store = writable
    before = current(store)
    response = httpx.post(
        f"{server.url}/update",
        content=chunks(200_000),
        headers={**AUTH, "Content-Type": "application/sparql-update"},
        timeout=60,
    )
    assert response.status_code == 413
    assert current(store) == before


def test_an_oversized_request_line_is_refused_and_the_server_lives(server: Running) -> None:
    status, _ = raw_get(server, "/sparql?query=" + quote("ASK {}" + " " * 2_000_000))
    assert status in (400, 413, 414, 431)
    alive(server)


def test_import_refuses_a_file_over_the_size_limit(scratch_settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "big.ttl"
    path.write_text(f'<{NPO}> <http://www.w3.org/2004/02/skos/core#altLabel> "{"x" * 5000}"@sv .\n', encoding="utf-8")
    before = dump(scratch_settings)
    done = run_cli("import", str(path), store=scratch_settings.store_dir, env={"KSGRAPH_MAX_FILE_BYTES": "4096"})
    assert done.returncode == 2, done.stderr
    assert "larger than the 4096 bytes" in done.stderr and "KSGRAPH_MAX_FILE_BYTES" in done.stderr
    assert dump(scratch_settings) == before


def _cap_memory() -> None:
    # Without the read limit, reading /dev/zero would take the machine's memory; 4 GiB ends it sooner.
    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))


def test_import_of_an_endless_file_stops_at_the_default_limit(scratch_settings: Settings, tmp_path: Path) -> None:
    endless = tmp_path / "endless.ttl"
    endless.symlink_to("/dev/zero")
    env = {k: v for k, v in os.environ.items() if k != "KSGRAPH_MAX_FILE_BYTES"}
    done = subprocess.run(
        [sys.executable, "-m", "ksgraph.cli", "import", str(endless), "--store", str(scratch_settings.store_dir)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=ROOT,
        preexec_fn=_cap_memory,
    )
    assert done.returncode == 2, done.stderr[-2000:]
    assert "larger than the" in done.stderr and "Traceback" not in done.stderr


def test_rdf_xml_entity_expansion_is_what_pyoxigraph_does_unguarded() -> None:
    """The hazard the guard exists for, measured small: pyoxigraph expands nested entities itself."""
    triples = list(ox.parse(billion_laughs(levels=4).encode(), format=ox.RdfFormat.RDF_XML))
    assert len(triples[0].object.value) == 3 * 10**4
