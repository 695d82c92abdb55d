"""Keeping an index current: update, rebuild, status, and the server's periodic check.

Every function works on one audience's index: the public one unless `audience` says
`Audience.CURATOR` (every testimony, as curators see it, with its consent state).
`today` is always a parameter: an embargo that ends makes a testimony public on
the first run on or after that day (and changes its state in the curator index),
and tests can say which day it is.
"""

from __future__ import annotations

import datetime as dt
import time
from contextlib import closing, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Mapping

from archive.config import Config
from archive.consent import Audience
from archive.errors import ArchiveError
from whoosh import index as whoosh_index

from . import build
from .buckets import fill
from .catalogue import catalogue_current, update_catalogue, writing_catalogue
from .curator_catalogue import curator_catalogue_current, update_curator_catalogue, write_curator_catalogue
from .changes import Judged, Plan, invalid_files, judge, kept_digests, plan_changes, valid_until, warnings
from .documents import index_document
from .locking import writer_lock
from .manifest import Entry, Head, IndexPaths, Keys
from .manifest_store import Store, open_store
from .schema import SCHEMA_VERSION
from .sources import Scan, kept_vocabularies, read_testimony, scan_content, vocabulary_hash

__all__ = ["IndexReport", "IndexStatus", "update_index", "index_status", "ensure_current"]

# Reading more than this share of the files one at a time is slower than a parallel rebuild.
REBUILD_SHARE = 0.3
Progress = Callable[[int, int], None]  # (files done, files to do)


@dataclass(frozen=True)
class IndexReport:
    """What one run did: the generation now serving, and the ids it added, updated and removed."""

    generation: str
    rebuilt: bool
    reason: str
    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    public: int = 0  # testimonies the index now holds (for the curator index, every valid one)
    warnings: tuple[str, ...] = field(default=(), compare=False)
    audience: Audience = Audience.PUBLIC

    @property
    def changed(self) -> bool:
        return self.rebuilt or bool(self.added or self.updated or self.removed)

    def summary(self) -> str:
        """One line for the person at the terminal (counts only: never a hidden testimony's id)."""
        name, held = "index", f"{self.public} public testimonies"
        if self.audience is Audience.CURATOR:
            name, held = "curator index", f"{self.public} testimonies in every consent state"
        if self.rebuilt:
            return f"Rebuilt the {name} ({self.reason}): {held}."
        if not self.changed:
            return f"The {name} is up to date: {held}."
        return (f"Updated the {name}: {len(self.added)} added, {len(self.updated)} updated, "
                f"{len(self.removed)} removed; {held}.")


@dataclass(frozen=True)
class IndexStatus:
    """Whether an index matches the files today: "fresh", "stale" (with why) or "missing"."""

    state: str
    reason: str = ""
    generation: str | None = None

    @property
    def fresh(self) -> bool:
        return self.state == "fresh"


def _rebuild_reason(paths: IndexPaths, head: Head | None, scan: Scan) -> str | None:
    if head is None:
        if paths.legacy_manifest.exists():
            return "an earlier version made the index"  # its JSON manifest is never trusted: all is read anew
        return "there was no index"
    if head.schema_version != SCHEMA_VERSION:
        return "the index format changed"
    if head.vocabulary_hash != scan.vocabulary_hash:
        return "places.yaml or themes.yaml changed"
    if not whoosh_index.exists_in(str(paths.generation(head.generation))):
        return "the index could not be read"
    current = catalogue_current if paths.audience is Audience.PUBLIC else curator_catalogue_current
    if not current(paths.generation(head.generation)):
        return "its catalogue is missing or of another format"
    return None


def _check_content(config: Config) -> None:
    if not config.content.is_dir():
        raise ArchiveError(f"The content directory '{config.content}' does not exist; "
                           "pass --content or set ARCHIVE_CONTENT.")


def index_status(config: Config, today: dt.date, audience: Audience = Audience.PUBLIC,
                 scan: Scan | None = None) -> IndexStatus:
    """Cheap check (no file is parsed, and only the entries of changed buckets are looked at): is the
    index there, and does it match the files and the date? `scan`: one the caller just made."""
    _check_content(config)
    paths = IndexPaths(config.instance, audience)
    what = "curator index" if audience is Audience.CURATOR else "search index"
    missing = IndexStatus("missing", f"there is no {what}; run 'archive index'")
    if not paths.manifest.is_file():
        return missing
    try:
        store = Store(paths, write=False)
    except OSError:
        return missing  # not a manifest this version can read: rebuilt by the next run
    with closing(store), store.snapshot():
        head = store.head()
        if head is None or not paths.generation(head.generation).is_dir():
            return missing
        scan = scan_content(config.content) if scan is None else scan
        reason = _rebuild_reason(paths, head, scan)
        if reason is None and head.is_expired(today):
            reason = "an embargo has ended since it was built"
        if reason is None:
            plan = plan_changes(store, head, scan, today, paths.keys())
            if plan.read or plan.removed:
                reason = f"{len(plan.read) + len(plan.removed)} testimony files changed"
    if reason is not None:
        return IndexStatus("stale", reason, head.generation)
    return IndexStatus("fresh", "", head.generation)


