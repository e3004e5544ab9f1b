"""Faults (issue 9): a writer killed mid-write, readers during a commit, a full disk, the restart after.

The store's promise (ksgraph.store.versions): a write publishes a whole new version or nothing; readers see
one version or the next, never a mix; what a killed or failed writer leaves is ignored by readers
and removed by the next writer, so nothing ever needs repair.
"""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from ksgraph.core.settings import Settings
from ksgraph.core.vocab import INFERRED_GRAPH, PROVENANCE_GRAPH, data_graph
from ksgraph.http.launch import Running, running_server
from ksgraph.store.versions import GraphStore
from tests.changes.test_import import PREFIXES, dump, provenance_runs, written_bytes
from tests.conftest import ROOT, kill_when, require, run_cli, wait_until

COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
TOKEN = "faults-token"


def bulk_file(tmp_path: Path, n: int, label_padding: int = 0) -> Path:
    """``n`` valid knowledge supports (3 triples each) in one Turtle file."""
    lines = [PREFIXES]
    pad = " " + "x" * label_padding if label_padding else ""
    for i in range(n):
        lines.append(
            f"<https://w3id.org/ksgraph/id/knowledge-support/fault-{i}> a ks:KnowledgeSupport ;\n"
            f'    skos:prefLabel "Kunskapsstöd {i}{pad}"@sv ;\n'
            "    dcterms:source <https://w3id.org/ksgraph/id/source/003/28-vardforlopp-i-olika-faser> .\n"
        )
    path = tmp_path / "faults.ttl"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def ksgraph(*args: str, store: Path, preexec_fn: Callable[[], None] | None = None) -> subprocess.Popen[str]:
    env = {**os.environ, "KSGRAPH_STORE": str(store)}
    return subprocess.Popen(
        [sys.executable, "-m", "ksgraph.cli", *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=preexec_fn,
    )


def version_names(store: Path) -> list[str]:
    versions = store / "versions"
    return sorted(p.name for p in versions.iterdir()) if versions.is_dir() else []


def current_name(store: Path) -> str:
    version = GraphStore(store).current()
    assert version is not None
    return version.name


def kill_mid_write(process: subprocess.Popen[str], store: Path, written: int) -> bool:
    """SIGKILL ``process`` once its new version holds ``written`` bytes of its own (or when it ends).

    True when the kill landed while the write was under way: the process was still running and
    its unpublished version existed. Kill points are conditions on the store, never delays, so
    they fall inside the write however long the interpreter takes to start or the machine is loaded.
    """
    published = current_name(store)

    running = kill_when(process, lambda: written_bytes(store, published) >= written)
    return running and any(name > published for name in version_names(store))


def split(lines: list[str]) -> tuple[list[str], list[str], list[str]]:
    """A dump's inferred, provenance and other named-graph quads (the materialised default graph apart).

    The default graph follows the inferred graph (ksgraph.store.versions), so it is left to
    :func:`default_triples`: comparing it with "other" would see every reasoning as a change.
    """
    named = [line for line, quad in zip(lines, _parsed(lines), strict=True) if quad.graph_name != ox.DefaultGraph()]
    inferred = [line for line in named if line.endswith(f"<{INFERRED_GRAPH}> .")]
    provenance = [line for line in named if line.endswith(f"<{PROVENANCE_GRAPH}> .")]
    other = [line for line in named if line not in set(inferred) | set(provenance)]
    return inferred, provenance, other


def default_triples(lines: list[str]) -> set[ox.Triple]:
    return {quad.triple for quad in _parsed(lines) if quad.graph_name == ox.DefaultGraph()}


def _parsed(lines: list[str]) -> list[ox.Quad]:
    return list(ox.parse("\n".join(lines).encode("utf-8"), format=ox.RdfFormat.N_QUADS))


STALE = ox.Quad(
    ox.NamedNode("https://w3id.org/ksgraph/id/fault/stale"),
    ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
    ox.NamedNode("https://w3id.org/ksgraph/ontology#Stale"),
    ox.NamedNode(INFERRED_GRAPH),
)


def stale_inferred(store: Path) -> None:
    """Make `ksgraph reason` change something: the inferred graph is replaced by one stale triple.

    Before (the stale triple) and after (the full closure) then differ from every state in
    between, such as an emptied inferred graph, so a half-done rewrite cannot pass for either.
    """
    with GraphStore(store).write() as writable:
        writable.remove_graph(ox.NamedNode(INFERRED_GRAPH))
        writable.add(STALE)


# -- SIGKILL --------------------------------------------------------------------------------


def test_sigkill_during_reason_leaves_before_or_after(scratch_settings: Settings) -> None:
    store = scratch_settings.store_dir
    full_inferred, _, _ = split(dump(scratch_settings))
    assert len(full_inferred) > 500
    stale_inferred(store)
    before = dump(scratch_settings)
    outcomes: list[str] = []
    # Kill points through the write: as the version appears, then as it grows (its own bytes).
    for written in (0, 1, 100_000, 300_000, 600_000, 1_000_000, 2_000_000, 4_000_000):
        killed_mid_write = kill_mid_write(ksgraph("reason", store=store), store, written)
        now = dump(scratch_settings)
        if now == before:
            outcomes.append("before" if killed_mid_write else "before (not mid-write)")
            continue
        # Only the whole closure may have landed: every inferred triple, one provenance record.
        inferred, provenance, other = split(now)
        _, provenance_before, other_before = split(before)
        assert inferred == full_inferred
        assert other == other_before
        assert provenance_runs(provenance) == provenance_runs(provenance_before) + 1
        # ... and the default graph that answers queries holds that closure too.
        assert {quad.triple for quad in _parsed(inferred)} <= default_triples(now)
        assert STALE.triple not in default_triples(now)
        outcomes.append("after")
        stale_inferred(store)
        before = dump(scratch_settings)
    assert "before" in outcomes, f"no kill landed inside a write: {outcomes}"
    # The next writer needs no repair and clears what the killed ones left.
    done = run_cli("reason", store=store)
    assert done.returncode == 0, done.stderr
    assert split(dump(scratch_settings))[0] == full_inferred
    assert all(name <= current_name(store) for name in version_names(store))


def test_restart_after_a_killed_import_needs_no_repair(scratch_settings: Settings, tmp_path: Path) -> None:
    store = scratch_settings.store_dir
    big = bulk_file(tmp_path, 6000)
    before = dump(scratch_settings)
    published = current_name(store)
    for written in (0, 100_000, 1):
        if (
            kill_mid_write(ksgraph("import", str(big), store=store), store, written)
            and current_name(store) == published
        ):
            break
    else:
        pytest.fail("no kill left an unpublished version behind; the test proved nothing")
    leftovers = [name for name in version_names(store) if name > published]
    assert leftovers, "the killed import left no unpublished version"
    # A writer killed between staging CURRENT and renaming it leaves this file as well.
    staged = store / "CURRENT.999999.tmp"
    staged.write_text(leftovers[0] + "\n", encoding="utf-8")
    assert dump(scratch_settings) == before

    # Readers ignore the leftovers ...
    stats = run_cli("stats", "--format", "json", store=store)
    assert stats.returncode == 0, stats.stderr
    query = run_cli("query", "npo-hosts", "--format", "csv", "--as-of", "all", store=store)
    assert query.returncode == 0 and query.stdout.count("\n") == 27, query.stderr
    # ... and the next writer clears them and publishes.
    done = run_cli("import", str(big), store=store)
    assert done.returncode == 0, done.stderr
    after = dump(scratch_settings)
    assert sum(1 for line in after if line.endswith(f"<{data_graph('faults')}> .")) == 6000 * 3
    assert provenance_runs(after) == provenance_runs(before) + 1
    assert all(name <= current_name(store) for name in version_names(store))
    assert not list(store.glob("CURRENT.*.tmp"))


# -- readers during a commit ----------------------------------------------------------------


def count(client: httpx.Client, server: Running) -> int:
    response = client.post(
        server.sparql, content=COUNT_ALL.encode(), headers={"Content-Type": "application/sparql-query"}
    )
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def test_reads_during_an_import_see_the_old_or_the_new_graph_never_a_mix(
    scratch_settings: Settings, tmp_path: Path
) -> None:
    store = scratch_settings.store_dir
    big = bulk_file(tmp_path, 4000)
    log = tmp_path / "server.log"
    with running_server(store, log, {"KSGRAPH_WORKERS": "2"}) as server, httpx.Client(timeout=60) as client:
        old = count(client, server)
        answers: list[list[tuple[float, int]]] = [[] for _ in range(3)]
        stop = threading.Event()
        errors: list[BaseException] = []

        def hammer(mine: list[tuple[float, int]]) -> None:
            with httpx.Client(timeout=60) as own:
                try:
                    while not stop.is_set():
                        mine.append((time.monotonic(), count(own, server)))
                except BaseException as exc:
                    errors.append(exc)

        threads = [threading.Thread(target=hammer, args=(mine,)) for mine in answers]
        for thread in threads:
            thread.start()
        started = time.monotonic()
        done = run_cli("import", str(big), store=store)
        finished = time.monotonic()
        # Every reader goes on until it has answered after the import ended (then it sees the new graph).
        wait_until(lambda: all(mine and mine[-1][0] > finished for mine in answers), "a read after the import", 120)
        stop.set()
        for thread in threads:
            thread.join()
        assert done.returncode == 0, done.stderr
        assert not errors, errors
        new = count(client, server)

    assert new > old
    seen = [n for mine in answers for _, n in mine]
    assert set(seen) <= {old, new}, f"a reader saw a mix: {sorted(set(seen) - {old, new})}"
    during = [n for mine in answers for t, n in mine if started <= t <= finished]
    assert old in during and new in seen, "the readers did not overlap the import"
    for mine in answers:
        counts = [n for _, n in mine]
        # Once a reader has seen the new version it never goes back to the old one.
        assert counts == sorted(counts)


def test_store_readers_during_an_import_see_old_or_new(scratch_settings: Settings, tmp_path: Path) -> None:
    """The same at the library level: each open of the published version is a whole version."""
    store = scratch_settings.store_dir
    big = bulk_file(tmp_path, 4000)
    old = len(GraphStore(store).open_read())
    sizes: list[int] = []
    process = ksgraph("import", str(big), store=store)
    while process.poll() is None:
        sizes.append(len(GraphStore(store).open_read()))
    sizes.append(len(GraphStore(store).open_read()))
    assert process.returncode == 0, process.stderr.read() if process.stderr else ""
    new = sizes[-1]
    assert new > old
    assert set(sizes) <= {old, new}
    assert sizes.count(old) > 1


# -- a full disk --------------------------------------------------------------------------------


@contextlib.contextmanager
def small_tmpfs(where: Path, size_bytes: int) -> Iterator[Path]:
    where.mkdir(parents=True, exist_ok=True)
    # CI runs as root; elsewhere the RLIMIT_FSIZE variant covers an ordinary user.
    require("root (to mount a small tmpfs)", os.geteuid() == 0, "run the suite as root, as CI does")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_bytes}", "tmpfs", str(where)], capture_output=True, text=True
    )
    require(f"a tmpfs mount ({mounted.stderr.strip()})", mounted.returncode == 0, "a machine that lets root mount")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def store_bytes(store: Path) -> int:
    return sum(p.stat().st_size for p in store.rglob("*") if p.is_file())


