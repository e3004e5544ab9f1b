"""Settings: one frozen object, read once from the environment and passed down.

This is the only module of ksgraph that reads ``os.environ``. Every ``KSGRAPH_*`` variable is
listed in :func:`load_settings`, with its default and what it means; everything else takes a
:class:`Settings` (or one of its values) as an argument, so a test or an embedding application
can build one without touching the environment.

"Today" lives here too (:meth:`Settings.today`): ``KSGRAPH_TODAY`` fixes it, so an answer that
depends on the date depends on a setting, not on the calendar.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

DEFAULT_STORE_DIR = ".ksgraph"
# The largest RDF file read: a file is parsed whole in memory, at several times its size, and
# the real data is a few MB.
DEFAULT_MAX_FILE_BYTES = 256 * 1024 * 1024


class SettingsError(ValueError):
    """A ``KSGRAPH_*`` variable whose value cannot be used; the message names it."""


def project_root(env: Mapping[str, str] | None = None) -> Path:
    """The directory that holds ``ontology/``, ``data/``, ``shapes/`` and ``queries/``.

    ``KSGRAPH_HOME`` overrides it; otherwise it is the source checkout this package was
    installed from (the package is installed in editable mode from the repository).
    """
    home = (os.environ if env is None else env).get("KSGRAPH_HOME")
    if home:
        return Path(home).resolve()
    return Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class Credentials:
    """A user name and password for another SPARQL store, and the HTTP scheme that sends them."""

    user: str
    password: str
    scheme: str = "basic"  # or "digest" (Virtuoso's *-auth endpoints)


@dataclass(frozen=True)
class Settings:
    """Everything ksgraph can be configured with. Defaults are the safe ones."""

    store_dir: Path
    root: Path = field(default_factory=project_root)

    # -- reading files
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    # Processes that share a full SHACL validation (None: the cores this process may use).
    validate_workers: int | None = None
    # "Today" for as-of answers (None: the system's date).
    today_override: dt.date | None = None
    # Show tracebacks instead of one-line errors (stewards never see them otherwise).
    debug: bool = False
    # Where analyses worth keeping between runs are cached (the SHACL-SPARQL pre-binding plans);
    # None keeps nothing.
    cache_dir: Path | None = None

    # -- the endpoint
    # Seconds a query may run before its worker process is killed (503).
    query_timeout: float = 30.0
    # Bytes of query or update text accepted (413 above). Real queries are a few KB; the
    # 5,000-deep query that crashes the engine is 20 KB, so size alone is not the guard.
    max_query_bytes: int = 64 * 1024
    # Bytes of a Graph Store Protocol upload (413 above).
    max_upload_bytes: int = 32 * 1024 * 1024
    # Solutions or triples in one answer; a query's answer above it is cut to its first max_rows
    # (and says so), a graph download refused (400) with a hint to page.
    max_rows: int = 100_000
    # Deepest nesting of { ( [ accepted. The engine crashes at about 5,000 (HAZARDS.md).
    max_nesting: int = 100
    # Long-lived query worker processes (each holds a read-only store).
    workers: int = 2
    # Bytes of answers the server keeps per store version (ksgraph.http.cache); 0 turns the cache off.
    cache_bytes: int = 64 * 1024 * 1024
    # SERVICE lets a query make the server open connections anywhere (SSRF): off by default.
    allow_service: bool = False
    # Bearer token that enables /update and Graph Store writes; None keeps the endpoint read-only.
    write_token: str | None = None
    cors_origins: tuple[str, ...] = ("*",)

    # -- a remote store to answer from (`ksgraph serve --backend URL`); the server is then read-only
    backend: str | None = None
    backend_credentials: Credentials | None = None
    backend_timeout: float = 30.0

    # -- publishing
    # The address at which this deployment serves https://w3id.org/ksgraph/ ("" = root-relative links).
    public_base: str = ""
    # The SPARQL endpoint the dataset description advertises (default <public base>/sparql).
    sparql_endpoint: str | None = None
    # Credentials `ksgraph push` sends to the remote store.
    push_credentials: Credentials | None = None

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

    @property
    def writable(self) -> bool:
        """Writes through the endpoint are enabled (a token is set and the store is local)."""
        return bool(self.write_token) and not self.backend

    def today(self) -> dt.date:
        """The day "today" means: ``KSGRAPH_TODAY`` if set, else the system's date."""
        return self.today_override or dt.date.today()

    def with_store(self, store_dir: Path) -> Settings:
        return replace(self, store_dir=Path(store_dir).resolve())


