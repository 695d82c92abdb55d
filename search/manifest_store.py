"""The manifest as an index run reads and writes it: one SQLite transaction per run (search.manifest
says what it holds and why)."""

from __future__ import annotations

import errno
import functools
import sqlite3
from contextlib import closing, contextmanager
from dataclasses import astuple, fields
from operator import attrgetter
from typing import Any, Callable, ContextManager, Iterable, Iterator, Mapping, TypeVar

from pathlib import Path

from .manifest import FORMAT, PARTIAL_INDEXES, TABLES, Entry, Head, IndexPaths, connect, entry_of, read_head

__all__ = ["Store", "open_store"]

T = TypeVar("T")


def _os_error(exc: sqlite3.Error, path: Path) -> OSError:
    """An SQLite failure as the OSError that callers of an index run handle (a read-only or full disk...)."""
    name = getattr(exc, "sqlite_errorname", "")
    code = (errno.EACCES if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH"))
            else errno.ENOSPC if name == "SQLITE_FULL" else errno.EIO)
    return OSError(code, f"the index manifest could not be written ({exc})", str(path))


def _translated(method: Callable[..., T]) -> Callable[..., T]:
    @functools.wraps(method)
    def call(self: Store, *args: Any, **kwargs: Any) -> T:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            raise _os_error(exc, self.paths.manifest) from exc
    return call


