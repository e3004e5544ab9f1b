"""Child processes measured from outside: wall seconds, peak memory, stderr lines with their time.

Every child runs in its own session (so its own process group): a timeout, an error or an
interrupt of the suite kills the whole group, including any workers the child started.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

# Process groups still running; killed on the way out whatever happens (see kill_all).
_LIVE: set[int] = set()


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@dataclass
class Child:
    """One finished (or killed) child process."""

    command: list[str]
    seconds: float
    peak_mib: float  # ru_maxrss of the child (the largest of it and the descendants it waited for)
    returncode: int | None  # None: killed (at the timeout, or on purpose: see stopped)
    stdout: Path | None
    stderr: list[tuple[float, str]] = field(default_factory=list)  # (seconds since start, line)
    stopped: bool = False  # killed on purpose when its stderr reached ``stop_at``
    # CPU seconds of the child (user + system): far below ``seconds`` when the machine is busy.
    cpu_seconds: float = 0.0

    @property
    def timed_out(self) -> bool:
        return self.returncode is None and not self.stopped

    def stderr_text(self, last: int = 40) -> str:
        return "\n".join(line for _, line in self.stderr[-last:])

    def mark(self, prefix: str) -> float | None:
        """Seconds from the start to the first stderr line starting with ``prefix`` (after stripping)."""
        return next((t for t, line in self.stderr if line.strip().startswith(prefix)), None)


def _kill_group(pgid: int, sig: int = signal.SIGKILL) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def kill_all() -> None:
    for pgid in list(_LIVE):
        _kill_group(pgid)
        _LIVE.discard(pgid)


def run(
    command: list[str],
    *,
    env: Mapping[str, str] | None = None,
    timeout: float,
    stdout: Path | None = None,
    echo: bool = False,
    stop_at: str | None = None,
) -> Child:
    """Run ``command`` to the end or until ``timeout`` seconds; its stdout goes to a file, stderr is kept.

    With ``stop_at``, the child is killed as soon as a stderr line starts with it (after stripping).
    """
    out = open(stdout, "wb") if stdout else subprocess.DEVNULL  # noqa: SIM115 - closed below, after the child ends
    try:
        started = time.perf_counter()
        process = subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.PIPE,
            env=dict(env) if env is not None else None,
            start_new_session=True,
        )
        _LIVE.add(process.pid)
        lines: list[tuple[float, str]] = []
        stopped = threading.Event()

        def read_stderr() -> None:
            assert process.stderr is not None
            for raw in process.stderr:
                line = raw.decode("utf-8", errors="replace").rstrip("\n")
                lines.append((time.perf_counter() - started, line))
                if echo:
                    print(f"    | {line}", file=sys.stderr, flush=True)
                if stop_at is not None and line.strip().startswith(stop_at) and not stopped.is_set():
                    stopped.set()
                    _kill_group(process.pid)

        # os.wait4 rather than Popen.wait: it returns the child's rusage, whose ru_maxrss is the peak
        # memory of exactly this child, which the suite's own process would otherwise blur.
        result: dict[str, object] = {}

        def reap() -> None:
            _, status, usage = os.wait4(process.pid, 0)
            result["ended"] = time.perf_counter()
            result["status"] = status
            result["usage"] = usage

        reader = threading.Thread(target=read_stderr, daemon=True)
        waiter = threading.Thread(target=reap, daemon=True)
        reader.start()
        waiter.start()
        waiter.join(timeout)
        timed_out = waiter.is_alive()
        if timed_out:
            _kill_group(process.pid)
            waiter.join()
        # Anything the child left behind in its group (workers) goes too.
        _kill_group(process.pid)
        _LIVE.discard(process.pid)
        reader.join(5)
        status = int(result["status"])  # type: ignore[call-overload]
        process.returncode = os.waitstatus_to_exitcode(status)  # already reaped; keeps Popen from waiting again
        usage = result["usage"]
        seconds = float(result["ended"]) - started  # type: ignore[arg-type]
        return Child(
            command=command,
            seconds=round(seconds, 3),
            peak_mib=round(usage.ru_maxrss / 1024, 1),  # type: ignore[attr-defined]
            returncode=None if timed_out or stopped.is_set() else process.returncode,
            stdout=stdout,
            stderr=lines,
            stopped=stopped.is_set(),
            cpu_seconds=round(usage.ru_utime + usage.ru_stime, 3),  # type: ignore[attr-defined]
        )
    finally:
        if stdout:
            out.close()  # type: ignore[union-attr]


# -- servers -----------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    with contextlib.suppress(OSError):
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found += [int(c) for c in handle.read().split()]
    return found


def tree(pid: int) -> list[int]:
    """The process and all its descendants, as /proc shows them now."""
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        todo += _children(current)
    return out


def vm_hwm_mib(pid: int) -> float:
    """Peak resident memory of one process (VmHWM), 0 if it is gone."""
    with contextlib.suppress(OSError), open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    url: str
    startup_s: float
    log: Path

    def peak_mib(self) -> float:
        """Sum of the peaks of the server and its children (workers); shared pages count once per process."""
        return round(sum(vm_hwm_mib(p) for p in tree(self.process.pid)), 1)

    def processes(self) -> int:
        return len(tree(self.process.pid))


@contextlib.contextmanager
def serving(
    name: str,
    command: list[str],
    url: str,
    log_file: Path,
    *,
    env: Mapping[str, str] | None = None,
    ready_timeout: float,
) -> Iterator[Server]:
    """Start a server in its own process group, wait until ``url`` answers ``ASK {}``, stop the group after."""
    from bench_endpoint import wait_ready

    with open(log_file, "wb") as out:
        process = subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=dict(env) if env is not None else None,
            start_new_session=True,
        )
    _LIVE.add(process.pid)
    try:
        startup = wait_ready(url, process, ready_timeout, log_file)
        yield Server(name, process, url, round(startup, 2), log_file)
    finally:
        _kill_group(process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)
        _kill_group(process.pid)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)
        _LIVE.discard(process.pid)
