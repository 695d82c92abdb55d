"""The collection as the site serves it: loaded once per process, reloaded when the files change.

Two ways a change is noticed:

- the change stamp: a curator's save (web.curate.publish) replaces `<instance>/content-changed`;
  every process stats that one file whenever it asks for the collection, and reloads at once
  when it changed, so every worker serves the change from its very next request;
- the periodic scan, for edits made outside the site (an editor, git pull): one `stat` per
  file, at most once every `ARCHIVE_RELOAD_SECONDS`.

The public views of every testimony are worked out once per (files, stamp, day).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, TypeVar

import archive.store.files
from archive import consent
from archive.collection import Collection, ReadCache, load_collection
from archive.consent import Audience, TestimonyView
from archive.errors import Gone, NotFound
from archive.model import CollectionInfo

__all__ = ["Site", "PublicSet", "content_signature", "public_fingerprint", "STAMP_NAME", "stamp_path", "touch_stamp"]

T = TypeVar("T")
_VOCABULARY_FILES = ("collection.yaml", "places.yaml", "themes.yaml")
STAMP_NAME = "content-changed"


def stamp_path(instance: Path) -> Path:
    """The change stamp of the content served from this instance directory."""
    return Path(instance) / STAMP_NAME


def touch_stamp(instance: Path) -> None:
    """Tell every process serving this instance that the content changed: replace the stamp file.

    A new file is renamed over the old one, so its inode changes even when two saves fall
    within the file system's timestamp resolution.
    """
    archive.store.files.replace(stamp_path(instance), f"{time.time_ns()} {os.getpid()}\n", sync=False)  # a signal, not data


def _stamp_of(path: Path | None) -> tuple[int, int, int] | None:
    if path is None:
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_ino, stat.st_mtime_ns, stat.st_size)


def content_signature(root: Path) -> str:
    """A fingerprint of every file the collection is read from: names, sizes and modification times."""
    digest = hashlib.sha256()
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.endswith(".md") or (folder == str(root) and name in _VOCABULARY_FILES):
                try:
                    stat = os.stat(os.path.join(folder, name))
                except OSError:
                    continue
                digest.update(f"{folder}/{name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _vocabulary_hash(root: Path) -> str:
    digest = hashlib.sha256()
    for name in _VOCABULARY_FILES:
        try:
            digest.update((root / name).read_bytes())
        except OSError:
            digest.update(b"\0missing")
        digest.update(b"\0")
    return digest.hexdigest()


def public_fingerprint(day: dt.date, vocabulary: str, views: Mapping[str, TestimonyView]) -> str:
    """A hash of what every public page may show: the day, the public vocabularies, each public version.

    From the public form alone: a hidden file, or a hidden field of a public one, never changes it.
    """
    digest = hashlib.sha256(f"{day.isoformat()}\0{vocabulary}\0".encode())
    for testimony_id in sorted(views):
        digest.update(f"{testimony_id} {views[testimony_id].version}\n".encode())
    return digest.hexdigest()[:10]


@dataclass(frozen=True)
class PublicSet:
    """Every testimony the public may see on one day, as public views."""

    day: dt.date
    signature: str
    views: Mapping[str, TestimonyView]
    fingerprint: str  # changes with what the public sees (each public version, the vocabularies) and the day

    derived: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __contains__(self, testimony_id: object) -> bool:
        return testimony_id in self.views

    def memo(self, name: str, build: Callable[[], T]) -> T:
        """A value worked out from this public set once (counts, translation links), then reused."""
        if name not in self.derived:
            self.derived[name] = build()
        return self.derived[name]  # type: ignore[no-any-return]


class Site:
    """One process's view of the content directory; `stamp` is the change stamp it follows (if any)."""

    def __init__(self, content: Path, reload_seconds: float = 2.0, stamp: Path | None = None):
        self.content = Path(content)
        self.reload_seconds = reload_seconds
        self.stamp = stamp
        self._lock = threading.Lock()
        self._checked = 0.0
        self._files = ""  # content_signature when last loaded
        self._stamp: tuple[int, int, int] | None = None  # the change stamp when last loaded
        self._signature = ""  # both: what the public set follows
        self._vocabulary = ""  # a hash of collection.yaml, places.yaml and themes.yaml, all public
        self._collection: Collection | None = None
        self._public: PublicSet | None = None
        self._read_cache: ReadCache = {}  # files unchanged since the last load are not parsed again

    @property
    def collection(self) -> Collection:
        """The collection, read again if the change stamp moved or any of its files changed since the last look."""
        now = time.monotonic()
        stamp = _stamp_of(self.stamp)  # the one stat every request makes
        if self._collection is None or stamp != self._stamp or now - self._checked >= self.reload_seconds:
            with self._lock:
                self._refresh(stamp, force=stamp != self._stamp)
                self._checked = now
        return self._collection  # type: ignore[return-value]

    def reload(self) -> Collection:
        """Read the collection again now, whatever the stamp and the files say (after this process saved one)."""
        with self._lock:
            self._refresh(_stamp_of(self.stamp), force=True)
            self._checked = time.monotonic()
        return self._collection  # type: ignore[return-value]

    def rescan(self) -> Collection:
        """Read the collection again now if the change stamp or any of its files changed (one stat per file)."""
        with self._lock:
            self._refresh(_stamp_of(self.stamp), force=False)
            self._checked = time.monotonic()
        return self._collection  # type: ignore[return-value]

    def _refresh(self, stamp: tuple[int, int, int] | None, force: bool) -> None:
        """Load the collection if forced, never loaded, or its files changed (the caller holds the lock).

        The stamp is read before the files, so a change made during the load is seen next time.
        """
        files = content_signature(self.content)
        if self._collection is not None and not force and files == self._files and stamp == self._stamp:
            return
        self._collection = load_collection(self.content, self._read_cache)
        self._files, self._stamp = files, stamp
        self._signature = hashlib.sha256(f"{files}\0{stamp}".encode()).hexdigest()
        self._vocabulary = _vocabulary_hash(self.content)
        self._public = None

    @property
    def info(self) -> CollectionInfo:
        """The collection's metadata; a plain stand-in while collection.yaml is missing or invalid."""
        return self.collection.info or CollectionInfo(title="Testimony archive", publisher="", base_url="")

    def public(self, today: dt.date) -> PublicSet:
        """Every public view for `today`; only `archive.consent` decides what is in it."""
        collection = self.collection
        signature = self._signature
        current = self._public
        if current is not None and current.day == today and current.signature == signature:
            return current
        views: dict[str, TestimonyView] = {}
        for testimony in collection.testimonies.values():
            try:
                views[testimony.id] = consent.view(testimony, Audience.PUBLIC, today=today,
                                                   places=collection.places)
            except (NotFound, Gone):
                continue
        fingerprint = public_fingerprint(today, self._vocabulary, views)
        current = PublicSet(today, signature, views, fingerprint)
        self._public = current
        return current
