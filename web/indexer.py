"""The one background indexer of `archive serve` (forked from its master, web/server.py), or
`python -m web.indexer CONTENT INSTANCE PARENT_PID`.

It follows the content directory (one scan, archive.scanning: a stat of every file, every ~2 s,
or less often when the scan itself takes long, so that it never spends more than about a fifth
of the time scanning) and the date (an embargo ends at midnight), and asks the search layer to bring both indexes up to date:
the public one and the curator one (whose consent states change when an embargo ends);
the web workers pick up each new generation themselves. A curator's save does not wait
for it: web.curate.publish updates both indexes before the save's response. It stops on
SIGTERM or SIGINT, after the update it is in, and when the server that started it is gone.
"""

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

from archive.scanning import scan

__all__ = ["follow_changes", "index_mark", "advice", "main", "POLL_SECONDS"]

log = logging.getLogger("archive.indexer")
POLL_SECONDS = 2.0
SCAN_SHARE = 5  # wait at least this many times as long as the last scan took


def follow_changes(config: Config, stop: threading.Event, poll: float = POLL_SECONDS,
                   parent: int | None = None) -> None:
    """Update both indexes whenever a content file or the date changes, until `stop` is set."""
    from search.indexer import ensure_current
    from search.sources import scan_content

    seen: tuple[str, dt.date, object] | None = None
    failure = ""
    while not stop.is_set():
        if parent is not None and os.getppid() != parent:
            break  # the server is gone; do not outlive it
        started = time.perf_counter()
        listing = scan(config.content)
        spent = time.perf_counter() - started
        current = (listing.signature, dt.date.today(), index_mark(config.instance))
        if current != seen:
            try:
                files = scan_content(config.content, listing)  # the same scan decides for both indexes
                for audience in (Audience.PUBLIC, Audience.CURATOR):
                    report = ensure_current(config, current[1], audience=audience, scan=files)
                    if report is not None:
                        log.info(report.summary())  # counts only, never an id
                # only after success: a busy lock or an error is tried again next time
                seen = (current[0], current[1], index_mark(config.instance))
                if failure:
                    log.warning("the index is up to date again")
                failure = ""
            except Exception as exc:  # keep following; the next poll tries again
                message = advice(config, exc)
                if message != failure:  # once, not every poll
                    log.warning("%s", message)
                failure = message
        stop.wait(max(poll, SCAN_SHARE * spent))


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
    follow_changes(Config(Path(content), Path(instance)), stop, float(rest[0]) if rest else POLL_SECONDS,
                   int(parent))


if __name__ == "__main__":
    main()