class Store:
    """The manifest as an index run reads and writes it (`write`: under the writers' lock, search.locking)."""

    def __init__(self, paths: IndexPaths, write: bool = True):
        self.paths = paths
        if write:
            paths.root.mkdir(parents=True, exist_ok=True)
        try:
            self.db = self._open(write)
        except sqlite3.DatabaseError as exc:
            if not write or isinstance(exc, sqlite3.OperationalError):
                raise _os_error(exc, paths.manifest) from exc
            self._remove()  # not a database: made anew (the writers' lock is held), its index rebuilt
            self.db = self._open(write)
        except sqlite3.Error as exc:
            raise _os_error(exc, paths.manifest) from exc

    def _open(self, write: bool) -> sqlite3.Connection:
        db = connect(self.paths.manifest, "rwc" if write else "rw")
        db.execute("PRAGMA cache_size = -65536")  # a rebuild's rows fit: readers are not locked out early
        if write and read_head(db) is not None:  # a manifest written before these indexes: given them once
            for index in PARTIAL_INDEXES:
                db.execute(f"CREATE INDEX IF NOT EXISTS {index}")
        return db

    def _remove(self) -> None:
        for stale in (self.paths.manifest, self.paths.manifest.with_name(self.paths.manifest.name + "-journal")):
            stale.unlink(missing_ok=True)

    def close(self) -> None:
        self.db.close()

    def head(self) -> Head | None:
        """The head, or None if there is none, it is of another format, or the file is not a manifest."""
        row = read_head(self.db)
        return Head(*row) if row else None

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Reads that see one state of the manifest, whatever a writer does meanwhile."""
        self.db.execute("BEGIN")
        try:
            yield
        finally:
            self.db.execute("ROLLBACK")

    @_translated
    def digests(self) -> dict[str, str]:
        """Each bucket's hash of its files' names and stats, as the last run saw them."""
        return dict(self.db.execute("SELECT bucket, digest FROM buckets"))

    @_translated
    def entries(self, buckets: Iterable[str]) -> dict[str, tuple[str, Entry]]:
        """keys(id) -> (bucket, entry) of every entry in these buckets."""
        found = {}
        for bucket in buckets:
            for key, tag, *row in self.db.execute("SELECT * FROM entries WHERE bucket = ?", (bucket,)):
                found[key] = (tag, entry_of(row))
        return found

    @_translated
    def buckets_where(self, condition: str, *args: Any) -> list[tuple[str, Entry]]:
        """(bucket, entry) of the entries that meet an SQL condition on their columns."""
        return [(tag, entry_of(row)) for _, tag, *row in self.db.execute(f"SELECT * FROM entries WHERE {condition}",
                                                                      args)]

    def translations_of(self, keys: Iterable[str]) -> list[tuple[str, Entry]]:
        """(bucket, entry) of every translation of these ids (by keys(id))."""
        wanted, found = sorted(keys), []
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            found += self.buckets_where(f"translation_of IN ({', '.join('?' * len(chunk))})", *chunk)
        return found

    @_translated
    def invalid_stats(self) -> list[tuple[int, int, str]]:
        """(mtime_ns, size, keys(path)) of every file held as invalid."""
        return list(self.db.execute("SELECT mtime_ns, size, path FROM entries WHERE state = 'invalid'"))

    @_translated
    def embargoes(self) -> dict[str, str]:
        """keys(id) -> embargo_until of every entry with an embargo."""
        return dict(self.db.execute("SELECT key, embargo_until FROM entries WHERE embargo_until IS NOT NULL"))

    @_translated
    def indexed_count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM entries WHERE indexed").fetchone()[0])

    def indexed_ids(self) -> frozenset[str]:
        try:
            return frozenset(i for i, in self.db.execute("SELECT id FROM entries WHERE indexed AND id IS NOT NULL"))
        except sqlite3.DatabaseError:
            return frozenset()  # no manifest of this format: nothing was indexed that it could tell

    @_translated
    def replace(self, head: Head, entries: Iterable[tuple[str, str, Entry]], digests: Mapping[str, str]) -> None:
        """Everything anew (a rebuild), in one transaction: rows are (keys(id), bucket, entry)."""
        rows = list(entries)
        try:
            self._replace(head, rows, digests)
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError):
                raise
            self.db.close()  # a damaged database: made anew (the writers' lock is held)
            self._remove()
            self.db = self._open(True)
            self._replace(head, rows, digests)
        self.paths.legacy_manifest.unlink(missing_ok=True)

    def _replace(self, head: Head, rows: list[tuple[str, str, Entry]], digests: Mapping[str, str]) -> None:
        with _transaction(self.db) as db:
            for name in ("head", "entries", "buckets"):
                db.execute(f"DROP TABLE IF EXISTS {name}")
            for statement in TABLES:
                db.execute(statement)
            db.execute("INSERT INTO head VALUES (?, ?, ?, ?, ?, ?, ?)", (FORMAT, *astuple(head)))
            _write(db, rows, (), digests)

    @_translated
    def update(self, head: Head, entries: Iterable[tuple[str, str, Entry]], removed: Iterable[str],
               digests: Mapping[str, str | None]) -> None:
        """Some entries written, some removed (by keys(id)), some buckets' hashes set (None: gone), and
        the head, in one transaction."""
        with _transaction(self.db) as db:
            db.execute("UPDATE head SET serial = ?, schema_version = ?, generation = ?, vocabulary_hash = ?, "
                       "day = ?, valid_until = ?", astuple(head))
            _write(db, entries, removed, digests)


_fields = attrgetter(*(f.name for f in fields(Entry)))  # astuple deep-copies: 0.7 s of CPU a build at 100,000


def _write(db: sqlite3.Connection, entries: Iterable[tuple[str, str, Entry]], removed: Iterable[str],
           digests: Mapping[str, str | None]) -> None:
    db.executemany("DELETE FROM entries WHERE key = ?", ((k,) for k in removed))
    db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   ((key, tag, *_fields(entry)) for key, tag, entry in entries))
    db.executemany("DELETE FROM buckets WHERE bucket = ?", ((t,) for t, d in digests.items() if d is None))
    db.executemany("INSERT OR REPLACE INTO buckets VALUES (?, ?)", ((t, d) for t, d in digests.items() if d is not None))


@contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any error (the journal makes it all or nothing)."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def open_store(paths: IndexPaths, write: bool = True) -> ContextManager[Store]:
    """A `Store` for the length of a `with` block."""
    return closing(Store(paths, write))
