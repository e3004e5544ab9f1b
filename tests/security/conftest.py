"""The ``hostile`` fixture of test_hostile_corpus and test_hostile_escapes: two copies of the real store with
the corpus of tests/security/hostile/ added (see :class:`tests.security.hostile.writers.Corpus`), one per module."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from ksgraph.core.settings import Settings
from ksgraph.store.versions import GraphStore
from tests.security.hostile import corpus
from tests.security.hostile.writers import Corpus


def _store_with(path: Path, built: Settings, quads: list[ox.Quad]) -> Path:
    shutil.copytree(built.store_dir, path)
    # Straight into the store, as a data author's file would be published by `ksgraph build`:
    # the hostile groups break the founding decision's rules, which is not what is tested here.
    with GraphStore(path).write() as store:
        store.extend(quads)
    return path


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory, built_settings: Settings) -> Corpus:
    tmp = tmp_path_factory.mktemp("hostile")
    everything = _store_with(tmp / "all", built_settings, corpus.quads() + corpus.control_quads())
    xml_safe = _store_with(tmp / "xml-safe", built_settings, corpus.quads())
    return Corpus(everything, xml_safe, built_settings.root, tmp)
