"""The collection as the site serves it: loaded once per process, reloaded when the files change.

Checking costs one `stat` per file, at most once every `ARCHIVE_RELOAD_SECONDS`;
the public views of every testimony are worked out once per (files, day).
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

from archive import consent
from archive.collection import Collection, load_collection
from archive.consent import Audience, TestimonyView
from archive.errors import Gone, NotFound
from archive.model import CollectionInfo

__all__ = ["Site", "PublicSet", "content_signature"]

T = TypeVar("T")
_VOCABULARY_FILES = ("collection.yaml", "places.yaml", "themes.yaml")


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


@dataclass(frozen=True)
class PublicSet:
    """Every testimony the public may see on one day, as public views."""

    day: dt.date
    signature: str
    views: Mapping[str, TestimonyView]
    fingerprint: str  # changes with the files (testimonies, places, themes) and the day

    derived: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __contains__(self, testimony_id: object) -> bool:
        return testimony_id in self.views

    def memo(self, name: str, build: Callable[[], T]) -> T:
        """A value worked out from this public set once (counts, translation links), then reused."""
        if name not in self.derived:
            self.derived[name] = build()
        return self.derived[name]  # type: ignore[no-any-return]


class Site:
    """One process's view of the content directory."""

    def __init__(self, content: Path, reload_seconds: float = 2.0):
        self.content = Path(content)
        self.reload_seconds = reload_seconds
        self._lock = threading.Lock()
        self._checked = 0.0
        self._signature = ""
        self._collection: Collection | None = None
        self._public: PublicSet | None = None

    @property
    def collection(self) -> Collection:
        """The collection, read again if any of its files changed since the last look."""
        now = time.monotonic()
        if self._collection is None or now - self._checked >= self.reload_seconds:
            with self._lock:
                signature = content_signature(self.content)
                if self._collection is None or signature != self._signature:
                    self._collection = load_collection(self.content)
                    self._signature = signature
                    self._public = None
                self._checked = now
        return self._collection

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
        fingerprint = hashlib.sha256(f"{today.isoformat()}\0{signature}".encode()).hexdigest()[:10]
        current = PublicSet(today, signature, views, fingerprint)
        self._public = current
        return current
