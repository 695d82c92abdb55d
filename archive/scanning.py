"""The one scan of a content directory: which files the collection is read from, by one set of rules.

The loader (archive.collection), the index (search.sources) and the site (web.site, web.indexer)
all take the collection's files from `scan`, so they cannot disagree about what the collection is.
It only reads: one listing per folder (which tells folders from files) and one stat per file, by name
relative to its folder's descriptor; nothing is opened or parsed. The rules:

- A testimony file is a regular file whose name ends in `.md`, in the content directory or in
  any folder below it; its id is the name without `.md`.
- Names that start with `.` are skipped, files and folders alike (.git, editors' swap files).
- A symbolic link to a file counts as that file. A link to a folder is never entered (no loops,
  and no folder outside the content directory joins it). A link that leads nowhere is still
  listed (with no stat, `missing`), so that `archive check` reports it; nothing of it is published.
- Anything else (other names, fifos, sockets, devices) is not part of the collection.
- Order: in each folder its files by name, then its folders by name, each in full.
- The collection's own files are `collection.yaml`, `places.yaml` and `themes.yaml` at the top.
- An id that two or more files share, in any folders, is a duplicate: every copy stays in
  `files` (each has its problems) and none is published (docs/format.md).
"""

from __future__ import annotations

import gc
import hashlib
import os
from array import array
from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain
from operator import itemgetter
from pathlib import Path
from typing import Mapping

from .statting import KIND, REGULAR, SUFFIX, FileStat, Folder, may_fork, split, stat_files

__all__ = ["FileStat", "ContentScan", "scan", "list_folder", "stat_files", "stat_meta", "FOLDER_FLAGS", "SUFFIX", "COLLECTION_FILE", "VOCABULARY_FILES", "META_FILES"]

COLLECTION_FILE = "collection.yaml"
VOCABULARY_FILES = ("places.yaml", "themes.yaml")
META_FILES = (COLLECTION_FILE, *VOCABULARY_FILES)
FOLDER_FLAGS = _FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
_ID, _PATH, _STAT = itemgetter(0), itemgetter(1), itemgetter(2, 3, 4, 5)


@dataclass(frozen=True)
class ContentScan:
    """Every testimony file of a content directory, in scan order, and the collection's own files."""

    root: Path
    files: tuple[FileStat, ...]
    meta: Mapping[str, FileStat] = field(default_factory=dict)  # of META_FILES, those that exist
    # A testimony file is a symbolic link or has other hard links: it can change through a path outside
    # the content directory, which no watch of its folders sees (archive.notified), so only a scan shows it.
    linked: bool = False
    # made again from the last scan (archive.rescanning): that scan's files and the paths seen again
    since: tuple[tuple[FileStat, ...], frozenset[str]] | None = field(default=None, compare=False, repr=False)

    @cached_property
    def by_id(self) -> Mapping[str, FileStat]:
        """The file of every id that exactly one file has."""
        found = dict(zip(map(_ID, self.files), self.files))
        for testimony_id in self.duplicates:
            del found[testimony_id]
        return found

    @cached_property
    def duplicates(self) -> Mapping[str, tuple[FileStat, ...]]:
        """Every id that several files share, with all its copies."""
        if len(self.ids) == len(self.files):
            return {}
        copies: dict[str, list[FileStat]] = {}
        for file in self.files:  # one pass, however many ids are shared
            copies.setdefault(file.id, []).append(file)
        return {i: tuple(copies[i]) for i in sorted(copies) if len(copies[i]) > 1}

    @cached_property
    def ids(self) -> frozenset[str]:
        """Every id in the tree, duplicated ones too (a translation may name one)."""
        return frozenset(map(_ID, self.files))

    @cached_property
    def signature(self) -> str:
        """A fingerprint of every file the collection is read from: names, sizes, times and inodes.

        It changes when a file is added, removed, renamed, written or replaced (for the process that
        compares two scans; it is never stored)."""
        files = (*self.files, *(self.meta[name] for name in META_FILES if name in self.meta))
        digest = hashlib.sha256("\0".join(map(_PATH, files)).encode("utf-8", "surrogateescape"))
        digest.update(array("q", chain.from_iterable(map(_STAT, files))).tobytes())
        return digest.hexdigest()


