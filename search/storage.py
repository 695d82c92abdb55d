"""Reading an index generation through memory maps: the searching side's file storage.

Whoosh reads separate segment files with a seek and a read call for every posting block
and every length it looks up. Mapped, those reads are slices of memory, and the pages
are the page cache's own, shared by every worker that maps the same file (never copied
into a worker's private memory, as Whoosh's compound-file reader does). Writers keep
Whoosh's ordinary storage.
"""

from __future__ import annotations

import mmap
import os
from typing import Any

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile

__all__ = ["MappedStorage", "open_mapped"]


class _MappedFile(StructFile):
    """A read-only segment file over a memory map: `get` is a slice, not a seek and a read."""

    def get(self, position: int, length: int) -> bytes:
        return self.file[position:position + length]  # type: ignore[no-any-return]


class MappedStorage(FileStorage):
    """A folder whose files are opened as read-only memory maps (empty files as ordinary ones)."""

    def __init__(self, path: str):
        super().__init__(path, readonly=True)

    def open_file(self, name: str, **kwargs: Any) -> StructFile:
        with open(self._fpath(name), "rb") as handle:
            if os.fstat(handle.fileno()).st_size == 0:
                return super().open_file(name, **kwargs)
            mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)  # the handle can go; the map stays
        return _MappedFile(mapped, name=name, **kwargs)


def open_mapped(directory: str) -> Any:
    """The index in `directory`, its files read through memory maps."""
    return MappedStorage(directory).open_index()
