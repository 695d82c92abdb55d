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
import stat as stats
from array import array
from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain
from operator import itemgetter
from pathlib import Path
from typing import Mapping, NamedTuple

__all__ = ["FileStat", "ContentScan", "scan", "list_folder", "stat_files", "stat_meta", "FOLDER_FLAGS", "SUFFIX", "COLLECTION_FILE", "VOCABULARY_FILES", "META_FILES"]

SUFFIX = ".md"
COLLECTION_FILE = "collection.yaml"
VOCABULARY_FILES = ("places.yaml", "themes.yaml")
META_FILES = (COLLECTION_FILE, *VOCABULARY_FILES)
FOLDER_FLAGS = _FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
_new = tuple.__new__  # a FileStat without NamedTuple's Python-level constructor: the scan makes one per file
_KIND, _REGULAR = stats.S_IFMT(0o177777), stats.S_IFREG  # st_mode & _KIND == _REGULAR: a regular file
_ID, _PATH, _STAT = itemgetter(0), itemgetter(1), itemgetter(2, 3, 4, 5)


class FileStat(NamedTuple):
    """One file as the scan saw it: the id (the stem), the path relative to the content directory
    (forward slashes), and its stat (all zero for a link that leads nowhere)."""

    id: str
    path: str
    mtime_ns: int
    size: int
    ino: int = 0
    ctime_ns: int = 0

    @property
    def missing(self) -> bool:
        return self.ino == 0 and self.size == 0 and self.mtime_ns == 0


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
    """The content directory as the rules above read it; an empty scan if it cannot be listed."""
    root = Path(root)
    files: list[FileStat] = []
    meta: dict[str, FileStat] = {}
    linked: list[str] = []
    try:
        fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return ContentScan(root, ())
    collecting = gc.isenabled()
    gc.disable()  # a tuple per file and no cycle among them: the collector's passes over them were 10% of a scan
    try:
        _folder(fd, "", files, meta, linked)
    finally:
        os.close(fd)
        if collecting:
            gc.enable()
    return ContentScan(root, tuple(files), meta, bool(linked))


def _folder(fd: int, prefix: str, files: list[FileStat], meta: dict[str, FileStat] | None,
            linked: list[str]) -> None:
    """Add a folder's testimony files, then its folders' (the folder is open as `fd`)."""
    listed = list_folder(fd, linked, prefix)
    if listed is None:
        return  # unreadable, or gone since its parent was listed: none of it is in the collection
    names, folders = listed
    stat_files(fd, prefix, names, files, linked)
    if meta is not None:  # the collection's own files, at the top
        meta.update(stat_meta(fd))
    for name in sorted(folders):
        try:
            sub = os.open(name, _FOLDER, dir_fd=fd)  # O_NOFOLLOW: a folder swapped for a link is not entered
        except OSError:
            continue
        try:
            _folder(sub, f"{prefix}{name}/", files, None, linked)
        finally:
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


def stat_files(fd: int, prefix: str, names: list[str], files: list[FileStat], linked: list[str]) -> None:
    """Append the testimony files `names` of the folder open as `fd` (a file with other hard links adds its
    path to `linked`)."""
    append, stat = files.append, os.stat
    for name in names:
        try:
            st = stat(name, dir_fd=fd)  # follows a link to the file it names
        except OSError:
            if name.endswith(SUFFIX) and _is_link(name, fd):  # a link to nowhere: listed, so check reports it
                append(_new(FileStat, (name[:-3], prefix + name, 0, 0, 0, 0)))
            continue  # removed since the listing
        if st.st_mode & _KIND == _REGULAR:
            append(_new(FileStat, (name[:-3], prefix + name, st.st_mtime_ns, st.st_size, st.st_ino, st.st_ctime_ns)))
            if st.st_nlink != 1:
                linked.append(prefix + name)


def stat_meta(fd: int) -> dict[str, FileStat]:
    """The collection's own files (META_FILES) that are regular files in the folder open as `fd`."""
    meta = {}
    for name in META_FILES:
        try:
            st = os.stat(name, dir_fd=fd)
        except OSError:
            continue
        if st.st_mode & _KIND == _REGULAR:
            meta[name] = FileStat(name, name, st.st_mtime_ns, st.st_size, st.st_ino, st.st_ctime_ns)
    return meta


def _is_link(name: str, fd: int) -> bool:
    try:
        return stats.S_ISLNK(os.stat(name, dir_fd=fd, follow_symlinks=False).st_mode)
    except OSError:
        return False
