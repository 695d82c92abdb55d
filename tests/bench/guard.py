"""Memory and time limits for what the benchmark starts, and proportional memory (PSS) from /proc.

    pss_kb(pid)                    # Pss of one process (smaps_rollup), 0 when it is gone
    result = run_guarded(cmd, timeout=3600, limit_mb=8000)   # a child in its own process group
    with Watch(root_pid, limit_mb, on_exceed) as watch: ...  # kills a process tree that grows too big
    stop_on_sigterm()              # SIGTERM/SIGHUP to the bench raise SystemExit, so `finally` cleans up

The machine is shared and small (2 cores, 24 GiB), so nothing the bench starts may take
it over: every child runs in its own process group, is killed with its whole group when
it passes its time or its memory limit, and is reported as such (never retried).
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from typing import Callable, Sequence

from .serving import tree

__all__ = ["pss_kb", "pss_parts_kb", "tree_pss_mb", "Watch", "Guarded", "run_guarded", "stop_on_sigterm",
           "kill_group"]


def pss_kb(pid: int) -> int:
    """Proportional set size: private pages plus each shared page divided by the processes sharing it."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def pss_parts_kb(pid: int) -> dict[str, int]:
    """Pss, Pss_Anon (heaps: private or shared with forks), Pss_File (mapped files, code) and Pss_Shmem in kB."""
    parts = {"Pss": 0, "Pss_Anon": 0, "Pss_File": 0, "Pss_Shmem": 0}
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
            for line in rollup:
                name = line.split(":", 1)[0]
                if name in parts:
                    parts[name] = int(line.split()[1])
    except OSError:
        pass
    return parts


def tree_pss_mb(root: int) -> float:
    return sum(pss_kb(pid) for pid in tree(root)) / 1024


def kill_group(pid: int) -> None:
    """SIGKILL a process group the bench started (start_new_session=True), never anything else."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


class Watch:
    """Samples a process tree's memory every `every` seconds; past `limit_mb`, calls `on_exceed` once
    (which should kill it). The measure is PSS, so pages that forked workers share count once; the
    peak is kept."""

    def __init__(self, root: int, limit_mb: float, on_exceed: Callable[[], None], every: float = 0.5):
        self.root, self.limit_mb, self.on_exceed, self.every = root, limit_mb, on_exceed, every
        self.peak_mb = 0.0
        self.exceeded = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            now = tree_pss_mb(self.root)
            self.peak_mb = max(self.peak_mb, now)
            if self.limit_mb and now > self.limit_mb and not self.exceeded:
                self.exceeded = True
                self.on_exceed()

    def __enter__(self) -> "Watch":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


@dataclass(frozen=True)
class Guarded:
    """How a guarded child ended: its output, exit code, whether a limit stopped it, its peak RSS."""

    stdout: str
    returncode: int
    timed_out: bool
    over_memory: bool
    peak_mb: float
    seconds: float

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out and not self.over_memory

    def why(self, limit_mb: float, timeout: float) -> str:
        if self.over_memory:
            return f"stopped: its processes passed {limit_mb:,.0f} MB (PSS)"
        if self.timed_out:
            return f"stopped after {timeout:,.0f} s"
        return f"exit {self.returncode}"


def run_guarded(command: Sequence[str], *, timeout: float, limit_mb: float, cwd: str | os.PathLike[str] | None = None,
                env: dict[str, str] | None = None) -> Guarded:
    """Run `command` (stdout captured, stderr to ours) in its own process group under both limits."""
    started = time.monotonic()
    process = subprocess.Popen(list(command), cwd=cwd, env=env, stdout=subprocess.PIPE, text=True,
                               start_new_session=True)
    timed_out = False
    try:
        with Watch(process.pid, limit_mb, lambda: kill_group(process.pid)) as watch:
            try:
                out, _ = process.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                timed_out = True
                kill_group(process.pid)
                out, _ = process.communicate()
    finally:
        if process.poll() is None:  # interrupted (Ctrl-C, SIGTERM): take the child down with us
            kill_group(process.pid)
            process.wait()
    return Guarded(out or "", process.returncode, timed_out, watch.exceeded, watch.peak_mb,
                   time.monotonic() - started)


def stop_on_sigterm() -> None:
    """Make SIGTERM and SIGHUP unwind like Ctrl-C, so every `finally` stops what the bench started."""
    def raise_exit(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, raise_exit)