def child_environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment plus ``extra``: for a ``ksgraph`` started as a child process."""
    return {**os.environ, **(extra or {})}


def _int(env: Mapping[str, str], name: str, default: int, *, minimum: int = 0) -> int:
    value = env.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise SettingsError(f"{name}={value!r}: expected a whole number") from None
    if number < minimum:
        raise SettingsError(f"{name}={value!r}: expected at least {minimum}")
    return number


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    value = env.get(name, "").strip()
    if not value:
        return default
    try:
        number = float(value)
    except ValueError:
        raise SettingsError(f"{name}={value!r} is not a number (seconds)") from None
    if number <= 0:
        raise SettingsError(f"{name}={value!r}: expected a positive number")
    return number


def _flag(env: Mapping[str, str], name: str) -> bool:
    return env.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def _credentials(env: Mapping[str, str], prefix: str) -> Credentials | None:
    user = env.get(f"{prefix}_USER")
    scheme = env.get(f"{prefix}_AUTH", "basic").lower()
    if scheme not in ("basic", "digest"):
        raise SettingsError(f"{prefix}_AUTH must be basic or digest, not {scheme!r}")
    return Credentials(user, env.get(f"{prefix}_PASSWORD", ""), scheme) if user else None


def _cache_dir(env: Mapping[str, str]) -> Path | None:
    configured = env.get("KSGRAPH_CACHE_DIR")
    if configured is not None:
        return None if configured.strip().lower() in ("", "off") else Path(configured)
    base = env.get("XDG_CACHE_HOME") or (str(Path(env["HOME"]) / ".cache") if env.get("HOME") else None)
    return Path(base) / "ksgraph" if base else None


def _day(env: Mapping[str, str], name: str) -> dt.date | None:
    value = env.get(name, "").strip()
    if not value:
        return None
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise SettingsError(f"{name}={value!r}: expected a date YYYY-MM-DD") from None


def load_settings(
    store: str | os.PathLike[str] | None = None,
    *,
    backend: str | None = None,
    env: Mapping[str, str] | None = None,
) -> Settings:
    """Settings from the environment (``env``, default ``os.environ``).

    ``store`` (``--store``) wins over ``KSGRAPH_STORE`` (default ``./.ksgraph``), ``backend``
    (``--backend``) over ``KSGRAPH_BACKEND``. The variables:

    ``KSGRAPH_HOME`` (checkout), ``KSGRAPH_MAX_FILE_BYTES``, ``KSGRAPH_VALIDATE_WORKERS``,
    ``KSGRAPH_TODAY``, ``KSGRAPH_DEBUG``, ``KSGRAPH_CACHE_DIR`` (``off``: none; default the XDG cache);
    the endpoint's ``KSGRAPH_QUERY_TIMEOUT`` (seconds),
    ``KSGRAPH_MAX_QUERY_BYTES``, ``KSGRAPH_MAX_UPLOAD_BYTES``, ``KSGRAPH_MAX_ROWS``,
    ``KSGRAPH_MAX_NESTING``, ``KSGRAPH_WORKERS``, ``KSGRAPH_CACHE_BYTES`` (0: no result cache),
    ``KSGRAPH_ALLOW_SERVICE``, ``KSGRAPH_WRITE_TOKEN``,
    ``KSGRAPH_CORS_ORIGINS`` (comma-separated); ``KSGRAPH_BACKEND`` with ``KSGRAPH_BACKEND_USER``,
    ``_PASSWORD``, ``_AUTH`` (basic or digest) and ``_TIMEOUT``; ``KSGRAPH_PUBLIC_BASE``,
    ``KSGRAPH_SPARQL_ENDPOINT``; ``KSGRAPH_PUSH_USER``, ``_PASSWORD``, ``_AUTH``.
    """
    env = os.environ if env is None else env
    chosen = store or env.get("KSGRAPH_STORE") or DEFAULT_STORE_DIR
    validate_workers = (
        _int(env, "KSGRAPH_VALIDATE_WORKERS", 0, minimum=1) if env.get("KSGRAPH_VALIDATE_WORKERS") else None
    )
    return Settings(
        store_dir=Path(chosen).resolve(),
        root=project_root(env),
        max_file_bytes=_int(env, "KSGRAPH_MAX_FILE_BYTES", DEFAULT_MAX_FILE_BYTES, minimum=1),
        validate_workers=validate_workers,
        today_override=_day(env, "KSGRAPH_TODAY"),
        debug=_flag(env, "KSGRAPH_DEBUG"),
        cache_dir=_cache_dir(env),
        query_timeout=_float(env, "KSGRAPH_QUERY_TIMEOUT", 30.0),
        max_query_bytes=_int(env, "KSGRAPH_MAX_QUERY_BYTES", 64 * 1024, minimum=1),
        max_upload_bytes=_int(env, "KSGRAPH_MAX_UPLOAD_BYTES", 32 * 1024 * 1024, minimum=1),
        max_rows=_int(env, "KSGRAPH_MAX_ROWS", 100_000, minimum=1),
        max_nesting=_int(env, "KSGRAPH_MAX_NESTING", 100, minimum=1),
        workers=_int(env, "KSGRAPH_WORKERS", 2, minimum=1),
        cache_bytes=_int(env, "KSGRAPH_CACHE_BYTES", 64 * 1024 * 1024),
        allow_service=_flag(env, "KSGRAPH_ALLOW_SERVICE"),
        write_token=env.get("KSGRAPH_WRITE_TOKEN") or None,
        cors_origins=tuple(o.strip() for o in env.get("KSGRAPH_CORS_ORIGINS", "*").split(",") if o.strip()),
        backend=backend or env.get("KSGRAPH_BACKEND") or None,
        backend_credentials=_credentials(env, "KSGRAPH_BACKEND"),
        backend_timeout=_float(env, "KSGRAPH_BACKEND_TIMEOUT", 30.0),
        public_base=env.get("KSGRAPH_PUBLIC_BASE", "").rstrip("/"),
        sparql_endpoint=env.get("KSGRAPH_SPARQL_ENDPOINT") or None,
        push_credentials=_credentials(env, "KSGRAPH_PUSH"),
    )
