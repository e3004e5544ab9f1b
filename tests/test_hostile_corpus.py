"""The hostile corpus (tests/hostile/) through every writer: nothing from the data runs, every RDF output
re-parses to the same graph, and taking any one escape away is caught (issue 23; SECURITY.md)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from ksgraph.config import Settings
from ksgraph.store import GraphStore

from .hostile import corpus
from .hostile.writers import WRITERS, Corpus, Writer


def _store_with(path: Path, built: Settings, quads: list[ox.Quad]) -> Path:
    shutil.copytree(built.store_dir, path)
    with GraphStore(path).write() as store:
        store.extend(quads)
    return path


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory, built_settings: Settings) -> Corpus:
    tmp = tmp_path_factory.mktemp("hostile")
    everything = _store_with(tmp / "all", built_settings, corpus.quads() + corpus.control_quads())
    xml_safe = _store_with(tmp / "xml-safe", built_settings, corpus.quads())
    return Corpus(everything, xml_safe, built_settings.root, tmp)


@pytest.mark.parametrize("writer", WRITERS, ids=[w.name for w in WRITERS])
def test_the_hostile_corpus_runs_nowhere_and_comes_back_whole(writer: Writer, hostile: Corpus) -> None:
    outputs = writer.write(hostile, writer.controls)
    assert outputs
    problems = [f"{o.what}: {p}" for o in outputs for p in o.problems]
    assert not problems, "\n".join(problems[:40])
