"""Which files of a content directory changed, as the kernel tells it (Linux inotify): no scan needed.

`Notices` watches every folder the scan enters (archive.scanning's rules: no dot names, no folder
reached through a link) and gathers the paths of the testimony files and of the collection's own files
that were created, written, had their stat changed, were moved or removed. `take()` gives them, or None
when they cannot be trusted to be all:

- the kernel's queue overflowed (events were dropped), a watch was lost, or the content directory itself
  was moved, removed or unmounted, or its path now leads to another folder (a link swapped);
- a folder was created, removed, moved or changed (its files may have come or gone before it was watched);
- the watches could not all be set (too many folders for `fs.inotify.max_user_watches`), or inotify is
  not available at all;
- the content directory is on a network or user-space file system (NFS, SMB, sshfs and the rest of FUSE,
  9p, virtiofs...): a change made on another machine, or by the host, makes no event here, so such a
  directory is never followed by notices at all (`remote_filesystem`), only scanned.

Then the caller scans everything and calls `restart()` before that scan, so no change made during the scan
goes unseen. Some changes never make an event, and the full scan the caller keeps doing every so often
is what finds them: a write through a memory map, a change on another machine of a network file system,
a write through another hard link or a symbolic link's target (archive.scanning.ContentScan.linked: the
caller does not use these notices while the scan shows such a file).
"""

from __future__ import annotations

import contextlib
import os
import posixpath
from pathlib import Path

from .scanning import FOLDER_FLAGS, META_FILES, SUFFIX

__all__ = ["Notices", "remote_filesystem"]

try:
    from inotify_simple import INotify, flags
except (ImportError, OSError):  # not Linux: every change is found by scanning
    INotify = None  # type: ignore[assignment,misc]

# File systems whose files may change without an event here: network and cluster file systems, user-space
# ones (FUSE: any type "fuse" or "fuse.*", sshfs among them) and those a host shares with its virtual machine.
_REMOTE_TYPES = frozenset({
    "nfs", "nfs4", "cifs", "smb3", "smbfs", "ncpfs", "afs", "coda", "ceph", "glusterfs", "lustre", "gpfs",
    "ocfs2", "gfs2", "beegfs", "orangefs", "9p", "virtiofs", "vboxsf", "vmhgfs", "prl_fs", "davfs", "fuse",
    "fuseblk"})

_DOUBT_NAMES = ("Q_OVERFLOW", "IGNORED", "DELETE_SELF", "MOVE_SELF", "UNMOUNT")
_WATCHED = ("CREATE", "DELETE", "MODIFY", "CLOSE_WRITE", "ATTRIB", "MOVED_FROM", "MOVED_TO", "DELETE_SELF",
            "MOVE_SELF", "DONT_FOLLOW", "ONLYDIR")


def _mask(names: tuple[str, ...]) -> int:
    mask = 0
    for name in names:
        mask |= getattr(flags, name)
    return mask


class Notices:
    """The paths changed in `root` since the last `take()` (relative, with forward slashes)."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.inotify: INotify | None = None
        self.folders: dict[int, str] = {}  # watch descriptor -> folder (relative; "" for the root)
        self.identity: tuple[int, int] | None = None  # the content directory's device and inode when watched
        self.doubt = True
        self.restart()

    def restart(self) -> None:
        """Watch every folder afresh (before a full scan): what changes from now on is told."""
        self.close()
        if INotify is None or remote_filesystem(self.root):
            return
        try:
            self.inotify = INotify()
            self.identity = _identity(self.root)
            self._watch_tree()
        except OSError:  # no inotify, or too many folders for the watches allowed: scan every time
            self.close()
            return
        self.doubt = False

    def _watch_tree(self) -> None:
        assert self.inotify is not None
        mask = _mask(_WATCHED)
        pending = [""]
        while pending:
            folder = pending.pop()
            path = self.root / folder if folder else self.root
            # the content directory may be a link (followed, as the scan does); no folder below it is
            self.folders[self.inotify.add_watch(path, mask if folder else mask & ~flags.DONT_FOLLOW)] = folder
            # as the scan: the content directory may be a link, no folder below it is entered through one
            fd = os.open(path, FOLDER_FLAGS if folder else FOLDER_FLAGS & ~os.O_NOFOLLOW)
            try:
                with os.scandir(fd) as listing:
                    pending += [posixpath.join(folder, e.name) for e in listing
                                if e.name[0] != "." and e.is_dir(follow_symlinks=False)]
            finally:
                os.close(fd)

    def fileno(self) -> int | None:
        """The descriptor to wait on for a change (None when there are no watches)."""
        return None if self.inotify is None else self.inotify.fileno()

    def take(self, wait_ms: int = 0) -> frozenset[str] | None:
        """The paths that changed since the last call (waiting up to `wait_ms` for a first one), or None when
        that cannot be known (then `restart()` and scan everything)."""
        if self.inotify is None or self.doubt:
            return None
        try:
            events = self.inotify.read(timeout=wait_ms)
            if _identity(self.root) != self.identity:  # another folder now has its path (a link swapped)
                raise OSError("the content directory was replaced")
        except OSError:
            self.doubt = True
            return None
        doubt, is_dir = _mask(_DOUBT_NAMES), int(flags.ISDIR)
        changed: set[str] = set()
        for event in events:
            folder = self.folders.get(event.wd)
            if event.mask & doubt or folder is None:
                self.doubt = True
                return None
            name = event.name
            if not name:  # the folder's own stat changed (it may no longer be readable)
                self.doubt = True
                return None
            if name[0] == ".":
                continue  # a name the scan skips (.git, an editor's swap file)
            if event.mask & is_dir:
                self.doubt = True  # a folder came, went or changed: what it holds was never watched
                return None
            if name.endswith(SUFFIX) or (not folder and name in META_FILES):
                changed.add(posixpath.join(folder, name))
        return frozenset(changed)

    def close(self) -> None:
        if self.inotify is not None:
            with contextlib.suppress(OSError):
                self.inotify.close()
        self.inotify, self.folders, self.doubt = None, {}, True


def remote_filesystem(path: Path, mountinfo: str = "/proc/self/mountinfo") -> str | None:
    """The type of the file system `path` is on when a change to it may make no event here (see
    _REMOTE_TYPES), else None. What cannot be told (no such path, no mount table) counts as remote."""
    try:
        device = os.stat(path).st_dev
        with open(mountinfo, encoding="utf-8", errors="replace") as table:
            lines = table.read().splitlines()
    except OSError:
        return "unknown"
    number = f"{os.major(device)}:{os.minor(device)}"
    found = None
    for line in lines:  # "36 35 98:0 /root /mnt ... - ext3 /dev/root rw" (proc(5)); the last mount wins
        fields, _, after = line.partition(" - ")
        parts = fields.split()
        if len(parts) >= 5 and parts[2] == number and after:
            found = after.split()[0]
    if found is None:
        return "unknown"
    return found if found in _REMOTE_TYPES or found.startswith("fuse.") else None


def _identity(path: Path) -> tuple[int, int]:
    stat = os.stat(path)
    return (stat.st_dev, stat.st_ino)
