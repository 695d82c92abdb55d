"""`archive serve`: gunicorn with one worker process per core, and one background indexer process.

Each worker answers with `THREADS` threads. At most `ARCHIVE_SEARCH_SLOTS` of them search at once
and `ARCHIVE_SEARCH_QUEUE` more wait for a slot, fewer than the threads in all, so pages, records and
/curate always find a free thread however many slow searches arrive; a search beyond that is a 503
with Retry-After.

Gunicorn's master also looks after the indexer and the file watcher: it forks them once the app is
loaded, as it forks the workers (web/forked.py: what the master loaded stays shared), and if one dies
(killed, out of memory), the master starts it again, as it does a worker, and says so in its log.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from typing import Any, Callable, Iterable

from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter

from archive.config import Config

from .forked import Forked, few_malloc_arenas, freeze
from .indexer import POLL_SECONDS
from .ready import prepare, release, wait_for_watcher, watched_stamp

__all__ = ["ArchiveApplication", "IndexerKeeper", "start_indexer", "stop_indexer", "run"]


class ArchiveApplication(BaseApplication):  # type: ignore[misc]
    """Gunicorn, configured in code: no config file and no command line of its own."""

    def __init__(self, config: Config, options: dict[str, Any], keeper: IndexerKeeper | None = None):
        self.archive_config = config
        self.options = options
        self.keeper = keeper
        super().__init__()

    def run(self) -> None:
        """BaseApplication.run, with a master that also keeps the indexer running."""
        try:
            _ArchiveArbiter(self).run()
        except RuntimeError as exc:
            print(f"\nError: {exc}\n", file=sys.stderr)
            sys.stderr.flush()
            sys.exit(1)

    def load_config(self) -> None:
        for name, value in self.options.items():
            self.cfg.set(name, value)

    def load(self) -> Callable[..., Any]:
        from . import create_app

        app = create_app({"ARCHIVE_CONTENT": str(self.archive_config.content),
                          "ARCHIVE_INSTANCE": str(self.archive_config.instance)})
        for name in app.jinja_env.list_templates():  # compiled once here, in the master: no worker's first
            app.jinja_env.get_template(name)          # request waits for it
        return app


def start_indexer(config: Config, poll: float = POLL_SECONDS, close: Callable[[], Iterable[int]] = tuple) -> Forked:
    """Start the one background indexer (a process of its own, not one per worker), forked from the master."""
    from .indexer import main

    return Forked(main, [str(config.content), str(config.instance), str(os.getpid()), str(poll)],
                  "archive: web.indexer (background indexer)", close)


def start_watcher(config: Config, poll: float = POLL_SECONDS, close: Callable[[], Iterable[int]] = tuple) -> Forked:
    """Start the one watcher of the files' names and stats (web.watching), apart from the indexer."""
    from .watching import main

    return Forked(main, [str(config.content), str(config.instance), str(os.getpid()), str(poll)],
                  "archive: web.watching (file watcher)", close)


