"""A versioned release: every serialisation other stores and people need, with checksums.

``<dir>/<version>/`` holds

- ``ksgraph.nq``, ``ksgraph.trig``: every named graph (ontology, data, inferred, provenance);
- ``ksgraph.jsonld``: the same quads as JSON-LD, compacted with ``context.jsonld``;
- ``graphs/<name>.ttl``: one Turtle file per named graph;
- ``ontology/``, ``shapes/``: the ontology and the SHACL shapes as in the checkout;
- ``void.ttl``: the DCAT/VoID description, listing every other file with its SHA-256;
- ``SHA256SUMS``: ``sha256sum -c`` format, over every file including ``void.ttl``.

A release is written beside its target and renamed into place, so a reader never sees half
of one, and an existing version is never overwritten: a release is immutable.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ksgraph import __version__
from ksgraph.core.settings import Settings
from ksgraph.core.vocab import GRAPH_BASE, PREFIXES
from ksgraph.publish.facts import DatasetFacts, collect_facts
from ksgraph.publish.void import Distribution, describe
from ksgraph.rdfio.formats import compact_json_ld, json_ld_context
from ksgraph.rdfio.load import sha256
from ksgraph.store.dataset import graph_names
from ksgraph.store.versions import GraphStore, named_quads

RELEASE_BASE = "https://w3id.org/ksgraph/release/"
MEDIA_TYPES = {
    ".nq": "application/n-quads",
    ".trig": "application/trig",
    ".ttl": "text/turtle",
    ".jsonld": "application/ld+json",
}


class ReleaseError(RuntimeError):
    """A release that cannot be written as asked."""


@dataclass(frozen=True)
class Release:
    path: Path
    version: str
    files: dict[str, str]  # relative path → sha256
    facts: DatasetFacts


def graph_file_name(graph: str) -> str:
    """``…/graph/data/national`` → ``data-national.ttl``."""
    local = graph[len(GRAPH_BASE) :] if graph.startswith(GRAPH_BASE) else graph.rsplit("/", 1)[-1]
    return local.strip("/").replace("/", "-") + ".ttl"


def write_release(settings: Settings, target_dir: Path, version: str = __version__) -> Release:
    """Write the release of the store's published version into ``target_dir/<version>/``."""
    if not version or "/" in version or version.startswith("."):
        raise ReleaseError(f"bad release version {version!r}")
    final = Path(target_dir) / version
    if final.exists():
        raise ReleaseError(f"{final} exists; a release is never overwritten (choose another version)")
    store = GraphStore(settings.store_dir).open_read()
    work = Path(target_dir) / f".{version}.partial-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        facts = _write_files(store, settings, work)
        files = _checksummed(work, version, facts, settings)
        os.replace(work, final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return Release(final, version, files, facts)


def _write_files(store: ox.Store, settings: Settings, work: Path) -> DatasetFacts:
    quads = sorted(
        named_quads(store), key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object))
    )
    ox.serialize(quads, output=str(work / "ksgraph.nq"), format=ox.RdfFormat.N_QUADS)
    ox.serialize(quads, output=str(work / "ksgraph.trig"), format=ox.RdfFormat.TRIG, prefixes=PREFIXES)
    (work / "ksgraph.jsonld").write_bytes(compact_json_ld(quads))
    (work / "graphs").mkdir()
    for graph in graph_names(store):
        triples = [q.triple for q in quads if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value == graph]
        ox.serialize(
            triples,
            output=str(work / "graphs" / graph_file_name(graph)),
            format=ox.RdfFormat.TURTLE,
            prefixes=PREFIXES,
        )
    for part, directory in (("ontology", settings.ontology_dir), ("shapes", settings.shapes_dir)):
        files = sorted(directory.glob("*.ttl")) if directory.is_dir() else []
        if files:
            (work / part).mkdir()
            for path in files:
                shutil.copyfile(path, work / part / path.name)
    (work / "context.jsonld").write_text(
        json.dumps({"@context": json_ld_context()}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )

    def raw(sparql: str) -> ox.QuerySolutions:
        result = store.query(sparql, prefixes=PREFIXES)
        if not isinstance(result, ox.QuerySolutions):
            raise TypeError("expected a SELECT query")
        return result

    return collect_facts(raw)


def _checksummed(work: Path, version: str, facts: DatasetFacts, settings: Settings) -> dict[str, str]:
    """Checksum every file, describe them in ``void.ttl``, then write ``SHA256SUMS`` over all."""
    sums = {p.relative_to(work).as_posix(): sha256(p) for p in sorted(work.rglob("*")) if p.is_file()}
    distributions = [
        Distribution(
            url=f"{RELEASE_BASE}{version}/{name}",
            media_type=MEDIA_TYPES.get(Path(name).suffix, "application/octet-stream"),
            sha256=digest,
            title=name,
        )
        for name, digest in sums.items()
    ]
    endpoint = settings.sparql_endpoint or (settings.public_base + "/sparql" if settings.public_base else None)
    void_triples = describe(facts, version=version, sparql_endpoint=endpoint, distributions=distributions)
    ox.serialize(void_triples, output=str(work / "void.ttl"), format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    sums["void.ttl"] = sha256(work / "void.ttl")
    lines = "".join(f"{digest}  {name}\n" for name, digest in sorted(sums.items()))
    (work / "SHA256SUMS").write_text(lines, encoding="utf-8")
    return dict(sorted(sums.items()))


RDF_FORMATS = {
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".ttl": ox.RdfFormat.TURTLE,
    ".jsonld": ox.RdfFormat.JSON_LD,
}


def verify_release(path: Path) -> list[str]:
    """What is wrong with the release at ``path``: files whose checksum differs from
    ``SHA256SUMS``, files missing from it or from the directory, RDF files that do not parse,
    JSON that does not load. Empty if the release is whole."""
    problems: list[str] = []
    sums_file = path / "SHA256SUMS"
    if not sums_file.is_file():
        return [f"{sums_file} is missing"]
    listed: dict[str, str] = {}
    for number, line in enumerate(sums_file.read_text(encoding="utf-8").splitlines(), start=1):
        digest, sep, name = line.partition("  ")
        if not sep or len(digest) != 64:
            problems.append(f"SHA256SUMS line {number} is malformed: {line!r}")
            continue
        listed[name] = digest
    present = {p.relative_to(path).as_posix() for p in path.rglob("*") if p.is_file()} - {"SHA256SUMS"}
    problems += [f"{name} is listed in SHA256SUMS but missing" for name in sorted(set(listed) - present)]
    problems += [f"{name} is not listed in SHA256SUMS" for name in sorted(present - set(listed))]
    for name in sorted(set(listed) & present):
        file = path / name
        if sha256(file) != listed[name]:
            problems.append(f"{name}: checksum does not match SHA256SUMS")
        fmt = RDF_FORMATS.get(file.suffix)
        try:
            if name == "context.jsonld":
                json.loads(file.read_text(encoding="utf-8"))
            elif fmt is not None:
                for _ in ox.parse(path=str(file), format=fmt):
                    pass
        except (SyntaxError, ValueError) as exc:
            problems.append(f"{name} does not parse: {exc}")
    return problems
