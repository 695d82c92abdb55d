"""What the public may see today, from the catalogue the indexer wrote (search.catalogue), never from memory.

A worker holds no testimony: `PublicSet.views` is a mapping over the catalogue file, which every worker
shares through the OS page cache. What it holds in memory is each public id with its version.

The catalogue was written from the files as one index run scanned them. Which files differ from that now
comes from the watcher (web.watching): their ids are *pending*, and the public set leaves them out (fail
closed) unless this worker has read them itself through the gate. Nothing is listed when the vocabularies
differ, when the day is before the one consent was judged for, or when the watcher compared the files
with another catalogue; a view is left out once its `next_change` day has come.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import heapq
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, NamedTuple, TypeVar

from archive.consent import TestimonyView
from search.catalogue import NAME, CatalogueReader, listing_facts
from search.manifest import IndexPaths, Keys, read_serial

from .watching import Watched

__all__ = ["PublicSet", "CatalogueViews", "Listed", "Catalogues", "public_fingerprint", "public_set", "GONE", "REJUDGE"]

T = TypeVar("T")
RECENT = 64  # decoded views a public set keeps: one search page asks for its hits' views more than once
REJUDGE = 200  # pending files a worker reads itself; beyond that they wait for the indexer
GONE = "gone"
Judge = Callable[[str], "TestimonyView | str | None"]
Find = Callable[[Mapping[str, "tuple[str, ...]"]], "dict[str, str]"]  # {kid: folders} -> {kid: id}


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
        # The last views read, each already checked against `versions`, which never change for this set.
        self._recent: OrderedDict[str, TestimonyView] = OrderedDict()
        self._lock = threading.Lock()

    def __getitem__(self, testimony_id: str) -> TestimonyView:
        if testimony_id in self.fresh:
            return self.fresh[testimony_id]
        if self.reader is None or testimony_id not in self.versions:
            raise KeyError(testimony_id)
        with self._lock:
            if testimony_id in self._recent:
                self._recent.move_to_end(testimony_id)
                return self._recent[testimony_id]
        found = self.reader.view(testimony_id)
        if found is None or found.version != self.versions[testimony_id]:
            raise KeyError(testimony_id)  # rewritten since this set was made: its next set has it
        with self._lock:
            self._recent[testimony_id] = found
            while len(self._recent) > RECENT:
                self._recent.popitem(last=False)
        return found

    def __contains__(self, testimony_id: object) -> bool:
        return testimony_id in self.versions

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self.versions))

    def __len__(self) -> int:
        return len(self.versions)

    def close(self) -> None:
        """Close this thread's connection to the catalogue (web.ready: the master's, before it forks)."""
        if self.reader is not None:
            self.reader.close()

    def listed(self) -> Iterator[Listed]:
        """Every view's listing facts, in no particular order (no view is read)."""
        rows = self.reader.listing() if self.reader is not None else iter(())
        for testimony_id, version, *facts in rows:
            if testimony_id not in self.fresh and self.versions.get(testimony_id) == version:
                yield _listed(testimony_id, *facts)
        for view in self.fresh.values():
            yield _listed(view.id, view.language, view.translation_of, *listing_facts(view))

    def values(self) -> Iterator[TestimonyView]:  # type: ignore[override]
        """Every view, one at a time, in id order (none is kept)."""
        stored = self.reader.views() if self.reader is not None else iter(())
        catalogued = (v for v in stored if v.id not in self.fresh and self.versions.get(v.id) == v.version)
        yield from heapq.merge(catalogued, (self.fresh[i] for i in sorted(self.fresh)), key=lambda v: v.id)


class Listed(NamedTuple):
    """What listings sort and count a public view by, without reading the view (search.catalogue)."""

    id: str
    language: str
    translation_of: str | None
    places: tuple[str, ...]
    themes: tuple[str, ...]
    added_on: dt.date
    event_start: dt.date
    updated: dt.date | None
    event_end: dt.date


def _listed(testimony_id: str, language: str, original: str | None, places: str, themes: str, added: str,
            start: str, updated: str | None, end: str) -> Listed:
    return Listed(testimony_id, language, original, tuple(places.split()), tuple(themes.split()),
                  dt.date.fromisoformat(added), dt.date.fromisoformat(start),
                  dt.date.fromisoformat(updated) if updated else None, dt.date.fromisoformat(end))


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



def public_set(reader: CatalogueReader | None, watched: Watched | None, today: dt.date, vocabulary: str,
               judge: Judge, find: Find, signature: object) -> PublicSet:
    """The public set today: the catalogue's views, less every pending id (`watched`, web.watching). Up to
    REJUDGE pending files are read through the gate (`judge`) and shown as they are now, as their pages
    show them; beyond that they wait, hidden, for the indexer. `find({kid: folders})` names the id of each
    keyed hash it can from the files in its folders (each folder listed once). No catalogue, or one no file
    agrees with, lists nothing."""
    empty = PublicSet(today, signature, CatalogueViews(None, {}), public_fingerprint(today, vocabulary, {}))
    if reader is None or watched is None or watched.pending is None or not _usable(reader, watched, today):
        return empty
    pending = watched.pending
    hidden = reader.public_ids(pending)  # catalogued ids whose file changed
    versions = {i: version for i, (version, change) in reader.versions().items()
                if i not in hidden and (change is None or today < dt.date.fromisoformat(change))}
    judged: dict[str, TestimonyView | str | None] = {}
    if len(pending) <= REJUDGE:
        for testimony_id in find({k: folders for k, folders in pending.items() if len(folders) == 1}).values():
            judged[testimony_id] = judge(testimony_id)
    fresh = {i: found for i, found in judged.items() if isinstance(found, TestimonyView)}
    versions.update((i, view.version) for i, view in fresh.items())

    def withdrawn() -> list[str]:
        listed = {kid: (folder,) for kid, folder in reader.withdrawn().items() if kid not in pending}
        found = set(find(listed).values())
        shared = find({kid: folders[:1] for kid, folders in pending.items() if len(folders) > 1})  # duplicated ids
        found |= {i for i in shared.values() if judge(i) == GONE}
        return sorted(found | {i for i, answer in judged.items() if answer == GONE})

    return PublicSet(today, signature, CatalogueViews(reader, versions, fresh),
                     public_fingerprint(today, vocabulary, versions), withdrawn)


def _usable(reader: CatalogueReader, watched: Watched, today: dt.date) -> bool:
    """False when nothing in the catalogue holds: another catalogue was watched, other vocabularies, or a day
    before the one it was judged for."""
    return (watched.token == reader.meta.get("token") and watched.vocabulary
            and today >= dt.date.fromisoformat(reader.meta.get("day", "9999-12-31")))
