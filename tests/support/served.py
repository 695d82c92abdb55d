"""A real `archive serve` for end-to-end tests: a free port, GET with errors included, waiting, stopping, the
processes below a server (from /proc), and the server itself. tests/bench/serving.py builds on these."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path
from typing import Any


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_get(url: str, timeout: float = 20.0, **headers: str) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of a GET, errors included (no answer at all raises an OSError)."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers), error.read()


def wait_until(predicate: Any, timeout: float, what: str) -> None:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except OSError:
            pass
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


def stop(process: subprocess.Popen[bytes], timeout: float = 30.0) -> int | None:
    """SIGTERM to a server started in a session of its own, and its exit status; None when it did not stop within
    `timeout` and its whole process group was killed."""
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(process)
        return None


def kill_group(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL to the process group of a server started in a session of its own (only its processes)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


def children(pid: int) -> list[int]:
    """Direct children of a process (from /proc/*/stat)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry))
    return sorted(found)


def cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def indexer_of(master: int) -> int | None:
    """The background indexer below an `archive serve` master (None while there is none)."""
    found = [pid for pid in children(master) if "web.indexer" in cmdline(pid)]
    return found[0] if found else None


class Served:
    """A running `archive serve` over a content directory: its base URL and its log."""

    def __init__(self, base: str, log: Path):
        self.base, self.log = base, log

    def get(self, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
        return http_get(self.base + path, **headers)


def serving(content: Path, instance: Path, log: Path, workers: int = 2) -> Any:
    """`with serving(content, instance, log) as served:` a real `archive serve` on a free port, stopped after."""
    import contextlib
    import sys

    @contextlib.contextmanager
    def run() -> Any:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        command = [str(Path(sys.executable).parent / "archive"), "serve", "--port", str(port),
                   "--workers", str(workers), "--content", str(content), "--instance", str(instance)]
        with open(log, "wb") as out:
            server = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
            try:
                wait_until(lambda: http_get(f"{base}/")[0] == 200, 60, "the server to answer")
                yield Served(base, log)
            except AssertionError as error:
                raise AssertionError(f"{error}\n--- archive serve said:\n{log.read_text(errors='replace')}") from None
            finally:
                stop(server)

    return run()
