"""What the public may see today, from the catalogue the indexer wrote (search.catalogue), never from memory.

A worker holds no testimony: `PublicSet.views` is a mapping over the catalogue file, which every worker
shares through the OS page cache. What it holds in memory is each public id with its version.

The catalogue was written from the files as one index run scanned them. This worker's own scan of the
files' names and stats (no file is read) says which testimony files differ from what the catalogue was
written from: their ids are *pending* and the public set leaves them out (fail closed) until the indexer
has written them again. Everything is pending when the vocabularies differ, when the day is before the
one consent was judged for, or when a view's `next_change` day has come. A pending testimony's page is
still read from its file through the gate (web.site.Site.view).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import heapq
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, TypeVar

from archive.consent import TestimonyView
from search.catalogue import NAME, CatalogueReader, files_digest
from search.manifest import IndexPaths, Keys, read_serial
from search.sources import Scan

__all__ = ["PublicSet", "CatalogueViews", "Catalogues", "public_fingerprint"]

T = TypeVar("T")
REJUDGE = 200  # pending files a worker reads itself; beyond that they wait for the indexer
GONE = "gone"
Judge = Callable[[str], "TestimonyView | str | None"]


def public_fingerprint(day: dt.date, vocabulary: str, versions: Mapping[str, str]) -> str:
    """A hash of what every public page may show: the day, the public vocabularies, each public version.

    From the public form alone: a hidden file, or a hidden field of a public one, never changes it.
    """
    digest = hashlib.sha256(f"{day.isoformat()}\0{vocabulary}\0".encode())
    for testimony_id in sorted(versions):
        digest.update(f"{testimony_id} {versions[testimony_id]}\n".encode())
    return digest.hexdigest()[:10]


class CatalogueViews(Mapping[str, TestimonyView]):
    """The public views of the ids in `versions`, each read from the catalogue when asked for."""

    def __init__(self, reader: CatalogueReader | None, versions: Mapping[str, str],
                 fresh: Mapping[str, TestimonyView] | None = None):
        self.reader = reader
        self.versions = versions
        self.fresh = fresh or {}  # pending files as read through the gate now

    def __getitem__(self, testimony_id: str) -> TestimonyView:
        if testimony_id in self.fresh:
            return self.fresh[testimony_id]
        if self.reader is None or testimony_id not in self.versions:
            raise KeyError(testimony_id)
        found = self.reader.view(testimony_id)
        if found is None or found.version != self.versions[testimony_id]:
            raise KeyError(testimony_id)  # rewritten since this set was made: its next set has it
        return found

    def __contains__(self, testimony_id: object) -> bool:
        return testimony_id in self.versions

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self.versions))

    def __len__(self) -> int:
        return len(self.versions)

    def values(self) -> Iterator[TestimonyView]:  # type: ignore[override]
        """Every view, one at a time, in id order (none is kept)."""
        stored = self.reader.views() if self.reader is not None else iter(())
        catalogued = (v for v in stored if v.id not in self.fresh and self.versions.get(v.id) == v.version)
        yield from heapq.merge(catalogued, (self.fresh[i] for i in sorted(self.fresh)), key=lambda v: v.id)


@dataclass(frozen=True)
class PublicSet:
    """Every testimony the public may see on one day, as public views."""

    day: dt.date
    signature: object
    views: CatalogueViews
    fingerprint: str  # changes with what the public sees (each public version, the vocabularies) and the day
    withdrawn: Callable[[], list[str]] = list  # ids the catalogue says answer 410 and still do (worked out once)

    derived: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __contains__(self, testimony_id: object) -> bool:
        return testimony_id in self.views

    def memo(self, name: str, build: Callable[[], T]) -> T:
        """A value worked out from this public set once (counts, translation links), then reused."""
        if name not in self.derived:
            self.derived[name] = build()
        return self.derived[name]  # type: ignore[no-any-return]


class Catalogues:
    """The serving generation's catalogue of one instance, opened again when the index moves on."""

    def __init__(self, instance: Path):
        self.paths = IndexPaths(Path(instance))
        self._reader: CatalogueReader | None = None
        self._opened: object = None
        self._keys: Keys | None = None

    def keys(self) -> Keys:
        if self._keys is None:
            self._keys = self.paths.keys()
        return self._keys

    def current(self) -> tuple[CatalogueReader | None, object]:
        """The reader of the serving catalogue (None if there is none) and a mark that changes with it."""
        head = read_serial(self.paths)
        if head is None:
            return None, None
        path = self.paths.generation(head[1]) / NAME
        try:
            stat = path.stat()
        except OSError:
            return None, None
        mark = (head, stat.st_ino, stat.st_mtime_ns, stat.st_size)
        if mark != self._opened:
            try:
                self._reader, self._opened = CatalogueReader(path), mark
            except Exception:  # half-written or unreadable: nothing public from it
                return None, None
        return self._reader, mark

    def public(self, today: dt.date, scan: Scan, vocabulary: str, judge: Judge) -> PublicSet:
        """The public set today. `judge` reads one file through the gate now: its public view, GONE if it
        answers 410, None if the public may not see it. Up to REJUDGE pending files are judged so, and shown as
        they are now (as the page shows them); beyond that they wait, hidden, for the indexer."""
        reader, mark = self.current()
        signature = (mark, today)
        if reader is None:
            return PublicSet(today, signature, CatalogueViews(None, {}), public_fingerprint(today, "", {}))
        pending = _pending_ids(reader, scan, self.keys())
        versions = _trusted(reader, scan, today, pending)
        judged = {i: judge(i) for i in sorted(pending)} if _usable(reader, scan, today) and len(pending) <= REJUDGE else {}
        fresh = {i: found for i, found in judged.items() if isinstance(found, TestimonyView)}
        versions.update((i, view.version) for i, view in fresh.items())
        key = self.keys()

        def withdrawn() -> list[str]:
            listed = reader.withdrawn()  # keyed: hash the ids only when there are some
            found = {i for i in scan.files if i not in pending and key(i) in listed} if listed else set()
            return sorted(found | {i for i, answer in judged.items() if answer == GONE})

        return PublicSet(today, signature, CatalogueViews(reader, versions, fresh),
                         public_fingerprint(today, vocabulary, versions), withdrawn)


def _pending_ids(reader: CatalogueReader, scan: Scan, key: Keys) -> frozenset[str]:
    """The ids of the files that differ from what the catalogue was written from (new, edited, moved)."""
    if reader.meta.get("files") == files_digest(scan, key):
        return frozenset()
    written = reader.files()
    return frozenset(s.id for s in scan.files.values() if written.get(key(s.path)) != (s.mtime_ns, s.size))


def _trusted(reader: CatalogueReader, scan: Scan, today: dt.date, pending: frozenset[str]) -> dict[str, str]:
    """Each public id whose catalogue row still holds today, and its version; every other id is left out."""
    if not _usable(reader, scan, today):
        return {}
    return {i: version for i, (version, change) in reader.versions().items()
            if i in scan.files and i not in pending and (change is None or today < dt.date.fromisoformat(change))}


def _usable(reader: CatalogueReader, scan: Scan, today: dt.date) -> bool:
    """False when nothing in the catalogue holds: other vocabularies, or a day before the one it was judged for."""
    meta = reader.meta
    return meta.get("vocabulary") == scan.vocabulary_hash and today >= dt.date.fromisoformat(meta.get("day", "9999-12-31"))
