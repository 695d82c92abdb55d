"""The content directory as a process that follows it sees it: a full scan now and then, and between two
scans only the files the kernel says changed (archive.notified, archive.rescanning).

`Following.next()` gives the files as they are now and says how it knows (`route`):

- "full scan": every file statted (archive.scanning.scan). The first call, every `full_every` seconds
  after that (the safety check: it finds what no event told, archive.notified lists such changes), and
  whenever the notices are in doubt (events dropped, a folder changed, no inotify) or the collection holds
  a testimony file that is a link;
- "changed paths": the last scan with only the reported paths statted again -- what a full scan would
  have given, if every change made an event;
- "unchanged": no event since the last call.
"""

from __future__ import annotations

import select
import threading
import time
from pathlib import Path
from typing import Callable

from .notified import Notices
from .rescanning import rescan
from .scanning import ContentScan, scan

__all__ = ["Following", "FULL_SCAN_SECONDS", "SETTLE_SECONDS"]

FULL_SCAN_SECONDS = 60.0
SETTLE_SECONDS = 0.05  # after the first change is told, for the rest of a save that comes in several writes
STOP_SLICE_SECONDS = 0.25  # how long a wait may overrun `stop`


class Following:
    """The files of `root`, followed (see the module's doc)."""

    def __init__(self, root: Path, full_every: float = FULL_SCAN_SECONDS,
                 clock: Callable[[], float] = time.monotonic, forget: Callable[[], None] = lambda: None):
        self.root, self.full_every, self.clock = Path(root), full_every, clock
        self.forget = forget  # called before a full scan: whatever the caller keeps of the last listing
        self.notices = Notices(self.root)
        self.current: ContentScan | None = None
        self.scanned_at = 0.0
        self.route, self.changed = "", frozenset[str]()
        self.version = ""  # changes whenever the files may have: the full scan's signature, or a count after it
        self.since = ""  # the version `current` was made from by statting `changed` again ("" after a full scan)
        self._rescans = 0

    def fileno(self) -> int | None:
        """A descriptor that becomes readable when something changed (None when only a scan can tell)."""
        return None if self.current is None or self.current.linked else self.notices.fileno()

    def wait(self, stop: threading.Event, seconds: float) -> None:
        """Until a file changes (then a moment more, for a save written in several steps), `stop` is set, or
        `seconds` have passed; without notices, just `seconds` (or until `stop`)."""
        descriptor = self.fileno()
        if descriptor is None:
            stop.wait(seconds)
            return
        deadline = time.monotonic() + seconds
        while not stop.is_set():  # in slices: a signal's handler sets `stop`, but select goes on waiting
            left = deadline - time.monotonic()
            if left <= 0:
                return
            try:
                ready = select.select([descriptor], [], [], min(left, STOP_SLICE_SECONDS))[0]
            except (OSError, ValueError):
                return
            if ready:
                stop.wait(SETTLE_SECONDS)
                return

    def next(self, full: bool = False) -> ContentScan:
        """The files now (`full`: scan them all whatever the notices say)."""
        changed = self.notices.take()  # taken first: what changes during a scan is told next time
        due = (full or self.current is None or self.current.linked
               or self.clock() - self.scanned_at >= self.full_every)
        if changed is not None and not due and self.current is not None:
            if not changed:
                self.route, self.changed = "unchanged", changed
                return self.current
            try:
                again = rescan(self.current, changed)
            except OSError:  # out of descriptors, say: scan everything
                again = None
            if again is not None:
                if again is not self.current:
                    self._rescans += 1
                    self.since, self.version = self.version, f"{self.version.split('+')[0]}+{self._rescans}"
                self.current, self.route, self.changed = again, "changed paths", changed
                return again
        if changed is None:
            self.notices.restart()  # before the scan: what changes while it runs is told next time
        self.current = None  # a full scan needs nothing of the last: never two listings held at once
        self.forget()
        self.current, self.scanned_at = scan(self.root), self.clock()
        self.route, self.changed, self.version, self.since = "full scan", frozenset(), self.current.signature, ""
        return self.current

    def close(self) -> None:
        self.notices.close()
