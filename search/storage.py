"""Reading an index generation with positional reads: the searching side's file storage.

Whoosh reads separate segment files with a seek and a read call for every posting block and
every length it looks up. Here each of those `get`s is one `os.pread` at its position: no
shared file offset (thread-safe), no seek, and the pages stay the kernel page cache's own,
shared by every worker reading the same file and never part of a worker's memory (neither
copied in, as Whoosh's compound-file reader does, nor mapped into it). Sequential reads (a
segment's header, its lengths) go through an ordinary buffered file. Writers keep Whoosh's
ordinary storage.

Measured against memory maps at 10,000 testimonies (docs/performance.md): cold query times the
same within the noise of a shared machine, and a worker's PSS 50-65 MB lower, the index pages no
longer counted in it.
"""

from __future__ import annotations

import os
from array import array
from sys import byteorder
from typing import Any

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile

__all__ = ["PositionalStorage", "open_positional"]

_SWAP = byteorder == "little"  # Whoosh writes arrays big-endian


class _PositionalFile(StructFile):
    """A read-only segment file whose `get` and `get_array` are single positional reads."""

    def __init__(self, handle: Any, name: str, **kwargs: Any):
        super().__init__(handle, name=name, **kwargs)
        self._fd = handle.fileno()

    def get(self, position: int, length: int) -> bytes:
        return os.pread(self._fd, length, position)

    def get_array(self, position: int, typecode: str, length: int) -> array[Any]:
        found = array(typecode)
        found.frombytes(os.pread(self._fd, length * found.itemsize, position))
        if _SWAP:
            found.byteswap()
        return found


class PositionalStorage(FileStorage):
    """A folder whose files are read with positional reads (read-only)."""

    def __init__(self, path: str):
        super().__init__(path, supports_mmap=False, readonly=True)

    def open_file(self, name: str, **kwargs: Any) -> StructFile:
        return _PositionalFile(open(self._fpath(name), "rb"), name=name, **kwargs)


def open_positional(directory: str) -> Any:
    """The index in `directory`, its files read with positional reads."""
    return PositionalStorage(directory).open_index()

