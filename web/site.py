"""The content directory as one worker serves it, holding no testimony (docs/serving.md).

- The public views of every listing come from the catalogue the indexer writes beside the public index
  (web.public_set, search.catalogue); a worker keeps only each public id and its version.
- Which files differ from that catalogue comes from the watcher (web.watching): one stat of
  `<instance>/watched.json` per request. Without a fresh one (no watcher, a stopped one, or a change
  stamp newer than it) this worker scans names and stats itself, at most once per look.
- One testimony (a page, its citation, export or record) is read from its one file when asked for and
  passed through `archive.consent` as it is now (`Site.view`).
- The vocabularies and collection.yaml are small and kept in memory (web.vocabularies).
- The change stamp: a curator's save (web.curate.publish) replaces `<instance>/content-changed`; every
  request stats it, and looks again at once when it moved.
- Curator pages hold no collection either (web.curate.reading): one file at a time, found through this
  process's scan of names and stats (`Site.scan`), and counts from the curator index's catalogue.
"""

from __future__ import annotations

import datetime as dt
import os
import posixpath
import re
import threading
import time
from pathlib import Path
from typing import Any, Callable, Mapping

import archive.store.files
from archive import consent
from archive.collection import display_path
from archive.consent import Audience, TestimonyView
from archive.errors import Gone, NotFound
from archive.loader import read_testimony as read_fields
from archive.scanning import scan
from archive.model import CollectionInfo
from search.catalogue import CatalogueReader
from search.sources import FileStat, Scan, read_testimony, scan_content

from .public_set import GONE, Catalogues, PublicSet, public_fingerprint, public_set
from .vocabularies import VOCABULARY_FILES, Vocabularies, read_vocabularies
from .watching import STALE_SECONDS, WATCH_NAME, Watched, observe, read_watched

__all__ = ["Site", "PublicSet", "Vocabularies", "content_signature", "public_fingerprint", "STAMP_NAME",
           "stamp_path", "touch_stamp"]

STAMP_NAME = "content-changed"
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")  # docs/format.md: an id is a lowercase slug; nothing else is looked up


def stamp_path(instance: Path) -> Path:
    """The change stamp of the content served from this instance directory."""
    return Path(instance) / STAMP_NAME


def touch_stamp(instance: Path) -> None:
    """Tell every process serving this instance that the content changed: replace the stamp file.

    A new file is renamed over the old one, so its inode changes even when two saves fall
    within the file system's timestamp resolution.
    """
    archive.store.files.replace(stamp_path(instance), f"{time.time_ns()} {os.getpid()}\n", sync=False)  # a signal, not data


def _stat_of(path: Path | None) -> tuple[int, int, int] | None:
    if path is None:
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_ino, stat.st_mtime_ns, stat.st_size)


def content_signature(root: Path) -> str:
    """A fingerprint of every file the collection is read from (archive.scanning: the loader's and the index's rules)."""
    return scan(root).signature