def ensure_current(config: Config, today: dt.date, wait: float = 0.0, procs: int = 1,
                   audience: Audience = Audience.PUBLIC, scan: Scan | None = None) -> IndexReport | None:
    """Bring the index up to date if it is missing or stale (for the server's background loop);
    None when it was fresh. Raises `IndexBusy` if another run holds the lock longer than `wait`."""
    if scan is None:
        scan = scan_content(config.content)
    if index_status(config, today, audience, scan).fresh:
        return None
    return update_index(config, today, wait=wait, procs=procs, audience=audience, scan=scan)


def update_index(config: Config, today: dt.date, *, rebuild: bool = False, wait: float = 60.0,
                 procs: int = 2, progress: Progress | None = None, audience: Audience = Audience.PUBLIC,
                 changed: Iterable[Path] = (), scan: Scan | None = None) -> IndexReport:
    """Bring one audience's index (the public one unless told) up to date with the content directory,
    touching only what changed. Files in `changed` are read again even if their stat looks the same.

    `scan`: one the caller has just made of `config.content` (else one is made here, under the lock).
    A file that changes after it is seen by the next run, and in the meantime the public gets less,
    never more: a changed file is read as it is now; one added since is not indexed yet; and the
    catalogue keeps the scan's stat, so the watcher holds the file pending until that next run."""
    _check_content(config)
    paths = IndexPaths(config.ensure_instance(), audience)
    with writer_lock(paths.lock, wait), open_store(paths) as store:
        head = store.head()
        if head is not None:  # with no manifest, the old generations stay until the rebuild numbers past them
            build.repair(paths.generations, head.generation)
        for leftover in paths.root.glob(f".{paths.legacy_manifest.name}.*.tmp"):  # an old manifest half-written
            leftover.unlink(missing_ok=True)
        scan = scan_content(config.content) if scan is None else scan
        key = paths.keys()
        reason = "--rebuild was asked for" if rebuild else _rebuild_reason(paths, head, scan)
        if reason is None and head is not None:
            plan = plan_changes(store, head, scan, today, key, _relative(config.content, changed))
            if len(plan.read) <= max(50, REBUILD_SHARE * len(scan.files)):
                try:
                    return _update(paths, store, head, scan, plan, today, key, progress)
                except (OSError, ValueError, LookupError, whoosh_index.IndexError) as exc:
                    reason = f"the index could not be updated ({type(exc).__name__})"
            else:
                reason = f"{len(plan.read)} files changed"
        return _rebuild(paths, store, head, scan, today, key, reason or "", procs, progress)


def _relative(root: Path, paths: Iterable[Path]) -> frozenset[str]:
    """Paths inside the content directory, as the scan names them (relative, with forward slashes)."""
    found = set()
    base = root.resolve()
    for path in paths:
        try:
            found.add(Path(path).resolve().relative_to(base).as_posix())
        except ValueError:
            continue  # not in the content directory: nothing of the index's
    return frozenset(found)


def _next_generation(paths: IndexPaths, head: Head | None) -> str:
    numbers = [int(p.name) for p in paths.generations.glob("*") if p.name.isdigit()]
    if head is not None and head.generation.isdigit():
        numbers.append(int(head.generation))
    return f"{max(numbers, default=0) + 1:06d}"


