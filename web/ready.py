"""What `archive serve`'s master prepares before it listens, so that a worker's first search reads no whole
collection (issue 14: a worker is ready to answer when the server says it is listening).

A worker's first search used to make, from the whole collection, three things every later search reuses:
the public set (each public id and version, from the catalogue, less what the watcher holds pending), the
search guard's answer (every document of the serving generation compared with that set) and the facet
table (each document's facet keys). At 100,000 testimonies that took about a second before the search
itself. The master now makes all three once, after the watcher has written its first `watched.json`
(`prepare`), and each worker, a fork, finds them in memory it shares with the master.

Nothing is trusted for being prepared: a worker uses the public set only while its signature still
holds (the catalogue, watched.json, the day and the vocabularies, as before: `Site.public`), the guard's
answer only for the same generation and commit (`PublicSet.memo`), and the facet table only for the same
segments (`search.facets.FacetTable.of`). Anything newer is made anew, as it always was. The master opens
the index generation only to read it, then closes it: open segment files are never shared between
processes (Whoosh reads postings with a seek and a read). Once its first workers run, the master lets go
of what it prepared (`release`); a worker started later makes its own, as before.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any, Callable

from flask import Flask

from .gate import public_views
from .public_set import Catalogues
from .searching import SearchUnavailable, _compared, index
from .watching import WATCH_NAME

__all__ = ["prepare", "release", "wait_for_watcher", "watched_stamp"]

_HELD = "archive_prepared"


def watched_stamp(instance: Path) -> tuple[int, int] | None:
    """The inode and mtime of `watched.json` (None: there is none); the watcher replaces the file each time."""
    try:
        stat = os.stat(Path(instance) / WATCH_NAME)
    except OSError:
        return None
    return (stat.st_ino, stat.st_mtime_ns)


def wait_for_watcher(instance: Path, before: tuple[int, int] | None, timeout: float = 30.0,
                     alive: Callable[[], bool] = lambda: True) -> bool:
    """Wait until the watcher has written `watched.json` anew (its stamp is no longer `before`); False when it
    did not within `timeout` or stopped (`alive()` false), or when there is no catalogue for it to compare
    the files with."""
    if Catalogues(instance).current()[0] is None:
        return False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and alive():
        found = watched_stamp(instance)
        if found is not None and found != before:
            return True
        time.sleep(0.02)
    return False


def prepare(app: Flask) -> str:
    """Make the public set, the guard's answer for the serving generation and its facet table, and hold them
    until `release`; one line for the log. Without an index, or with one the files have moved past, only the
    set is held."""
    with app.app_context():
        public = public_views()
        table: Any = None
        try:
            table = _compared(lambda guard, _: index().prepare(guard), None)[1]
        except SearchUnavailable:
            pass  # no index yet, or one that lags the files: the first search finds out for itself
        finally:
            index().close()  # its open files stay the master's: each worker opens the generation itself
        public.views.close()  # the master's catalogue connection: a worker's threads open their own
        app.extensions[_HELD] = (public, table)
    held = ("the search index checked against them" if table is not None
            else "the search index left to the first search (there is none yet, or it lags the files)")
    return f"Prepared for the workers' first requests: {len(public.views)} public testimonies, {held}."


def release(app: Flask) -> None:
    """Let go of what `prepare` made (the workers forked since keep their copies)."""
    if app.extensions.pop(_HELD, None) is not None:
        app.extensions["archive_site"].forget()
