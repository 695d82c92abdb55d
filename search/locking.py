"""One index writer at a time: a lock (archive.store.files.locked) on a file in the instance directory.

The kernel releases the lock when its holder dies, even by kill -9, so a crash
never leaves the index locked.
"""

from __future__ import annotations

import os
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Iterator

from archive.store import files
from archive.errors import ArchiveError
from archive.store.files import LockTimeout

__all__ = ["IndexBusy", "writer_lock"]


class IndexBusy(ArchiveError):
    """Another process is writing the index, and it did not finish in time."""


@contextmanager
def writer_lock(path: Path, wait: float = 60.0, poll: float = 0.1) -> Iterator[None]:
    """Hold the writers' lock, waiting up to `wait` seconds for another writer to finish."""
    with ExitStack() as stack:
        try:
            fd = stack.enter_context(files.locked(path, wait=wait, poll=poll, mode=0o644))
        except LockTimeout:
            raise IndexBusy(f"Another index run is in progress (it holds {path}); "
                            f"waited {wait:g} s, try again when it has finished.") from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
