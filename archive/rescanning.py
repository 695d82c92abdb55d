"""A scan made again from the paths that changed: the same `ContentScan` a full scan would make, statting only those.

The background indexer learns from the kernel which testimony files changed (archive.notified). Given the
scan it made before and those paths, `rescan` lists each folder that holds one (names only, as the scan
does), stats the changed names and the new ones, and keeps every other file's stat from before: the files
in the same order, with the same stats, as `archive.scanning.scan` would give if nothing else changed.

It trusts that nothing else changed; that is what the caller must know (every path the kernel reported,
no event lost). When it cannot tell -- a folder that cannot be opened or listed, a testimony file that is
a link (archive.scanning.ContentScan.linked) -- it answers None, and the caller scans everything.
"""

from __future__ import annotations

import os
import posixpath
from bisect import bisect_left
from dataclasses import replace
from typing import Collection

from .scanning import FOLDER_FLAGS, ContentScan, FileStat, list_folder, stat_files, stat_meta

__all__ = ["rescan", "scan_order"]


def scan_order(path: str) -> tuple[tuple[int, str], ...]:
    """Where a file's path falls in a scan: in each folder its files by name, then its folders by name."""
    *folders, name = path.split("/")
    return (*((1, folder) for folder in folders), (0, name))


def rescan(previous: ContentScan, changed: Collection[str]) -> ContentScan | None:
    """`previous` with the files of the folders of `changed` (paths relative to the content directory, with
    forward slashes) seen again; None when that cannot be done (then scan everything)."""
    if previous.linked:
        return None
    files = previous.files
    try:
        root = os.open(previous.root, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        for folder in sorted({posixpath.dirname(path) for path in changed}):
            names = {posixpath.basename(path) for path in changed if posixpath.dirname(path) == folder}
            files = _folder_again(root, folder, names, files)
            if files is None:
                return None
        meta = stat_meta(root)
    finally:
        os.close(root)
    if files == previous.files and meta == previous.meta:
        return previous
    return replace(previous, files=files, meta=meta, since=(previous.files, frozenset(changed)))


def _folder_again(root: int, folder: str, changed: set[str], files: tuple[FileStat, ...]
                  ) -> tuple[FileStat, ...] | None:
    """`files` with the run of `folder`'s own files listed again: the `changed` names statted, the others kept."""
    prefix = f"{folder}/" if folder else ""
    fd = _open(root, folder)
    if fd is None:
        return None
    try:
        linked: list[str] = []
        listed = list_folder(fd, linked, prefix)
        if listed is None or linked:
            return None
        names = listed[0]
        base = tuple((1, part) for part in folder.split("/")) if folder else ()
        low = bisect_left(files, (*base, (0, "")), key=_order)  # the folder's own files come first ...
        high = bisect_left(files, (*base, (1, "")), key=_order)  # ... and its folders' after them
        before = {f.path[len(prefix):]: f for f in files[low:high]}
        kept = [before[name] for name in names if name in before and name not in changed]
        fresh: list[FileStat] = []
        stat_files(fd, prefix, [name for name in names if name not in before or name in changed], fresh, linked)
        if linked:
            return None
    finally:
        os.close(fd)
    run = sorted(kept + fresh, key=_path) if fresh else kept
    return files[:low] + tuple(run) + files[high:]


def _order(file: FileStat) -> tuple[tuple[int, str], ...]:
    return scan_order(file.path)


def _path(file: FileStat) -> str:
    return file.path


def _open(root: int, folder: str) -> int | None:
    """The folder open (as the scan opens it: no link followed, no dot name), or None."""
    fd = os.dup(root)
    for part in folder.split("/") if folder else ():
        try:
            if part.startswith("."):
                raise OSError(f"{part}: not part of the collection")
            sub = os.open(part, FOLDER_FLAGS, dir_fd=fd)
        except OSError:
            os.close(fd)
            return None
        os.close(fd)
        fd = sub
    return fd