class Site:
    """One process's view of the content directory; `stamp` is the change stamp it follows (if any)."""

    def __init__(self, content: Path, reload_seconds: float = 2.0, stamp: Path | None = None,
                 instance: Path | None = None):
        self.content = Path(content)
        self.reload_seconds = reload_seconds
        self.stamp = stamp
        self.instance = Path(instance) if instance else (stamp.parent if stamp else self.content)
        self.catalogues = Catalogues(self.instance)
        self._lock = threading.Lock()
        self._checked = -float("inf")
        self._stamp: Any = ()  # the change stamp at the last look
        self._vocabulary_stats: Any = None
        self._vocabularies: Vocabularies | None = None
        self._own: tuple[Any, Watched] | None = None  # (catalogue mark, what this worker saw) without a watcher
        self._scan: Scan | None = None  # names and stats, made when asked for (no catalogue yet, curator pages)
        self._kids: dict[str, str] = {}
        self._watched_file: Any = None  # (read_watched's answer, the stat it was read at)
        self._public: PublicSet | None = None

    # --- the change stamp and the vocabularies ----------------------------------------------------------

    def _look(self, force: bool = False) -> bool:
        """Stat the stamp (every request) and, when it moved or the interval passed, the vocabularies; True
        when this process should look at the files again."""
        now = time.monotonic()
        stamp = _stat_of(self.stamp)
        if not (force or self._vocabularies is None or stamp != self._stamp
                or now - self._checked >= self.reload_seconds):
            return False
        with self._lock:
            self._stamp, self._checked = stamp, now
            stats = tuple(_stat_of(self.content / name) for name in VOCABULARY_FILES)
            if stats != self._vocabulary_stats or self._vocabularies is None:
                self._vocabularies, self._vocabulary_stats = read_vocabularies(self.content), stats
            self._own = None
            self._scan = None
        return True

    @property
    def vocabularies(self) -> Vocabularies:
        self._look()
        return self._vocabularies  # type: ignore[return-value]

    @property
    def info(self) -> CollectionInfo:
        """The collection's metadata; a plain stand-in while collection.yaml is missing or invalid."""
        return self.vocabularies.info or CollectionInfo(title="Testimony archive", publisher="", base_url="")

    def rescan(self) -> bool:
        """Look at the files again on the next question (after this process saved one, or when the index seems
        ahead); True once it will."""
        return self._look(force=True)

    reload = rescan

    def key(self, testimony_id: str) -> str:
        found = self._kids.get(testimony_id)
        if found is None:
            found = self.catalogues.keys()(testimony_id)
            if len(self._kids) < 100_000:
                self._kids[testimony_id] = found
        return found

    # --- which files differ from the catalogue ----------------------------------------------------------

    def watched(self, reader: CatalogueReader, mark: Any) -> Watched:
        """What differs from this catalogue: the watcher's file when it is fresh, made for this catalogue and
        newer than the change stamp; else this worker's own scan (at most once per look)."""
        self._look()
        found = self._read_watched()
        stamp = self._stamp
        if found is not None:
            watched, stat = found
            fresh = time.time() - stat.st_mtime < STALE_SECONDS
            after = stamp is None or stat.st_mtime_ns >= stamp[1]
            if fresh and after and watched.token == reader.meta.get("token"):
                return watched
        own = self._own
        if own is None or own[0] != mark:
            own = (mark, observe(self.content, reader, self.catalogues.keys(), self._kids))
            self._own = own
        return own[1]

    def _read_watched(self) -> tuple[Watched, os.stat_result] | None:
        """watched.json, parsed again only when it was replaced (one stat otherwise)."""
        try:
            stat = os.stat(self.instance / WATCH_NAME)
        except OSError:
            return None
        known = self._watched_file
        if known is None or known[1] != (stat.st_ino, stat.st_mtime_ns, stat.st_size):
            found = read_watched(self.instance)
            if found is None:
                return None
            known = self._watched_file = (found, (found[1].st_ino, found[1].st_mtime_ns, found[1].st_size))
        return known[0]

    def _find(self, wanted: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
        """The id of each keyed hash in `wanted` that one of its folders holds a file of, each folder listed once."""
        found: dict[str, str] = {}
        for folder in sorted({f for folders in wanted.values() for f in folders}):
            try:
                names = os.listdir(self.content / folder)
            except OSError:
                continue
            for name in names:
                if name.endswith(".md") and not name.startswith("."):
                    kid = self.key(name[:-3])
                    if folder in wanted.get(kid, ()):
                        found.setdefault(kid, name[:-3])
        return found

    # --- the public side ---------------------------------------------------------------------------

    def public(self, today: dt.date) -> PublicSet:
        """Every public view for `today` the catalogue holds and the files still agree with."""
        vocabularies = self.vocabularies
        reader, mark = self.catalogues.current()
        watched = self.watched(reader, mark) if reader is not None else None
        signature = (mark, watched, today, vocabularies.digest)
        current = self._public
        if current is not None and current.signature == signature:
            return current
        current = public_set(reader, watched, today, vocabularies.digest, lambda i: self._judged(i, today),
                             self._find, signature)
        self._public = current
        return current

    def forget(self) -> None:
        """Let go of the public set this process made (web.ready: a server's master, once its workers run)."""
        self._public = None

    def _judged(self, testimony_id: str, today: dt.date) -> TestimonyView | str | None:
        """The public view of one file now, GONE if it answers 410, None if the public may not see it."""
        try:
            return self.view(testimony_id, Audience.PUBLIC, today)
        except Gone:
            return GONE
        except NotFound:
            return None

    def _folders(self, testimony_id: str) -> tuple[tuple[str, ...], Callable[[str], bool]]:
        """The folders of an id's files now, and whether an id has any file (for translation_of)."""
        reader, mark = self.catalogues.current()
        if reader is None:  # no index yet: this worker scans names for itself
            scan = self.scan()
            copies = [posixpath.dirname(p) for p in scan.duplicates if Path(p).stem == testimony_id]
            found = scan.files.get(testimony_id)
            return (tuple(copies) or ((posixpath.dirname(found.path),) if found else ())), scan.ids.__contains__
        pending = self.watched(reader, mark).pending

        def folders(i: str) -> tuple[str, ...]:
            kid = self.key(i)
            if pending is not None and kid in pending:
                return pending[kid]
            return reader.folders(kid)  # type: ignore[union-attr]

        return folders(testimony_id), lambda i: bool(folders(i))

    def view(self, testimony_id: str, audience: Audience, today: dt.date) -> TestimonyView:
        """`consent.view` of an id, read from its one file now; an id that several files share answers as
        its most restrictive copy (`consent.duplicate_answer`). Raises NotFound (404) or Gone (410)."""
        vocabularies = self.vocabularies
        if not _SLUG.fullmatch(testimony_id):
            raise NotFound("No testimony has that id.")
        folders, exists = self._folders(testimony_id)
        paths = [posixpath.join(f, f"{testimony_id}.md") for f in folders]
        if len(paths) > 1:
            raise consent.duplicate_answer(testimony_id, [_access(self.content / p) for p in paths])
        if not paths or not (self.content / paths[0]).is_file():
            raise NotFound("No testimony has that id.")
        stat = FileStat(testimony_id, paths[0], 0, 0)
        loaded = read_testimony(self.content, stat, vocabularies.places, vocabularies.themes, _Ids(exists))
        return consent.view(loaded.testimony, audience, today=today, places=vocabularies.places)

    def scan(self) -> Scan:
        """Names and stats of every testimony file (none is read), made again after the change stamp moved or
        the reload interval passed."""
        self._look()
        found = self._scan
        if found is None:
            found = self._scan = scan_content(self.content)
        return found


class _Ids:
    """Every id with a file, asked one at a time (a translation's original must exist)."""

    def __init__(self, exists: Callable[[str], bool]):
        self.exists = exists

    def __contains__(self, testimony_id: object) -> bool:
        return isinstance(testimony_id, str) and self.exists(testimony_id)


def _access(path: Path) -> str | None:
    """A file's consent.access as written (None if unreadable), for the answer of a duplicated id."""
    fields = read_fields(path, display_path(path))[3]
    section = fields.get("consent") if isinstance(fields, dict) else None
    access = section.get("access") if isinstance(section, dict) else None
    return access if isinstance(access, str) else None
