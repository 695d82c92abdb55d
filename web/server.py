"""`archive serve`: gunicorn with one worker process per core, and one background indexer process."""

from __future__ import annotations

import subprocess
import sys
import os
from typing import Any, Callable

from gunicorn.app.base import BaseApplication

from archive.config import Config

from .indexer import POLL_SECONDS

__all__ = ["ArchiveApplication", "start_indexer", "stop_indexer", "run"]


class ArchiveApplication(BaseApplication):  # type: ignore[misc]
    """Gunicorn, configured in code: no config file and no command line of its own."""

    def __init__(self, config: Config, options: dict[str, Any]):
        self.archive_config = config
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for name, value in self.options.items():
            self.cfg.set(name, value)

    def load(self) -> Callable[..., Any]:
        from . import create_app

        return create_app({"ARCHIVE_CONTENT": str(self.archive_config.content),
                           "ARCHIVE_INSTANCE": str(self.archive_config.instance)})


def start_indexer(config: Config, poll: float = POLL_SECONDS) -> subprocess.Popen[bytes]:
    """Start the one background indexer (a process of its own, not one per worker)."""
    return subprocess.Popen([sys.executable, "-m", "web.indexer", str(config.content), str(config.instance),
                             str(os.getpid()), str(poll)])


def stop_indexer(process: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    """Ask the indexer to stop (it finishes the update it is in), then insist."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def run(config: Config, host: str, port: int, workers: int, poll: float = POLL_SECONDS) -> None:
    """Serve until SIGINT or SIGTERM, then stop the workers and the indexer."""
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "sync",
        "timeout": 60,
        "graceful_timeout": 10,
        "keepalive": 5,
        "proc_name": "archive",
        "errorlog": "-",
        "loglevel": "info",
        "accesslog": None,  # what a reader searches for or reads is theirs alone: no access log
        "control_socket_disable": True,
    }
    indexer = start_indexer(config, poll)
    try:
        ArchiveApplication(config, options).run()
    finally:
        stop_indexer(indexer)
