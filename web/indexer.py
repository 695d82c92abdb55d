"""The one background indexer of `archive serve` (forked from its master, web/server.py), or
`python -m web.indexer CONTENT INSTANCE PARENT_PID`.

It follows the content directory (archive.following: the kernel tells it which files changed, and only
those are statted again; a full scan, a stat of every file, at the start, every `ARCHIVE_FULL_SCAN_SECONDS`
(60) as the safety check, and whenever the kernel's notices are in doubt) and the date (an embargo ends at
midnight), and asks the search layer to bring both indexes up to date:
the public one and the curator one (whose consent states change when an embargo ends);
the web workers pick up each new generation themselves. A curator's save does not wait
for it: web.curate.publish updates both indexes before the save's response. It stops on
SIGTERM or SIGINT, after the update it is in, and when the server that started it is gone.
Without notices (no inotify, too many folders to watch, a testimony file that is a link) it scans every
~2 s, or less often when the scan itself takes long, so that it never spends more than about a fifth of
the time scanning."""

from __future__ import annotations

import datetime as dt
import errno
import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path

from archive.config import Config
from archive.consent import Audience

from archive.following import FULL_SCAN_SECONDS, Following

from .public_set import Catalogues
from .watching import STALE_SECONDS, read_watched

__all__ = ["follow_changes", "Follower", "index_mark", "advice", "main", "POLL_SECONDS"]

log = logging.getLogger("archive.indexer")
POLL_SECONDS = 2.0
SCAN_SHARE = 5  # wait at least this many times as long as the last full scan took


def follow_changes(config: Config, stop: threading.Event, poll: float = POLL_SECONDS,
                   parent: int | None = None, full_every: float = FULL_SCAN_SECONDS) -> None:
    """Update both indexes whenever a content file or the date changes, until `stop` is set."""
    from search.buckets import keep_last

    keep_last()  # this process follows the files: each update fills only the buckets of the paths changed
    # a full scan fills every bucket anew: the last fill is let go first, so that it and the new scan's
    # listing are never held at once (about 4 MB more at 10,000 testimonies, for good)
    follower = Follower(config, Following(config.content, full_every, forget=keep_last))
    try:
        while not stop.is_set():
            if parent is not None and os.getppid() != parent:
                break  # the server is gone; do not outlive it
            started = time.perf_counter()
            follower.step()
            spent = time.perf_counter() - started
            if follower.following.route == "full scan" or follower.following.fileno() is None:
                stop.wait(max(poll, SCAN_SHARE * spent))
            else:
                follower.following.wait(stop, poll)
    finally:
        follower.following.close()


class Follower:
    """The indexer's loop, one step at a time: what it has seen, and the last failure it said."""

    def __init__(self, config: Config, following: Following):
        self.config, self.following = config, following
        self.seen: tuple[str, dt.date, object] | None = None
        self.failure = ""
        self.doubt = False
        self.catalogues = Catalogues(config.instance)
        self.watched: object = None  # the stat of the last watched.json looked at

    def _watcher_disagrees(self) -> bool:
        """Whether the file watcher (web.watching), which stats every file every ~2 s, saw other files than the
        serving catalogue was written from, when no notice told of a change: an event was missed."""
        found = read_watched(self.config.instance)
        if found is None:
            return False
        watched, stat = found
        mark = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        if mark == self.watched or time.time() - stat.st_mtime > STALE_SECONDS:
            return False  # looked at already, or the watcher has stopped
        self.watched = mark
        reader = self.catalogues.current()[0]
        return reader is not None and watched.token == reader.meta.get("token") and watched.seen != reader.meta.get("files")

    def step(self, full: bool = False) -> None:
        """One look at the files (`Following.next`) and, if they, the date or an index changed since the last
        step that succeeded, an update of both indexes."""
        from search.indexer import ensure_current
        from search.sources import scan_content

        config, following = self.config, self.following
        listing = following.next(full or self.doubt)
        self.doubt = False
        current = (following.version, dt.date.today(), index_mark(config.instance))
        if current == self.seen:
            if following.route == "unchanged" and self._watcher_disagrees():
                self.doubt = True  # the next step scans every file
            return
        try:
            files = scan_content(config.content, listing)  # the same scan decides for both indexes
            for audience in (Audience.PUBLIC, Audience.CURATOR):
                report = ensure_current(config, current[1], audience=audience, scan=files)
                if report is not None:
                    log.info("%s (%s)", report.summary(), _how(following))  # counts only, never an id
        except Exception as exc:  # keep following; the next step tries again
            message = advice(config, exc)
            if message != self.failure:  # once, not every poll
                log.warning("%s", message)
            self.failure = message
            return
        # only after success: a busy lock or an error is tried again next time
        self.seen = (current[0], current[1], index_mark(config.instance))
        if self.failure:
            log.warning("the index is up to date again")
        self.failure = ""


def _how(following: Following) -> str:
    count = len(following.changed)
    return f"from {count} changed path{'s' * (count != 1)}" if following.route == "changed paths" else following.route


def index_mark(instance: Path) -> tuple[object, ...]:
    """Each index's manifest head and whether its generation is on disk: it changes when an index run
    writes, and when someone deletes the index, which the content files alone would not show."""
    from search.manifest import IndexPaths, read_serial

    marks: list[object] = []
    for audience in (Audience.PUBLIC, Audience.CURATOR):
        paths = IndexPaths(instance, audience)
        serial = read_serial(paths)
        marks.append((serial, serial is not None and paths.generation(serial[1]).is_dir()))
    return tuple(marks)


def advice(config: Config, exc: Exception) -> str:
    """The log line for an update that failed: what happened, and what to do when a person must act."""
    message = f"the index could not be updated: {exc}"
    if isinstance(exc, OSError) and exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        message += (f"; make the instance directory {config.instance} writable for the user the server runs as "
                    f"(uid {os.geteuid()}); it is retried every few seconds, and until then public search answers "
                    f"503 (try again shortly) whenever the index shows a testimony otherwise than its file now allows")
    return message


def main(argv: list[str] | None = None) -> None:
    content, instance, parent, *rest = argv if argv is not None else sys.argv[1:]
    logging.basicConfig(level=logging.INFO, format="[archive indexer] %(message)s", stream=sys.stderr,
                        force=True)  # forked from gunicorn's master (web/server.py): its own handler, not one inherited
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    full_every = float(os.environ.get("ARCHIVE_FULL_SCAN_SECONDS") or FULL_SCAN_SECONDS)
    follow_changes(Config(Path(content), Path(instance)), stop, float(rest[0]) if rest else POLL_SECONDS,
                   int(parent), full_every)


if __name__ == "__main__":
    main()
