"""Server settings: one object, read once from the environment (``KSGRAPH_*``) and passed in."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ksgraph.core.settings import Settings, load_settings


def _env(name: str, default: str) -> str:
    return os.environ.get(f"KSGRAPH_{name}", default)


def _flag(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class ServerSettings:
    """Everything the endpoint can be configured with. Defaults are the safe ones.

    Environment variables (all optional): ``KSGRAPH_STORE``, ``KSGRAPH_QUERY_TIMEOUT`` (seconds),
    ``KSGRAPH_MAX_QUERY_BYTES``, ``KSGRAPH_MAX_ROWS``, ``KSGRAPH_MAX_NESTING``, ``KSGRAPH_WORKERS``,
    ``KSGRAPH_ALLOW_SERVICE``, ``KSGRAPH_WRITE_TOKEN``, ``KSGRAPH_CORS_ORIGINS`` (comma-separated),
    ``KSGRAPH_MAX_UPLOAD_BYTES``, ``KSGRAPH_BACKEND`` (a remote SPARQL endpoint URL).
    """

    paths: Settings
    # Seconds a query may run before its worker process is killed (503).
    query_timeout: float = 30.0
    # Bytes of query or update text accepted (413 above). Real queries are a few KB; the
    # 5,000-deep query that crashes the engine is 20 KB, so size alone is not the guard.
    max_query_bytes: int = 64 * 1024
    # Bytes of a Graph Store Protocol upload (413 above).
    max_upload_bytes: int = 32 * 1024 * 1024
    # Solutions or triples in one answer; above it the answer is refused (400) with a hint to page.
    max_rows: int = 100_000
    # Deepest nesting of { ( [ accepted. The engine crashes at about 5,000 (HAZARDS.md);
    # hand-written queries stay below 20.
    max_nesting: int = 100
    # Long-lived query worker processes (each holds a read-only store).
    workers: int = 2
    # SERVICE lets a query make the server open connections anywhere (SSRF): off by default.
    allow_service: bool = False
    # Bearer token that enables /update and Graph Store writes; None keeps the endpoint read-only.
    write_token: str | None = None
    cors_origins: tuple[str, ...] = field(default=("*",))
    # A remote SPARQL 1.1 query endpoint to answer from instead of the local store
    # (`ksgraph serve --backend URL`); the server is then read-only.
    backend: str | None = None

    @property
    def store_dir(self) -> Path:
        return self.paths.store_dir

    @property
    def queries_dir(self) -> Path:
        return self.paths.queries_dir

    @property
    def writable(self) -> bool:
        return bool(self.write_token) and not self.backend

    @classmethod
    def from_env(cls, store: str | os.PathLike[str] | None = None, backend: str | None = None) -> ServerSettings:
        """Settings from the environment; ``store`` (``--store``) wins over ``KSGRAPH_STORE``,
        ``backend`` (``--backend``) over ``KSGRAPH_BACKEND``."""
        origins = tuple(o.strip() for o in _env("CORS_ORIGINS", "*").split(",") if o.strip())
        return cls(
            paths=load_settings(store),
            query_timeout=float(_env("QUERY_TIMEOUT", "30")),
            max_query_bytes=int(_env("MAX_QUERY_BYTES", str(64 * 1024))),
            max_upload_bytes=int(_env("MAX_UPLOAD_BYTES", str(32 * 1024 * 1024))),
            max_rows=int(_env("MAX_ROWS", "100000")),
            max_nesting=int(_env("MAX_NESTING", "100")),
            workers=max(1, int(_env("WORKERS", "2"))),
            allow_service=_flag(_env("ALLOW_SERVICE", "false")),
            write_token=_env("WRITE_TOKEN", "") or None,
            cors_origins=origins,
            backend=backend or _env("BACKEND", "") or None,
        )
