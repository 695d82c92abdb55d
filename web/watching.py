"""Which testimony files differ from the serving catalogue: `python -m web.watching CONTENT INSTANCE PARENT [SECONDS]`.

One light process of `archive serve` (besides the workers and the indexer; forked from its master, web/server.py)
follows the files' names and stats -- no file is read -- and compares them with the catalogue of the serving
public index generation (search.catalogue). It follows the content directory as the indexer does
(archive.following): the kernel tells it which files changed, and only those are statted again; every file
is statted at the start, every `WATCH_FULL_SCAN_SECONDS` (20) as the check for a change no notice told, and
whenever the notices are in doubt or cannot be had (then on every look, as before there were notices). After
a change the kernel told, only the changed files' ids are compared with the catalogue, not every file. So a
server at rest spends next to nothing watching, however large the collection, and a changed file is marked
within a moment of its write, not at the next scan.

It writes what differs to `<instance>/watched.json`, every SECONDS (ARCHIVE_RELOAD_SECONDS) even when nothing
changed (its mtime is the workers' sign that the watcher is alive): per keyed id (`Keys`, never an id in clear)
the folders its files are in now (none: gone; two or more: a duplicated id). Workers stat that one file
instead of scanning the content directory, and leave every pending id out of listings and search
(web.public_set). It runs apart from the indexer, so a slow or stopped index run never delays it, and its
full scans are the indexer's check that it missed no change (web.indexer). A curator's save marks the files it
wrote at once (`mark`), before re-indexing. When the file is missing, stale (the watcher stopped) or made for
another catalogue, a worker scans for itself (`observe`), as it did before there was a watcher.
"""

from __future__ import annotations

import json
import os
import posixpath
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Mapping

from archive.following import Following
from archive.scanning import SUFFIX, ContentScan
from archive.store import files
from search.catalogue import CatalogueReader, files_digest
from search.manifest import Keys
from search.sources import Scan, scan_content

__all__ = ["Watched", "WATCH_NAME", "STALE_SECONDS", "WATCH_FULL_SCAN_SECONDS", "observe", "read_watched",
           "write_watched", "mark", "watch", "main"]

WATCH_NAME = "watched.json"
STALE_SECONDS = 10.0  # a watched.json older than this is not believed: the watcher has stopped
WATCH_FULL_SCAN_SECONDS = 20.0  # the watcher's own check for a change no notice told (the indexer's is 60 s)
COMPARE_SHARE = 2.0  # after comparing the files with the catalogue, wait at least this many times as long
TOO_MANY = 20_000  # beyond this many changed files, everything is pending until the indexer catches up


@dataclass(frozen=True)
class Watched:
    """The files as they differ from one catalogue (`token`): keyed id -> the folders of its files now;
    `pending` None means too many to list (nothing from the catalogue holds)."""

    token: str
    vocabulary: bool  # places.yaml and themes.yaml are those the catalogue was written with
    pending: Mapping[str, tuple[str, ...]] | None
    seen: str = ""  # a keyed digest of the names and stats seen: changes with any file, pending or not


def observe(content: Path, reader: CatalogueReader, key: Keys, cache: dict[str, str] | None = None,
            listing: ContentScan | None = None, last: Watched | None = None,
            changed: frozenset[str] | None = None) -> Watched:
    """Compare the names and stats of the files (`listing`, or a scan made now) with the catalogue. `cache`
    keeps each id's keyed hash. `last` and `changed`: the answer for the listing this one was made from by
    statting the paths `changed` again (archive.following), against this same catalogue; then only the ids of
    those paths are compared again, one row of the catalogue each, instead of every file (0.35 s at 100,000)."""
    cache = {} if cache is None else cache
    scan = scan_content(content) if listing is None else scan_content(content, listing)
    token, vocabulary = reader.meta.get("token", ""), reader.meta.get("vocabulary") == scan.vocabulary_hash
    seen = files_digest(scan, key)
    if reader.meta.get("files") == seen:
        return Watched(token, vocabulary, {}, seen)

    def kid(testimony_id: str) -> str:
        found = cache.get(testimony_id)
        if found is None:
            found = cache[testimony_id] = key(testimony_id)
        return found

    if last is not None and changed is not None and last.pending is not None and last.token == token:
        pending = _again(scan, reader, kid, dict(last.pending), changed)
        return Watched(token, vocabulary, pending if len(pending) <= TOO_MANY else None, seen)
    written = reader.files()
    pending: dict[str, tuple[str, ...]] = {}
    for stat in scan.files.values():
        folder = posixpath.dirname(stat.path)
        if written.get(kid(stat.id)) != (folder, stat.mtime_ns, stat.size):
            pending[kid(stat.id)] = (folder,)
    for path in scan.duplicates:
        copy = kid(posixpath.basename(path)[:-3])
        pending[copy] = (*pending.get(copy, ()), posixpath.dirname(path))
    present = {kid(i) for i in scan.ids}
    pending.update((gone, ()) for gone in written.keys() - present)
    return Watched(token, vocabulary, pending if len(pending) <= TOO_MANY else None, seen)


