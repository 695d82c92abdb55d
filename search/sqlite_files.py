"""The catalogues' SQLite files (search.catalogue, search.curator_catalogue): each written whole under a temporary
name and renamed into place, and read through read-only connections, one per thread (they are not shared)."""

from __future__ import annotations

import os
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

__all__ = ["write_new", "writing_new", "ReadOnly"]


@contextmanager
def writing_new(path: Path, schema: str) -> Iterator[sqlite3.Connection]:
    """Make the file at `path` anew: `schema`, then what the block writes, in one transaction, under a
    temporary name renamed into place when the block ends without an error (else the file is removed)."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.unlink(missing_ok=True)
    connection = sqlite3.connect(temporary)
    try:
        connection.executescript(schema)
        with connection:
            yield connection
    except BaseException:
        connection.close()
        temporary.unlink(missing_ok=True)
        raise
    connection.close()
    os.replace(temporary, path)


def write_new(path: Path, schema: str, fill: Callable[[sqlite3.Connection], None]) -> None:
    """Make the file at `path` anew: `schema`, then `fill` in one transaction, under a temporary name until done."""
    with writing_new(path, schema) as connection:
        fill(connection)


class ReadOnly:
    """An SQLite file opened read-only (`mode=ro`, `query_only`), one connection per thread."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._local = threading.local()

    def connection(self) -> sqlite3.Connection:
        found = getattr(self._local, "connection", None)
        if found is None:
            found = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            found.execute("PRAGMA query_only = 1")
            # pages come from the OS page cache, shared by every worker; each of a worker's threads keeps
            # only a small private cache of them (SQLite's default is 2 MB a connection), and maps nothing
            found.execute("PRAGMA cache_size = -256")
            found.execute("PRAGMA mmap_size = 0")
            self._local.connection = found
        return found

    def query(self, sql: str, args: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        return self.connection().execute(sql, args).fetchall()

    def close(self) -> None:
        """Close this thread's connection, if it has one (another is opened when asked for)."""
        found = getattr(self._local, "connection", None)
        if found is not None:
            self._local.connection = None
            found.close()
