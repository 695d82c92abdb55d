"""A real `archive serve` for end-to-end tests: a free port, GET with errors included, waiting, and the server itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of a GET, errors included."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
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


class Served:
    """A running `archive serve` over a content directory: its base URL and its log."""

    def __init__(self, base: str, log: Path):
        self.base, self.log = base, log

    def get(self, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
        return http_get(self.base + path, **headers)


def serving(content: Path, instance: Path, log: Path, workers: int = 2) -> Any:
    """`with serving(content, instance, log) as served:` a real `archive serve` on a free port, stopped after."""
    import contextlib
    import os
    import signal
    import subprocess
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
                server.send_signal(signal.SIGTERM)
                try:
                    server.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(server.pid, signal.SIGKILL)
                    server.wait()

    return run()