def _again(scan: Scan, reader: CatalogueReader, kid: Callable[[str], str], pending: dict[str, tuple[str, ...]],
           changed: frozenset[str]) -> dict[str, tuple[str, ...]]:
    """`pending` with each id of the `changed` paths compared again, as `observe` compares every id: its one
    file against the catalogue's row; every folder of a duplicated id; none for an id whose files are gone."""
    ids = {posixpath.basename(path)[:-len(SUFFIX)] for path in changed if path.endswith(SUFFIX)}
    copies: dict[str, list[str]] = {}
    for path in scan.duplicates:  # every copy of an id several files share, in scan order
        if (testimony_id := posixpath.basename(path)[:-len(SUFFIX)]) in ids:
            copies.setdefault(testimony_id, []).append(posixpath.dirname(path))
    for testimony_id in ids:
        keyed = kid(testimony_id)
        pending.pop(keyed, None)
        stat = scan.files.get(testimony_id)
        if stat is not None:
            folder = posixpath.dirname(stat.path)
            if reader.file(keyed) != (folder, stat.mtime_ns, stat.size):
                pending[keyed] = (folder,)
        elif testimony_id in copies:
            pending[keyed] = tuple(copies[testimony_id])
        elif reader.file(keyed) is not None:
            pending[keyed] = ()  # gone
    return pending


def _path(instance: Path) -> Path:
    return Path(instance) / WATCH_NAME


def write_watched(instance: Path, watched: Watched) -> None:
    data = {"token": watched.token, "vocabulary": watched.vocabulary, "seen": watched.seen,
            "pending": None if watched.pending is None else {k: list(v) for k, v in sorted(watched.pending.items())}}
    files.replace(_path(instance), json.dumps(data, separators=(",", ":")), sync=False)


def read_watched(instance: Path) -> tuple[Watched, os.stat_result] | None:
    """watched.json and its stat, or None when there is none or it cannot be read."""
    try:
        with open(_path(instance), "rb") as stream:
            stat = os.fstat(stream.fileno())
            data = json.loads(stream.read())
        pending = data["pending"]
        return Watched(str(data["token"]), bool(data["vocabulary"]),
                       None if pending is None else {str(k): tuple(v) for k, v in pending.items()},
                       str(data["seen"])), stat
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def mark(instance: Path, content: Path, paths: Iterable[Path], key: Keys) -> None:
    """A curator's save, after touching the change stamp: mark the files just written as pending now, before
    any index is updated, so that watched.json is newer than the stamp again (else workers scan for themselves)."""
    with files.locked(_path(instance).with_suffix(".lock")):
        found, paths = read_watched(instance), list(paths)
        if found is None or found[0].pending is None or not paths or any(Path(p).suffix != ".md" for p in paths):
            return  # nothing to add to, or not testimonies (a vocabulary): workers scan for themselves
        pending = dict(found[0].pending)
        for path in paths:
            try:
                folder = Path(path).resolve().parent.relative_to(Path(content).resolve()).as_posix()
            except ValueError:
                continue
            pending[key(Path(path).stem)] = (folder if folder != "." else "",) if Path(path).exists() else ()
        write_watched(instance, Watched(found[0].token, found[0].vocabulary, pending, f"{found[0].seen} {time.time_ns()}"))


def watch(content: Path, instance: Path, stop: threading.Event, seconds: float, parent: int | None = None,
          full_every: float = WATCH_FULL_SCAN_SECONDS, following: Following | None = None) -> None:
    """Write watched.json every `seconds`, and as soon as a file changes (see the module's doc); `following`
    (closed at the end) is how the files are followed, by default a full scan every `full_every` seconds."""
    from search.manifest import IndexPaths

    from .public_set import Catalogues

    catalogues, cache = Catalogues(instance), {}
    stamp = Path(instance) / "content-changed"
    following = Following(content, full_every) if following is None else following
    last: tuple[tuple[object, str], Watched] | None = None  # ((the catalogue, the files' version), what differed)
    resume = 0.0  # no compare before this (time.monotonic): a burst of edits costs at most a third of a core
    try:
        while not stop.is_set():
            if parent is not None and os.getppid() != parent:
                break
            before = _stamp(stamp)
            reader, opened = catalogues.current()
            listing = None  # the last look's is held by `following` alone, which lets go before a full scan
            listing = following.next()  # after the catalogue: a file indexed since is told, or seen, again
            if reader is not None:
                compared = (opened, following.version)
                if last is None or last[0] != compared:  # else nothing changed: the same answer, written again
                    started = time.monotonic()
                    # the files statted again since the last compare, against the same catalogue: only their ids
                    follows = (last is not None and last[0][0] == opened and following.route == "changed paths"
                               and following.since == last[0][1])
                    since = (last[1], following.changed) if follows and last is not None else (None, None)
                    last = (compared, observe(content, reader, IndexPaths(instance).keys(), cache, listing, *since))
                    resume = time.monotonic() + COMPARE_SHARE * (time.monotonic() - started)
                with files.locked(_path(instance).with_suffix(".lock")):
                    if _stamp(stamp) == before:  # a save since the look began: look again first
                        write_watched(instance, last[1])
            if _stamp(stamp) == before:
                following.wait(stop, seconds)
                stop.wait(min(seconds, max(0.0, resume - time.monotonic())))  # at 100,000 a compare takes 0.35 s
    finally:
        following.close()


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_ino, stat.st_mtime_ns)


def main(argv: list[str] | None = None) -> None:
    import signal

    content, instance, parent, *rest = argv if argv is not None else sys.argv[1:]
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    full_every = float(os.environ.get("ARCHIVE_WATCH_FULL_SCAN_SECONDS") or WATCH_FULL_SCAN_SECONDS)
    watch(Path(content), Path(instance), stop, float(rest[0]) if rest else 2.0, int(parent), full_every)


if __name__ == "__main__":
    main()