def snapshot(store: Path) -> tuple[str, list[str], list[str]]:
    return current_name(store), version_names(store), sorted(p.name for p in store.iterdir())


def _file_size_limit() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))


def _small_file_size_limit() -> None:
    # The real graph's store files are at most ~0.6 MB each: a build must hit a smaller limit.
    resource.setrlimit(resource.RLIMIT_FSIZE, (128 << 10, 128 << 10))


@pytest.mark.parametrize("fill", ["tmpfs", "rlimit-fsize"])
def test_a_full_disk_during_import_fails_cleanly(
    scratch_settings: Settings, tmp_path: Path, built_settings: Settings, fill: str
) -> None:
    big = bulk_file(tmp_path, 20_000, label_padding=100)  # ~6 MB of Turtle: far more than the room left
    with contextlib.ExitStack() as stack:
        if fill == "tmpfs":
            # Room for the store and about 2 MB more: the import's log file cannot fit.
            disk = stack.enter_context(
                small_tmpfs(tmp_path / "disk", store_bytes(scratch_settings.store_dir) + (2 << 20))
            )
            store = disk / ".ksgraph"
            shutil.copytree(scratch_settings.store_dir, store)
            limit, expected = None, "No space left on device"
        else:
            # Python ignores SIGXFSZ, so a write past the limit fails with EFBIG instead of killing it.
            store = scratch_settings.store_dir
            limit, expected = _file_size_limit, "File too large"
        settings = Settings(store_dir=store, root=built_settings.root)
        before, layout = dump(settings), snapshot(store)

        process = ksgraph("import", str(big), store=store, preexec_fn=limit)
        _, stderr = process.communicate(timeout=300)
        assert process.returncode == 2, stderr
        assert expected in stderr, stderr
        assert "nothing was imported" in stderr and "Traceback" not in stderr
        assert dump(settings) == before
        assert snapshot(store) == layout, "a partial version or a staged CURRENT was left behind"

        # Once there is room again the same import goes through, with no repair in between.
        if fill == "tmpfs":
            grown = subprocess.run(["mount", "-o", "remount,size=256m", str(store.parent)], capture_output=True)
            assert grown.returncode == 0, grown.stderr
        done = run_cli("import", str(big), store=store)
        assert done.returncode == 0, done.stderr
        assert sum(1 for line in dump(settings) if line.endswith(f"<{data_graph('faults')}> .")) == 20_000 * 3