def scan(root: Path) -> ContentScan:
    """The content directory as the rules above read it; an empty scan if it cannot be listed.

    Every folder is listed first, then the files are statted: in a large tree (SPLIT_FROM names or more) on a
    machine with two cores or more, half of them by a forked helper (archive.statting), as git stats its index from
    several threads. The scan is the same either way; if the helper fails, its half is statted here."""
    root = Path(root)
    linked: list[str] = []
    try:
        fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return ContentScan(root, ())
    folders: list[Folder] = []
    collecting = gc.isenabled()
    gc.disable()  # a tuple per file and no cycle among them: the collector's passes over them were 10% of a scan
    try:
        _list_tree(fd, "", folders, linked)
        waiting = [folder for folder in folders if folder.files is None]
        if sum(len(folder.names) for folder in waiting) >= SPLIT_FROM and may_fork():
            split(waiting, linked)
        for folder in waiting:
            if folder.files is None:
                folder.files = []
                stat_files(folder.fd, folder.prefix, folder.names, folder.files, linked)  # type: ignore[arg-type]
        meta = stat_meta(fd)
    finally:
        for folder in folders:
            if folder.fd is not None and folder.fd != fd:
                os.close(folder.fd)
        os.close(fd)
        if collecting:
            _promote()
            gc.enable()
    files = tuple(chain.from_iterable(folder.files or () for folder in folders))
    return ContentScan(root, files, meta, bool(linked))


def _promote() -> None:
    """Move every object the collector tracks to its oldest generation, unless this process keeps objects frozen.

    The scan's tuples (one per file) were made while the collector was off. Left in the youngest generation, the
    next collection would go through them all: 30 ms at 100,000 files, the tenth of a one-file update. They hold
    no cycle, so the oldest generation, gone through only by the rare full collection, is where they belong.
    `gc.freeze()` then `gc.unfreeze()` does that (the documented behaviour of the two); in a process that keeps
    objects frozen (forked from a server's master, web/forked.py) it would unfreeze those, so it is not done."""
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()


SPLIT_FROM = 20_000  # names to stat from which a helper process stats half of them (below, a fork costs more)
KEEP_OPEN = 256  # folders kept open from their listing until their files are statted (the others: at once)


def _list_tree(fd: int, prefix: str, folders: list[Folder], linked: list[str]) -> None:
    """List the folder open as `fd`, then every folder below it, in scan order. The first KEEP_OPEN folders stay
    open with their files still to stat (the caller closes them); past that, a folder's files are statted at once."""
    listed = list_folder(fd, linked, prefix)
    if listed is None:
        return  # unreadable, or gone since its parent was listed: none of it is in the collection
    names, subfolders = listed
    if len(folders) < KEEP_OPEN:
        folders.append(Folder(fd, prefix, names, None))
    else:
        done: list[FileStat] = []
        stat_files(fd, prefix, names, done, linked)
        folders.append(Folder(None, prefix, [], done))
    for name in sorted(subfolders):
        try:
            sub = os.open(name, _FOLDER, dir_fd=fd)  # O_NOFOLLOW: a folder swapped for a link is not entered
        except OSError:
            continue
        index = len(folders)
        try:
            _list_tree(sub, f"{prefix}{name}/", folders, linked)
        finally:
            if index >= len(folders) or folders[index].fd != sub:  # not kept open for its files
                os.close(sub)


def list_folder(fd: int, linked: list[str], prefix: str = "") -> tuple[list[str], list[str]] | None:
    """The testimony files' names (sorted) and the folders' names of the folder open as `fd`, or None if it
    cannot be listed; a testimony file that is a symbolic link adds its path to `linked`."""
    names, folders = [], []
    try:
        with os.scandir(fd) as listing:
            for entry in listing:  # the entry's type comes with the listing: no stat to tell a folder
                name = entry.name
                if name[0] == ".":
                    continue
                if entry.is_dir(follow_symlinks=False):
                    folders.append(name)
                elif name.endswith(SUFFIX):
                    names.append(name)
                    if entry.is_symlink():
                        linked.append(prefix + name)
    except OSError:
        return None
    names.sort()
    return names, folders


def stat_meta(fd: int) -> dict[str, FileStat]:
    """The collection's own files (META_FILES) that are regular files in the folder open as `fd`."""
    meta = {}
    for name in META_FILES:
        try:
            st = os.stat(name, dir_fd=fd)
        except OSError:
            continue
        if st.st_mode & KIND == REGULAR:
            meta[name] = FileStat(name, name, st.st_mtime_ns, st.st_size, st.st_ino, st.st_ctime_ns)
    return meta
