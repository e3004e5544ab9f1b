"""Settings, read once from the environment and passed in; no module-level state elsewhere."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_STORE_DIR = ".ksgraph"


def project_root() -> Path:
    """The directory that holds ``ontology/``, ``data/``, ``shapes/`` and ``queries/``.

    ``KSGRAPH_HOME`` overrides it; otherwise it is the source checkout this package
    was installed from (the package is installed in editable mode from the repo).
    """
    home = os.environ.get("KSGRAPH_HOME")
    if home:
        return Path(home).resolve()
    return Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class Settings:
    """Where things are. Build one with :func:`load_settings` and pass it down."""

    store_dir: Path
    root: Path = field(default_factory=project_root)

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def shapes_dir(self) -> Path:
        return self.root / "shapes"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"


def load_settings(store: str | os.PathLike[str] | None = None) -> Settings:
    """Settings from an explicit ``--store`` value, else ``KSGRAPH_STORE``, else ``./.ksgraph``."""
    chosen = store or os.environ.get("KSGRAPH_STORE") or DEFAULT_STORE_DIR
    return Settings(store_dir=Path(chosen).resolve())
