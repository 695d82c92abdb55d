"""A real `archive serve` on loopback for the stress benchmarks, and its process tree from /proc.

    server = Served(content, instance, log_path, workers=2)
    server.start()                  # waits until the site answers
    server.master, server.workers(), server.indexer(), server.watcher()
    server.rss_mb()                 # resident memory of the master, workers and indexer together
    server.stop()                   # SIGTERM, then the exit status

`archive serve` runs gunicorn in its own process (the master); the workers, the background
indexer and the file watcher are forks of it, the two helpers titled `archive: web.indexer ...`
and `archive: web.watching ...` (web/forked.py). The free port, the GET, the wait, the stop and
the process tree come from tests/support/served.py, as the suite's serve tests use.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.support.served import children, cmdline, free_port, http_get, indexer_of, kill_group, stop, wait_until

__all__ = ["Served", "free_port", "children", "cmdline", "rss_kb", "tree", "tree_rss_mb", "ARCHIVE"]

ARCHIVE = Path(sys.executable).parent / "archive"
HELPERS = ("web.indexer", "web.watching")  # the master's children that are not web workers (web/server.py)


def rss_kb(pid: int) -> int:
    """Resident set size now (VmRSS), 0 for a process that is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree(root: int) -> list[int]:
    """A process and every process below it."""
    pids, queue = [], [root]
    while queue:
        pid = queue.pop()
        pids.append(pid)
        queue.extend(children(pid))
    return pids


def tree_rss_mb(root: int) -> float:
    """Resident memory of a process and all below it, in MB."""
    return sum(rss_kb(pid) for pid in tree(root)) / 1024


class Served:
    """One `archive serve` process group; its output (gunicorn's log and the indexer's) goes to `log_path`."""

    def __init__(self, content: Path, instance: Path, log_path: Path, workers: int = 2, port: int | None = None,
                 env: dict[str, str] | None = None):
        self.content, self.instance, self.log_path, self.workers_count = content, instance, log_path, workers
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, **(env or {})}
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def master(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self, timeout: float = 600.0, warm: tuple[str, ...] = ("/",)) -> float:
        """Start and wait until every path in `warm` answers 200; returns the seconds that took."""
        started = time.monotonic()
        command = [str(ARCHIVE), "serve", "--port", str(self.port), "--workers", str(self.workers_count),
                   "--content", str(self.content), "--instance", str(self.instance)]
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                            env=self.env)
        process = self.process

        def answers(path: str) -> bool:
            if process.poll() is not None:
                raise RuntimeError(f"archive serve exited with {process.returncode}; see {self.log_path}")
            return http_get(self.base + path, timeout=120)[0] == 200

        for path in warm:
            try:
                wait_until(lambda: answers(path), started + timeout - time.monotonic(), f"an answer to {path}")
            except AssertionError:
                self.kill()
                raise RuntimeError(f"archive serve did not answer {path} within {timeout:g} s; "
                                   f"see {self.log_path}") from None
        return time.monotonic() - started

    def workers(self) -> list[int]:
        return [pid for pid in children(self.master) if not any(h in cmdline(pid) for h in HELPERS)]

    def indexer(self) -> int | None:
        return indexer_of(self.master)

    def watcher(self) -> int | None:
        found = [pid for pid in children(self.master) if "web.watching" in cmdline(pid)]
        return found[0] if found else None

    def tree(self) -> list[int]:
        """The master and every process below it."""
        return tree(self.master)

    def rss_mb(self) -> float:
        return tree_rss_mb(self.master)

    def log(self, offset: int = 0) -> str:
        try:
            with open(self.log_path, "rb") as handle:
                handle.seek(offset)
                return handle.read().decode("utf-8", errors="replace")
        except OSError:
            return ""

    def log_size(self) -> int:
        try:
            return self.log_path.stat().st_size
        except OSError:
            return 0

    def stop(self, timeout: float = 60.0) -> int:
        """SIGTERM to the master (gunicorn stops its workers, then the indexer); its exit status."""
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else 0
        status = stop(self.process, timeout)
        return -signal.SIGKILL if status is None else status

    def kill(self) -> None:
        """Kill the whole process group (only ours: the group was started for this server)."""
        if self.process is not None:
            kill_group(self.process)