def test_a_full_disk_during_build_fails_cleanly(scratch_settings: Settings) -> None:
    """A build writes a whole fresh version: it fails the same way and keeps the published one."""
    store = scratch_settings.store_dir
    before, layout = dump(scratch_settings), snapshot(store)
    process = ksgraph("build", store=store, preexec_fn=_small_file_size_limit)
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 2, stderr
    assert "File too large" in stderr and "nothing was changed" in stderr and "Traceback" not in stderr
    assert dump(scratch_settings) == before
    assert snapshot(store) == layout


def test_a_full_disk_during_a_graph_store_write_is_503_and_changes_nothing(
    scratch_settings: Settings, tmp_path: Path
) -> None:
    big = bulk_file(tmp_path, 20_000, label_padding=100).read_bytes()
    with small_tmpfs(tmp_path / "disk", store_bytes(scratch_settings.store_dir) + (2 << 20)) as disk:
        store = disk / ".ksgraph"
        shutil.copytree(scratch_settings.store_dir, store)
        layout = snapshot(store)
        env = {"KSGRAPH_WRITE_TOKEN": TOKEN}
        with running_server(store, tmp_path / "server.log", env) as server, httpx.Client(timeout=300) as client:
            old = count(client, server)
            response = client.put(
                f"{server.url}/rdf-graphs",
                params={"graph": data_graph("faults")},
                content=big,
                headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/turtle"},
            )
            assert response.status_code == 503, response.text
            assert "No space left on device" in response.text and "unchanged" in response.text
            assert count(client, server) == old
            assert server.process.poll() is None
        assert snapshot(store) == layout
