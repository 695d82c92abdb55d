"""The master's helper processes (the background indexer, the file watcher), forked from it.

A helper is forked from gunicorn's master once the app is loaded, as the web workers are, not started as
a fresh interpreter: the modules, templates and translations the master loaded stay shared with it page
by page (copy on write), so a helper's own memory is only what it allocates. `gc.freeze()` before each
fork moves every object the master holds into the collector's permanent generation, so that no
collection in a child (or in the master) writes to those pages and so copies them.

In the child: the master's signal handlers are reset, the master's listening sockets closed, the process
named (`archive: web.indexer ...`, as `ps` and /proc/<pid>/cmdline show it), and the helper's `main` runs;
the child then ends with `os._exit`, never returning into the master's code. `Forked` offers the part of
`subprocess.Popen` the master's keeper uses (pid, poll, terminate, kill, wait).

`few_malloc_arenas()`, called by the master before it forks anything, caps glibc's malloc arenas (what
every fork inherits) at one per core. glibc otherwise gives each of a worker's 8 threads an arena of its own, up
to 8 per core, and each keeps the memory its searches freed for itself: under `make peer`'s load the two
workers held about 13 MB more in all (docs/performance.md).
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import signal
import subprocess
import sys
import time
import traceback
from typing import Callable, Iterable

from setproctitle import setproctitle

__all__ = ["Forked", "freeze", "few_malloc_arenas"]

_M_ARENA_MAX = -8  # glibc's malloc.h

# every signal gunicorn's master handles (gunicorn.arbiter.Arbiter.SIGNALS and SIGCHLD)
_MASTER_SIGNALS = ("SIGHUP", "SIGQUIT", "SIGINT", "SIGTERM", "SIGTTIN", "SIGTTOU", "SIGUSR1", "SIGUSR2",
                   "SIGWINCH", "SIGCHLD")


def few_malloc_arenas(arenas: int | None = None) -> bool:
    """Cap glibc's malloc arenas at `arenas` (one per core by default; MALLOC_ARENA_MAX in the environment
    wins, as glibc reads it itself); False where there is no glibc or the environment already says."""
    if os.environ.get("MALLOC_ARENA_MAX"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to cap
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return mallopt(_M_ARENA_MAX, arenas or cores) == 1


def freeze() -> None:
    """Before a fork: collect once, then move what survives to the permanent generation (never collected,
    so its pages are not written to in a child)."""
    gc.collect()
    gc.freeze()


class Forked:
    """One helper process: `main(argv)` run in a fork of this process, named `title`; `close()` gives the
    descriptors the child must not keep (the master's listening sockets)."""

    def __init__(self, main: Callable[[list[str]], None], argv: list[str], title: str,
                 close: Callable[[], Iterable[int]] = tuple):
        self.returncode: int | None = None
        freeze()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the child
            _run(main, argv, title, list(close()))
        self.pid = pid

    def poll(self) -> int | None:
        """The exit status once the child has ended (negative: the signal that ended it), else None.
        gunicorn's master reaps every child it has (waitpid(-1)): one it reaped first counts as 0."""
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                self.returncode = 0
            else:
                if pid:
                    self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"pid {self.pid}", timeout or 0)
            time.sleep(0.02)
        return self.returncode  # type: ignore[return-value]

    def terminate(self) -> None:
        self._signal(signal.SIGTERM)

    def kill(self) -> None:
        self._signal(signal.SIGKILL)

    def _signal(self, signum: int) -> None:
        if self.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signum)


def _run(main: Callable[[list[str]], None], argv: list[str], title: str, close: list[int]) -> None:
    """The child's whole life: it never returns."""
    code = 1
    try:
        for name in _MASTER_SIGNALS:
            signal.signal(getattr(signal, name), signal.SIG_DFL)
        for descriptor in close:
            with contextlib.suppress(OSError):
                os.close(descriptor)
        setproctitle(title)
        main(argv)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:  # noqa: BLE001 -- said on stderr, then the master starts it again
        traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)
