"""Where each index lives in the instance directory, and the manifest that says what it holds.

There are two indexes, one per `archive.consent.Audience`, laid out alike:

    <instance>/index/
      lock                      the public index's writers' lock (fcntl); readers never take it
      public.sqlite             the manifest (below)
      public/<generation>/      a Whoosh index, plus places.yaml and themes.yaml as indexed
      curator.lock              the curator index's writers' lock
      curator.sqlite            its manifest (every valid testimony is indexed, so ids are kept)
      curator/<generation>/     the curator index: every testimony as curators see it, with its state

The manifest is one SQLite file: a head (the serving generation, the day consent was judged
for and until when that holds, a serial that grows with every write), one entry per testimony
file (its stat, version and the consent state that was indexed, keyed by a hash of the id: a
hidden testimony's slug is not kept in clear), and per bucket of files a hash of their names and
stats (search.changes), so that an update reads the entries of the buckets that changed, not all.
Every hash in it is an HMAC under the instance secret (archive.store.secret, <instance>/secret_key,
outside this folder), so no guess at a hidden id, file or name can be tested against it offline;
`secure_delete` overwrites whatever a write removes, so no old row lingers in a free page.

Nothing that serves the public opens the curator paths: they are only reached through an
`IndexPaths` made with `Audience.CURATOR`.

Each write is one transaction (a rollback journal: after a crash the next opening rolls it back),
made only after the Whoosh commit it describes, so the manifest may lag the index by one run
(the next run redoes that work) but never runs ahead of it. The JSON manifests of earlier
versions (`public.json`, `curator.json`) are never read: their index is rebuilt, and the rebuild
removes them.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import closing, contextmanager
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

from archive.consent import Audience
from archive.store.secret import hash_with, load_secret, purpose_key

__all__ = ["IndexPaths", "Entry", "Manifest", "Keys", "Head", "read_manifest", "read_serial", "FORMAT", "TABLES",
           "PARTIAL_INDEXES",
           "connect", "read_head", "entry_of"]

FORMAT = 2  # 1 was the JSON manifest
_ENTRY_FIELDS = ("path", "mtime_ns", "size", "version", "state", "indexed", "id", "embargo_until",
                 "translation_of", "consent")
# What every update asks of the entries (search.manifest_store), answered from small indexes of the few
# rows concerned instead of a pass over every entry (about 20 ms each at 100,000 files).
PARTIAL_INDEXES = (
    "entries_indexed ON entries (indexed) WHERE indexed",
    "entries_invalid ON entries (state) WHERE state = 'invalid'",
    "entries_embargo ON entries (embargo_until) WHERE embargo_until IS NOT NULL",
    "entries_translation ON entries (translation_of) WHERE translation_of IS NOT NULL",
)
TABLES = (
    "CREATE TABLE head (format INTEGER NOT NULL, serial INTEGER NOT NULL, schema_version TEXT NOT NULL, "
    "generation TEXT NOT NULL, vocabulary_hash TEXT NOT NULL, day TEXT NOT NULL, valid_until TEXT)",
    "CREATE TABLE entries (key TEXT PRIMARY KEY, bucket TEXT NOT NULL, path TEXT NOT NULL, mtime_ns INTEGER, "
    "size INTEGER, version TEXT, state TEXT, indexed INTEGER, id TEXT, embargo_until TEXT, translation_of TEXT, "
    "consent TEXT) WITHOUT ROWID",
    "CREATE INDEX entries_bucket ON entries (bucket)",
    "CREATE TABLE buckets (bucket TEXT PRIMARY KEY, digest TEXT NOT NULL) WITHOUT ROWID",
    *(f"CREATE INDEX {index}" for index in PARTIAL_INDEXES),
)
_PURPOSE = "archive index manifest"


@dataclass(frozen=True)
class Keys:
    """How the manifest names an id or a path, and keeps a file's or a consent's hash: an HMAC under the
    instance secret, so no slug of a hidden testimony is kept in clear and no guess can be checked offline."""

    secret: bytes = field(repr=False)
    _key: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:  # `archive.store.secret.keyed_hash`'s key for this purpose, derived once
        object.__setattr__(self, "_key", purpose_key(self.secret, _PURPOSE))

    def __call__(self, text: str) -> str:
        return hash_with(self._key, text)

    def of_bytes(self, data: bytes) -> str:
        """The same keyed hash of bytes (a bucket's names and stats, packed)."""
        return hash_with(self._key, data)



@dataclass(frozen=True)
class IndexPaths:
    """The paths of one audience's index (the public one unless told) under an instance directory."""

    instance: Path
    audience: Audience = Audience.PUBLIC

    @property
    def root(self) -> Path:
        return self.instance / "index"

    @property
    def manifest(self) -> Path:
        return self.root / f"{self.audience.value}.sqlite"

    @property
    def legacy_manifest(self) -> Path:
        """Where versions before the SQLite manifest kept theirs (never read: its index is rebuilt)."""
        return self.root / f"{self.audience.value}.json"

    @property
    def lock(self) -> Path:
        return self.root / ("lock" if self.audience is Audience.PUBLIC else f"{self.audience.value}.lock")

    @property
    def generations(self) -> Path:
        return self.root / self.audience.value

    def generation(self, name: str) -> Path:
        return self.generations / name

    def keys(self) -> Keys:
        """The manifest's keyed hash, under this instance's secret (made on first use)."""
        return Keys(load_secret(self.instance))


@dataclass(frozen=True)
class Entry:
    """One testimony file as the last run saw it, and what that run did with it.

    Entries are keyed by `keys(id)`; the id itself is kept only while the testimony is
    indexed (the index needs it to delete the document): in the public manifest only while it
    is public; the path only as `keys(path)`; the version and the consent fingerprint only
    keyed too (`Keys`).
    """

    path: str
    mtime_ns: int
    size: int
    version: str
    state: str  # archive.consent.State value on the indexed day, or "invalid"
    indexed: bool
    id: str | None = None
    embargo_until: str | None = None
    translation_of: str | None = None  # keys() of the original's id
    consent: str | None = None  # changes.consent_fingerprint of an indexed testimony


assert tuple(f.name for f in fields(Entry)) == _ENTRY_FIELDS


@dataclass(frozen=True)
class Head:
    """What the serving generation holds and until when it is valid; `serial` grows with every write."""

    serial: int
    schema_version: str
    generation: str
    vocabulary_hash: str
    day: str  # the date consent was evaluated for (ISO)
    valid_until: str | None  # ISO date from which an embargo ends, so the index is stale

    def is_expired(self, today: dt.date) -> bool:
        """True when an embargo has ended since (or the date moved back before) the indexed day."""
        if today < dt.date.fromisoformat(self.day):
            return True
        return self.valid_until is not None and today >= dt.date.fromisoformat(self.valid_until)


@dataclass(frozen=True)
class Manifest(Head):
    """The head and, read on first use, every entry (for tests and tools: index runs use `Store`)."""

    paths: IndexPaths | None = field(default=None, compare=False, repr=False)

    @property
    def entries(self) -> Mapping[str, Entry]:
        if self.paths is None:
            return {}
        with _reading(self.paths) as db:
            return {key: entry_of(row) for key, _, *row in db.execute("SELECT * FROM entries ORDER BY key")}

    @property
    def indexed_ids(self) -> frozenset[str]:
        if self.paths is None:
            return frozenset()
        with _reading(self.paths) as db:
            return frozenset(i for i, in db.execute("SELECT id FROM entries WHERE indexed AND id IS NOT NULL"))


def entry_of(row: Iterable[Any]) -> Entry:
    values = list(row)
    values[5] = bool(values[5])
    return Entry(*values)


def connect(path: Path, mode: str) -> sqlite3.Connection:
    db = sqlite3.connect(f"{path.absolute().as_uri()}?mode={mode}", uri=True, timeout=30, isolation_level=None)
    db.execute("PRAGMA secure_delete = ON")
    return db


@contextmanager
def _reading(paths: IndexPaths) -> Iterator[sqlite3.Connection]:
    """A read transaction on the manifest: one consistent state, whatever a writer does meanwhile.

    Opened read-write (never created), so that a crashed writer's journal is rolled back first."""
    with closing(connect(paths.manifest, "rw")) as db:
        db.execute("BEGIN")
        yield db


def read_head(db: sqlite3.Connection) -> tuple[Any, ...] | None:
    try:
        row = db.execute("SELECT format, serial, schema_version, generation, vocabulary_hash, day, valid_until "
                         "FROM head").fetchone()
    except sqlite3.DatabaseError:
        return None
    return row[1:] if row is not None and row[0] == FORMAT else None


def read_serial(paths: IndexPaths) -> tuple[int, str] | None:
    """(serial, generation) of the manifest: a cheap check that readers can make often."""
    head = _stored_head(paths)
    return (head[0], head[2]) if head else None


def read_manifest(paths: IndexPaths) -> Manifest | None:
    """The manifest's head (its entries read on first use), or None if there is none or it cannot be
    read (the index is then rebuilt)."""
    head = _stored_head(paths)
    return Manifest(*head, paths=paths) if head else None


def _stored_head(paths: IndexPaths) -> tuple[Any, ...] | None:
    try:
        with _reading(paths) as db:
            return read_head(db)
    except sqlite3.Error:
        return None
