"""One index writer at a time: an fcntl lock on a file in the instance directory.

The kernel releases the lock when its holder dies, even by kill -9, so a crash
never leaves the index locked.
"""

from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from archive.errors import ArchiveError

__all__ = ["IndexBusy", "writer_lock"]


class IndexBusy(ArchiveError):
    """Another process is writing the index, and it did not finish in time."""


@contextmanager
def writer_lock(path: Path, wait: float = 60.0, poll: float = 0.1) -> Iterator[None]:
    """Hold the writers' lock, waiting up to `wait` seconds for another writer to finish."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise IndexBusy(f"Another index run is in progress (it holds {path}); "
                                    f"waited {wait:g} s, try again when it has finished.") from None
                time.sleep(poll)
        try:
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