def _next_serial(head: Head | None) -> int:
    """Larger than any serial before, even one of a manifest that was lost: a reader never takes a new
    manifest for the one it already knows (the clock in microseconds, or one more when that is behind)."""
    return max((head.serial if head else 0) + 1, time.time_ns() // 1000)


def _rebuild(paths: IndexPaths, store: Store, old: Head | None, scan: Scan, today: dt.date, key: Keys,
             reason: str, procs: int, progress: Progress | None) -> IndexReport:
    generation = _next_generation(paths, old)
    directory = paths.generation(generation)
    build.create_generation(directory, scan.root, paths.audience)
    stats = list(scan.files.values())
    done = [0]

    def advance(count: int) -> None:
        done[0] += count
        if progress:
            progress(done[0], len(stats))

    public = paths.audience is Audience.PUBLIC  # (its catalogue takes each chunk as it comes, and is renamed into
    with writing_catalogue(directory, scan, today, key) if public else nullcontext() as catalogue:  # place before
        judged = build.build_generation(directory, scan.root, stats, scan.ids, today, key, procs, advance,
                                        paths.audience, catalogue.add if catalogue else None)  # the manifest names it)
    if not public:
        write_curator_catalogue(directory, judged, scan, key)
    buckets = fill(scan, key)
    before = store.indexed_ids() if old is not None else frozenset()
    head = Head(_next_serial(old), SCHEMA_VERSION, generation, vocabulary_hash(directory),
                today.isoformat(), valid_until((j.entry.embargo_until for j in judged if j.entry.embargo_until),
                                               today))
    rows = [(key(j.id), buckets.tag_of(scan.files[j.id].path), j.entry) for j in judged]
    read = [(tag, entry, scan.files[j.id]) for (_, tag, entry), j in zip(rows, judged)]
    store.replace(head, rows, kept_digests(buckets.digests, read))  # the swap: readers now open the new generation
    build.repair(paths.generations, generation)
    after = frozenset(j.entry.id for j in judged if j.entry.indexed and j.entry.id)
    invalid = [scan.files[j.id].path for j in judged if j.entry.state == "invalid"]
    return IndexReport(generation, True, reason, added=tuple(sorted(after - before)),
                       removed=tuple(sorted(before - after)), public=len(after),
                       warnings=warnings(scan, invalid), audience=paths.audience)


def _update(paths: IndexPaths, store: Store, head: Head, scan: Scan, plan: Plan, today: dt.date, key: Keys,
            progress: Progress | None) -> IndexReport:
    directory = paths.generation(head.generation)
    audience = paths.audience
    places, themes = kept_vocabularies(directory)
    rows: list[tuple[str, str, Entry]] = []
    documents, deletions = [], [e.id for e in plan.removed.values() if e.indexed and e.id]
    added, updated, removed = [], [], list(deletions)
    purge = bool(deletions)  # a testimony leaves the index, or its consent changed: no trace may stay
    results: list[Judged] = []
    for number, stat in enumerate(plan.read, 1):
        if progress:
            progress(number, len(plan.read))
        result: Judged = judge(read_testimony(scan.root, stat, places, themes, scan.ids), today, places, key, audience)
        before = plan.before.get(key(stat.id))
        rows.append((key(stat.id), plan.buckets.tag_of(stat.path), result.entry))
        results.append(result)
        if before is None or not before.indexed:
            if result.view is not None:
                added.append(stat.id)
                documents.append(index_document(result.view, places, themes, audience, stat.mtime_ns))
        elif result.view is None:
            deletions.append(stat.id)
            removed.append(stat.id)
            purge = True
        elif ((before.version, before.state) != (result.entry.version, result.entry.state)
              or (audience is Audience.CURATOR and before.mtime_ns != stat.mtime_ns)):  # its change time
            updated.append(stat.id)
            documents.append(index_document(result.view, places, themes, audience, stat.mtime_ns))
            purge = purge or before.consent != result.entry.consent
    if documents or deletions:
        build.update_generation(directory, documents, deletions, purge)
    if audience is Audience.PUBLIC:
        update_catalogue(directory, results, plan.removed, scan, today, key)
    else:
        update_curator_catalogue(directory, results, plan.removed.keys(), scan, key)
    store.update(_next_head(store, head, rows, plan.removed, today), rows, plan.removed,
                 kept_digests(plan.digests, [(tag, entry, stat) for (_, tag, entry), stat in zip(rows, plan.read)]))
    return IndexReport(head.generation, False, "", tuple(sorted(added)), tuple(sorted(updated)),
                       tuple(sorted(removed)), store.indexed_count(), warnings(scan, invalid_files(store, scan, key)),
                       audience)


def _next_head(store: Store, head: Head, rows: list[tuple[str, str, Entry]], removed: Mapping[str, Entry],
               today: dt.date) -> Head:
    """The head after an update: the next serial, judged today, valid until the next embargo change."""
    embargoes = store.embargoes()
    for key in removed:
        embargoes.pop(key, None)
    for key, _, entry in rows:
        embargoes.pop(key, None)
        if entry.embargo_until:
            embargoes[key] = entry.embargo_until
    return Head(_next_serial(head), SCHEMA_VERSION, head.generation, head.vocabulary_hash, today.isoformat(),
                valid_until(embargoes.values(), today))
