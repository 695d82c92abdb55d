"""Statting testimony files by name in a folder open as a descriptor: in this process (`stat_files`), or, for a
large scan (archive.scanning), half of them in a forked helper (`split`) while this process stats the other half.

What a stat makes of a name is decided here once (archive.scanning's rules): a regular file, or a link to one, is
a testimony file; a link that leads nowhere is kept with no stat (`FileStat.missing`), so that `archive check`
reports it; a name removed since its folder was listed, or anything else, is not; a file with other hard links,
like a link, is one a watch of the content directory's folders may not see change (`linked`).
"""

from __future__ import annotations

import os
import stat as stats
import sys
import threading
from array import array
from typing import Iterator, NamedTuple

__all__ = ["SUFFIX", "FileStat", "Folder", "stat_files", "may_fork", "split"]

SUFFIX = ".md"
_new = tuple.__new__  # a FileStat without NamedTuple's Python-level constructor: the scan makes one per file
KIND, REGULAR = stats.S_IFMT(0o177777), stats.S_IFREG  # st_mode & KIND == REGULAR: a regular file


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


class Folder:
    """One folder of the tree, in scan order: open as `fd` (None once done) until its testimony files `names`
    are statted into `files`."""

    __slots__ = ("fd", "prefix", "names", "files")

    def __init__(self, fd: int | None, prefix: str, names: list[str], files: list[FileStat] | None):
        self.fd, self.prefix, self.names, self.files = fd, prefix, names, files


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
        if st.st_mode & KIND == REGULAR:
            append(_new(FileStat, (name[:-3], prefix + name, st.st_mtime_ns, st.st_size, st.st_ino, st.st_ctime_ns)))
            if st.st_nlink != 1:
                linked.append(prefix + name)


def may_fork() -> bool:
    """A helper process may be forked: on Linux (on macOS a fork is unsafe once a system framework is loaded,
    which Python's own modules may do), in a process that runs one thread (a fork copies no other thread, so a
    lock one of them held would never be released in the helper), with two cores or more."""
    if not sys.platform.startswith("linux") or threading.active_count() != 1:
        return False
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return cores >= 2


_REGULAR_FILE, _LINKED_FILE, _NOT_A_FILE, _DANGLING, _GONE = range(5)  # what the helper found of a name
_FIELDS = 5  # the helper's numbers for each name: what it found, then mtime_ns, size, ino and ctime_ns


def split(folders: list[Folder], linked: list[str]) -> None:
    """Stat the files of `folders` with a forked helper: it stats the second half of the names (in scan order)
    and sends back five numbers for each, while this process stats the first half. A folder whose files are
    all statted gets `files`; if the helper fails, the folders of its half keep `files` None."""
    total = sum(len(folder.names) for folder in folders)
    cuts: list[tuple[Folder, int]] = []  # each folder, with where the helper's names in it begin
    count = 0
    for folder in folders:
        cuts.append((folder, min(max(total // 2 - count, 0), len(folder.names))))
        count += len(folder.names)
    theirs = [(folder, cut) for folder, cut in cuts if cut < len(folder.names)]
    try:
        reading, writing = os.pipe()
    except OSError:
        return
    try:
        pid = os.fork()
    except OSError:
        os.close(reading)
        os.close(writing)
        return
    if pid == 0:  # the helper: stat its half, send the numbers, and leave running nothing of the parent's
        status = 1
        try:
            os.close(reading)
            numbers = array("q")
            for folder, cut in theirs:
                _stat_numbers(folder.fd, folder.names[cut:], numbers)  # type: ignore[arg-type]
            data = memoryview(numbers.tobytes())
            while data:
                data = data[os.write(writing, data):]
            status = 0
        finally:
            os._exit(status)
    os.close(writing)
    mine: list[list[FileStat]] = []
    chunks: list[bytes] = []
    try:
        for folder, cut in cuts:
            mine.append([])
            if cut:
                stat_files(folder.fd, folder.prefix, folder.names[:cut], mine[-1], linked)  # type: ignore[arg-type]
        while chunk := os.read(reading, 1 << 20):
            chunks.append(chunk)
    finally:
        os.close(reading)  # first: a helper still writing gets an error, and leaves
        _wait(pid)
    data, numbers = b"".join(chunks), array("q")
    # the helper writes its numbers once it has them all: all of them came, or it failed
    whole = len(data) == numbers.itemsize * _FIELDS * sum(len(folder.names) - cut for folder, cut in theirs)
    if whole:
        numbers.frombytes(data)
    values = iter(numbers)
    for (folder, cut), files in zip(cuts, mine):
        if cut == len(folder.names):
            folder.files = files
        elif whole:
            _add_numbers(folder.prefix, folder.names[cut:], values, files, linked)
            folder.files = files
        # else the caller stats this folder's files, all of them, as if there had been no helper


def _wait(pid: int) -> None:
    """Wait for the helper to end (so it leaves no zombie), unless something else of this process did: a
    server's master reaps every child that ends (gunicorn's SIGCHLD handler)."""
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def _stat_numbers(fd: int, names: list[str], numbers: array) -> None:
    """What `stat_files` finds of `names`, as five numbers a name (`_FIELDS`)."""
    extend, stat = numbers.extend, os.stat
    for name in names:
        try:
            st = stat(name, dir_fd=fd)
        except OSError:
            extend((_DANGLING if _is_link(name, fd) else _GONE, 0, 0, 0, 0))
            continue
        if st.st_mode & KIND == REGULAR:
            extend((_REGULAR_FILE if st.st_nlink == 1 else _LINKED_FILE, st.st_mtime_ns, st.st_size, st.st_ino,
                    st.st_ctime_ns))
        else:
            extend((_NOT_A_FILE, 0, 0, 0, 0))


def _add_numbers(prefix: str, names: list[str], values: Iterator[int], files: list[FileStat],
                 linked: list[str]) -> None:
    """Append the files `_stat_numbers` found among `names`, as `stat_files` would have."""
    append = files.append
    for name, found, mtime, size, ino, ctime in zip(names, values, values, values, values, values):
        if found <= _LINKED_FILE or found == _DANGLING:
            append(_new(FileStat, (name[:-3], prefix + name, mtime, size, ino, ctime)))
            if found == _LINKED_FILE:
                linked.append(prefix + name)


def _is_link(name: str, fd: int) -> bool:
    try:
        return stats.S_ISLNK(os.stat(name, dir_fd=fd, follow_symlinks=False).st_mode)
    except OSError:
        return False
