"""The one background indexer of `archive serve`: `python -m web.indexer CONTENT INSTANCE PARENT_PID`.

It follows the content directory (a stat of every file every ~2 s) and the date (an
embargo ends at midnight), and asks the search layer to bring the index up to date;
the web workers pick up each new generation themselves. It stops on SIGTERM or SIGINT,
after the update it is in, and when the server that started it is gone.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import sys
import threading
from pathlib import Path

from archive.config import Config

from .site import content_signature

__all__ = ["follow_changes", "main", "POLL_SECONDS"]

log = logging.getLogger("archive.indexer")
POLL_SECONDS = 2.0


def follow_changes(config: Config, stop: threading.Event, poll: float = POLL_SECONDS,
                   parent: int | None = None) -> None:
    """Update the index whenever a content file or the date changes, until `stop` is set."""
    from search.indexer import ensure_current

    seen: tuple[str, dt.date] | None = None
    while not stop.is_set():
        if parent is not None and os.getppid() != parent:
            break  # the server is gone; do not outlive it
        current = (content_signature(config.content), dt.date.today())
        if current != seen:
            try:
                report = ensure_current(config, current[1])
                if report is not None:
                    log.info(report.summary())
                seen = current  # only after success: a busy lock or an error is tried again next time
            except Exception as exc:  # keep following; the next poll tries again
                log.warning("the index could not be updated: %s", exc)
        stop.wait(poll)


def main(argv: list[str] | None = None) -> None:
    content, instance, parent, *rest = argv if argv is not None else sys.argv[1:]
    logging.basicConfig(level=logging.INFO, format="[archive indexer] %(message)s", stream=sys.stderr)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    follow_changes(Config(Path(content), Path(instance)), stop, float(rest[0]) if rest else POLL_SECONDS,
                   int(parent))


if __name__ == "__main__":
    main()