def stop_indexer(process: Forked, timeout: float = 10.0) -> None:
    """Ask the indexer to stop (it finishes the update it is in), then insist."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


THREADS = 8  # per worker: searches take at most 7 (3 running, 4 waiting, web.searching), one is always free


def run(config: Config, host: str, port: int, workers: int, poll: float = POLL_SECONDS,
        threads: int = THREADS) -> None:
    """Serve until SIGINT or SIGTERM, then stop the workers and the indexer."""
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "timeout": 60,
        "graceful_timeout": 10,
        "keepalive": 5,
        "proc_name": "archive",
        "errorlog": "-",
        "loglevel": "info",
        "accesslog": None,  # what a reader searches for or reads is theirs alone: no access log
        "control_socket_disable": True,
        # The app is loaded in the master before it listens, and each worker is a fork of it: its code,
        # templates and translations are shared, and a worker answers from its first request. Nothing
        # per-process (a searcher, a catalogue connection) is opened before a request asks for it.
        "preload_app": True,
        "pre_fork": lambda arbiter, worker: freeze(),  # a worker's collections leave the master's objects unwritten
    }
    few_malloc_arenas()  # before any fork: the workers, the indexer and the watcher inherit it
    keeper = IndexerKeeper(config, poll)
    keeper.watcher = IndexerKeeper(config, poll, start=start_watcher, name="file watcher")
    try:
        ArchiveApplication(config, options, keeper).run()
    finally:
        keeper.watcher.stop()
        keeper.stop()


class IndexerKeeper:
    """The one background indexer, started by the master once its app is loaded (`begin`), and again
    whenever it is found dead.

    A restart waits `backoff` seconds after the previous start, doubling (up to `max_backoff`)
    while the indexer keeps dying within a minute, so a broken one does not spin.
    """

    def __init__(self, config: Config, poll: float = POLL_SECONDS, backoff: float = 1.0, max_backoff: float = 60.0,
                 start: Callable[..., Forked] = start_indexer, name: str = "background indexer"):
        self.config, self.poll, self.start, self.name = config, poll, start, name
        self.watcher: IndexerKeeper | None = None  # the file watcher, kept alike (web.watching)
        self.backoff, self.max_backoff, self.delay = backoff, max_backoff, backoff
        self.process: Forked | None = None
        self.started, self.owner = time.monotonic(), os.getpid()
        self.close: Callable[[], Iterable[int]] = tuple

    def begin(self, close: Callable[[], Iterable[int]] = tuple) -> None:
        """Fork the indexer (and the watcher) from this process; `close()`: descriptors they must not keep."""
        if self.watcher is not None:
            self.watcher.begin(close)
        self.close, self.owner = close, os.getpid()
        self.process, self.started = self.start(self.config, self.poll, close), time.monotonic()

    def check(self, log: Any) -> None:
        """Called by the master about once a second: start the indexer (and the watcher) again if stopped."""
        if self.watcher is not None:
            self.watcher.check(log)
        code = None if self.process is None else self.process.poll()
        if code is None:
            return
        now = time.monotonic()
        if now - self.started >= 60:
            self.delay = self.backoff  # it had been running fine: restart at once
        if now - self.started < self.delay:
            return
        how = f"was killed by signal {-code}" if code < 0 else f"exited with status {code}"
        self.process = self.start(self.config, self.poll, self.close)
        log.error("The %s %s; started it again (pid %s). An update it was making is redone "
                  "from the files.", self.name, how if code else "stopped", self.process.pid)
        self.started, self.delay = now, min(self.delay * 2, self.max_backoff)

    def stop(self) -> None:
        if self.process is not None and os.getpid() == self.owner:  # not in a worker leaving run()
            stop_indexer(self.process)


class _ArchiveArbiter(Arbiter):  # type: ignore[misc]
    """Gunicorn's master, which also forks the indexer and the watcher once the app is loaded (before it
    listens), and checks them each time it looks after its workers.

    Before it listens it waits for the watcher's first `watched.json`, then prepares what a worker's first
    search would otherwise make from the whole collection (web/ready.py); the workers it forks share it, and
    it lets go of it once they run."""

    def start(self) -> None:
        keeper = getattr(self.app, "keeper", None)
        if keeper is not None:
            instance = self.app.archive_config.instance
            before = watched_stamp(instance)
            keeper.begin(lambda: [listener.fileno() for listener in self.LISTENERS])
            watcher = keeper.watcher.process if keeper.watcher is not None else None
            wait_for_watcher(instance, before, alive=lambda: watcher is not None and watcher.poll() is None)
            try:
                self.log.info(prepare(self.app.wsgi()))
            except Exception as exc:  # noqa: BLE001 -- never a reason not to serve: a first search makes its own
                self.log.warning("Could not prepare for the workers' first requests (%s: %s); each worker's "
                                 "first search makes what it needs itself.", type(exc).__name__, exc)
        super().start()

    def manage_workers(self) -> None:
        super().manage_workers()
        keeper = getattr(self.app, "keeper", None)
        if keeper is not None and os.getpid() == self.pid:
            if len(self.WORKERS) >= self.num_workers:
                release(self.app.wsgi())
            keeper.check(self.log)
