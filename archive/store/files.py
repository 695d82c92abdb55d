"""Writing files so that a crash or a second writer never leaves half of one, and locking them.

The one place for these mechanisms; every module that writes uses them:

- `replace(path, data)`: a temporary file in the same folder is written, fsync'd, given its
  mode and renamed over `path`, then the folder is fsync'd. Readers see the old file or the
  new one, never a mix, and after a crash one of the two is on disk.
- `create(path, data)`: the same, but the temporary file is hard-linked into place, which
  fails when `path` exists: a file is never replaced, even one created a moment ago by
  someone else (`FileExistsError`).
- `append(path, data)`: bytes added to the end under an exclusive lock, fsync'd before it
  returns, so writers in several processes never tear each other's lines.
- `locked(path)`: an exclusive `flock` on a file (created if missing) or on a folder, for the
  length of a `with` block. The kernel releases it when its holder dies, even by kill -9.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
import time
from pathlib import Path
from typing import Iterator

__all__ = ["replace", "create", "append", "locked", "LockTimeout", "sync_folder"]


class LockTimeout(TimeoutError):
    """Another process held the lock for longer than the caller would wait."""

    def __init__(self, path: Path, wait: float):
        self.path, self.wait = path, wait
        super().__init__(f"{path} stayed locked by another process for {wait:g} s.")


def sync_folder(folder: Path) -> None:
    """fsync a folder, so that a rename or a new name in it is on disk."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _encode(data: str | bytes) -> bytes:
    return data.encode("utf-8") if isinstance(data, str) else data


@contextlib.contextmanager
def _temporary(path: Path, data: str | bytes, mode: int, sync: bool) -> Iterator[str]:
    """A temporary file beside `path` holding `data` with `mode`; removed afterwards if still there."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)  # mode 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(_encode(data))
            handle.flush()
            if sync:
                os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        yield temporary
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def replace(path: Path, data: str | bytes, *, mode: int = 0o644, sync: bool = True) -> None:
    """Put `data` (str as UTF-8) at `path` atomically, over any file there; `sync=False` skips the fsyncs."""
    path = Path(path)
    with _temporary(path, data, mode, sync) as temporary:
        os.replace(temporary, path)
    if sync:
        sync_folder(path.parent)


def create(path: Path, data: str | bytes, *, mode: int = 0o644) -> None:
    """Write a new file atomically; `FileExistsError` (nothing written) when `path` already exists."""
    path = Path(path)
    with _temporary(path, data, mode, sync=True) as temporary:
        os.link(temporary, path)  # fails if the path exists: no overwrite, ever
    sync_folder(path.parent)


def append(path: Path, data: str | bytes, *, mode: int = 0o600) -> None:
    """Add `data` to the end of `path` (created with `mode`), under the file's lock, on disk before returning."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = _encode(data)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, mode)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        written = 0
        while written < len(data):
            written += os.write(fd, data[written:])
        os.fsync(fd)
    finally:
        os.close(fd)  # closing releases the lock


def _flock(fd: int, path: Path, wait: float | None, poll: float) -> None:
    if wait is None:
        fcntl.flock(fd, fcntl.LOCK_EX)
        return
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise LockTimeout(path, wait) from None
            time.sleep(poll)


@contextlib.contextmanager
def locked(path: Path, *, wait: float | None = None, poll: float = 0.1, mode: int = 0o600) -> Iterator[int]:
    """Hold an exclusive lock on `path` (a folder, or a file created with `mode`) for the block; yields its fd.

    `wait=None` waits as long as it takes; otherwise `LockTimeout` after `wait` seconds.
    Across processes and across threads (each call opens its own descriptor).
    """
    path = Path(path)
    if path.is_dir():
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, mode)
    try:
        _flock(fd, path, wait, poll)
        try:
            yield fd
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)  # also when a forked child still holds the descriptor
    finally:
        os.close(fd)
