"""The content directory as one worker serves it, holding no testimony.

- The public views of every listing come from the catalogue the indexer writes beside the public index
  (web.public_set, search.catalogue); a worker keeps only each public id and its version.
- One testimony (a page, its citation, export or record) is read from its one file when asked for and
  passed through `archive.consent` as it is now (`Site.view`).
- The vocabularies and collection.yaml are small and kept in memory.
- Which files exist, and their stats, come from a scan of names and stats (no file is read): at most
  once every `ARCHIVE_RELOAD_SECONDS`, and at once when the change stamp moves (a curator's save,
  web.curate.publish, replaces `<instance>/content-changed`). Files whose stat differs from what the
  catalogue was written from are pending: out of every listing until the indexer has caught up.
- Curator pages, which list hidden testimonies too, still read the whole collection (`Site.collection`),
  loaded only when a signed-in curator first asks for it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import archive.files
from archive import consent
from archive.collection import Collection, ReadCache, display_path, load_collection
from archive.consent import Audience, TestimonyView
from archive.errors import Gone, NotFound
from archive.loader import load_collection_info, read_testimony as read_fields
from archive.model import CollectionInfo
from archive.vocabulary import Gazetteer, Themes
from search.sources import Scan, load_vocabularies, read_testimony, scan_content

from .public_set import GONE, Catalogues, PublicSet, public_fingerprint

__all__ = ["Site", "PublicSet", "Vocabularies", "content_signature", "public_fingerprint", "STAMP_NAME",
           "stamp_path", "touch_stamp"]

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
    archive.files.replace(stamp_path(instance), f"{time.time_ns()} {os.getpid()}\n", sync=False)  # a signal, not data


def _stat_of(path: Path | None) -> tuple[int, int, int] | None:
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


@dataclass(frozen=True)
class Vocabularies:
    """collection.yaml, places.yaml and themes.yaml as read, with a hash of all three (all public)."""

    root: Path
    info: CollectionInfo | None
    places: Gazetteer
    themes: Themes
    digest: str


def _vocabularies(root: Path) -> Vocabularies:
    digest = hashlib.sha256()
    for name in _VOCABULARY_FILES:
        try:
            digest.update((root / name).read_bytes())
        except OSError:
            digest.update(b"\0missing")
        digest.update(b"\0")
    path = root / "collection.yaml"
    info = load_collection_info(path, display_path(path))[0] if path.is_file() else None
    places, themes = load_vocabularies(root)
    return Vocabularies(root, info, places, themes, digest.hexdigest())


class Site:
    """One process's view of the content directory; `stamp` is the change stamp it follows (if any)."""

    def __init__(self, content: Path, reload_seconds: float = 2.0, stamp: Path | None = None,
                 instance: Path | None = None):
        self.content = Path(content)
        self.reload_seconds = reload_seconds
        self.stamp = stamp
        self.catalogues = Catalogues(Path(instance) if instance else (stamp.parent if stamp else self.content))
        self._lock = threading.Lock()
        self._checked = -float("inf")
        self._stamp: Any = ()  # the change stamp at the last scan
        self._scan: Scan | None = None
        self._vocabulary_stats: Any = None
        self._vocabularies: Vocabularies | None = None
        self._public: PublicSet | None = None
        self._collection: Collection | None = None  # curator pages only
        self._collection_mark: Any = None
        self._read_cache: ReadCache = {}

    # --- names and stats, and the vocabularies --------------------------------------------------------

    def scan(self, force: bool = False) -> Scan:
        """The testimony files' names and stats, scanned again when the stamp moved or the interval passed."""
        now = time.monotonic()
        stamp = _stat_of(self.stamp)  # the one stat every request makes
        if force or self._scan is None or stamp != self._stamp or now - self._checked >= self.reload_seconds:
            with self._lock:
                self._scan, self._stamp, self._checked = scan_content(self.content), stamp, now
                stats = tuple(_stat_of(self.content / name) for name in _VOCABULARY_FILES)
                if stats != self._vocabulary_stats or self._vocabularies is None:
                    self._vocabularies, self._vocabulary_stats = _vocabularies(self.content), stats
        return self._scan

    @property
    def vocabularies(self) -> Vocabularies:
        self.scan()
        return self._vocabularies  # type: ignore[return-value]

    @property
    def info(self) -> CollectionInfo:
        """The collection's metadata; a plain stand-in while collection.yaml is missing or invalid."""
        return self.vocabularies.info or CollectionInfo(title="Testimony archive", publisher="", base_url="")

    def rescan(self) -> Scan:
        """Look at the files again now (when the index seems ahead of this process)."""
        return self.scan(force=True)

    # --- the public side ---------------------------------------------------------------------------

    def public(self, today: dt.date) -> PublicSet:
        """Every public view for `today` the catalogue holds and the files still agree with."""
        scan = self.scan()
        vocabularies = self._vocabularies
        assert vocabularies is not None
        current = self._public
        reader, mark = self.catalogues.current()
        if current is not None and current.signature == (mark, id(scan), today, vocabularies.digest):
            return current
        found = self.catalogues.public(today, scan, vocabularies.digest, lambda i: self._judged(i, today))
        current = PublicSet(today, (mark, id(scan), today, vocabularies.digest), found.views, found.fingerprint,
                            found.withdrawn)
        self._public = current
        return current

    def _judged(self, testimony_id: str, today: dt.date) -> TestimonyView | str | None:
        """The public view of one file now, GONE if it answers 410, None if the public may not see it."""
        try:
            return self.view(testimony_id, Audience.PUBLIC, today)
        except Gone:
            return GONE
        except NotFound:
            return None

    def view(self, testimony_id: str, audience: Audience, today: dt.date) -> TestimonyView:
        """`consent.view` of an id, read from its one file now; an id that several files share answers as
        its most restrictive copy (`consent.duplicate_answer`). Raises NotFound (404) or Gone (410)."""
        scan = self.scan()
        vocabularies = self._vocabularies
        assert vocabularies is not None
        copies = [p for p in scan.duplicates if Path(p).stem == testimony_id]
        if copies:
            raise consent.duplicate_answer(testimony_id, [_access(self.content / p) for p in copies])
        stat = scan.files.get(testimony_id)
        if stat is None:
            raise NotFound("No testimony has that id.")
        loaded = read_testimony(self.content, stat, vocabularies.places, vocabularies.themes, set(scan.ids))
        return consent.view(loaded.testimony, audience, today=today, places=vocabularies.places)

    # --- curator pages: the whole collection, loaded when first asked for ---------------------------

    @property
    def collection(self) -> Collection:
        """Every testimony, hidden ones too, for curator pages; read again when the files changed."""
        scan = self.scan()
        with self._lock:
            mark = (id(scan), self._vocabulary_stats)
            if self._collection is None or mark != self._collection_mark:
                self._collection = load_collection(self.content, self._read_cache)
                self._collection_mark = mark
        return self._collection

    def reload(self) -> Scan:
        """After this process saved a file: scan again now (the collection follows when next asked for)."""
        return self.scan(force=True)


def _access(path: Path) -> str | None:
    """A file's consent.access as written (None if unreadable), for the answer of a duplicated id."""
    fields = read_fields(path, display_path(path))[3]
    section = fields.get("consent") if isinstance(fields, dict) else None
    access = section.get("access") if isinstance(section, dict) else None
    return access if isinstance(access, str) else None
