"""Writing testimony files safely: one writer at a time, atomically, never over a newer version.

A save holds an exclusive `flock` on the content directory itself (no lock file is left in
the collection), checks that the file is still the version the curator opened, and replaces
it atomically (archive.store.files).
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Iterator

from . import files
from ..errors import ArchiveError
from ..loader import file_hash
from .scaffold import write_new_file

__all__ = ["Conflict", "locked", "create_file", "replace_file", "current_version"]


class Conflict(ArchiveError):
    """The file changed on disk since the form was opened; carries both texts so nothing is lost."""

    def __init__(self, path: Path, mine: str, theirs: str | None, expected: str, current: str | None):
        self.path, self.mine, self.theirs = path, mine, theirs
        self.expected, self.current = expected, current
        state = "was deleted" if theirs is None else f"is now version {current}"
        super().__init__(f"{path.name} changed since you opened it (you opened version {expected}; it {state}); "
                         "your text was not saved.")


@contextlib.contextmanager
def locked(root: Path) -> Iterator[None]:
    """Hold the content directory's write lock (across processes and threads) for the block."""
    with files.locked(root):
        yield


def current_version(path: Path) -> str | None:
    """The file's version now, or None if it does not exist."""
    try:
        return file_hash(path.read_bytes())
    except FileNotFoundError:
        return None


def create_file(path: Path, text: str) -> str:
    """Write a new file atomically, never over one that exists; its version. Call inside `locked`."""
    write_new_file(path, text)
    return file_hash(text.encode("utf-8"))


def replace_file(path: Path, text: str, expected: str) -> str:
    """Replace a file atomically if it is still version `expected`, else raise `Conflict`. Call inside `locked`."""
    try:
        before = path.read_bytes()
    except FileNotFoundError:
        raise Conflict(path, text, None, expected, None) from None
    if file_hash(before) != expected:
        raise Conflict(path, text, before.decode("utf-8", "replace"), expected, file_hash(before))
    files.replace(path, text, mode=path.stat().st_mode & 0o777)
    return file_hash(text.encode("utf-8"))
