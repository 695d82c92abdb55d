"""Keeping an index current: update, rebuild, status, and the server's periodic check.

Every function works on one audience's index: the public one unless `audience` says
`Audience.CURATOR` (every testimony, as curators see it, with its consent state).
`today` is always a parameter: an embargo that ends makes a testimony public on
the first run on or after that day (and changes its state in the curator index),
and tests can say which day it is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from archive.collection import display_path
from archive.config import Config
from archive.consent import Audience
from archive.errors import ArchiveError
from whoosh import index as whoosh_index

from . import build
from .catalogue import catalogue_current, update_catalogue, write_catalogue
from .changes import Judged, Plan, invalid_warning, judge, plan_changes, valid_until
from .documents import index_document
from .locking import writer_lock
from .manifest import Entry, IndexPaths, Keys, Manifest, read_manifest, write_manifest
from .schema import SCHEMA_VERSION
from .sources import Scan, load_vocabularies, read_testimony, scan_content

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


def _rebuild_reason(paths: IndexPaths, manifest: Manifest | None, scan: Scan) -> str | None:
    if manifest is None:
        return "there was no index"
    if manifest.schema_version != SCHEMA_VERSION:
        return "the index format changed"
    if manifest.vocabulary_hash != scan.vocabulary_hash:
        return "places.yaml or themes.yaml changed"
    if not whoosh_index.exists_in(str(paths.generation(manifest.generation))):
        return "the index could not be read"
    if paths.audience is Audience.PUBLIC and not catalogue_current(paths.generation(manifest.generation)):
        return "its catalogue is missing or of another format"
    return None


def _check_content(config: Config) -> None:
    if not config.content.is_dir():
        raise ArchiveError(f"The content directory '{config.content}' does not exist; "
                           "pass --content or set ARCHIVE_CONTENT.")


def index_status(config: Config, today: dt.date, audience: Audience = Audience.PUBLIC) -> IndexStatus:
    """Cheap check (no file is parsed): is the index there, and does it match the files and the date?"""
    _check_content(config)
    paths = IndexPaths(config.instance, audience)
    manifest = read_manifest(paths)
    if manifest is None or not paths.generation(manifest.generation).is_dir():
        what = "curator index" if audience is Audience.CURATOR else "search index"
        return IndexStatus("missing", f"there is no {what}; run 'archive index'")
    scan = scan_content(config.content)
    reason = _rebuild_reason(paths, manifest, scan)
    if reason is None and manifest.is_expired(today):
        reason = "an embargo has ended since it was built"
    if reason is None:
        plan = plan_changes(manifest, scan, today, paths.keys())
        if plan.read or plan.removed:
            reason = f"{len(plan.read) + len(plan.removed)} testimony files changed"
    if reason is not None:
        return IndexStatus("stale", reason, manifest.generation)
    return IndexStatus("fresh", "", manifest.generation)


def ensure_current(config: Config, today: dt.date, wait: float = 0.0, procs: int = 1,
                   audience: Audience = Audience.PUBLIC) -> IndexReport | None:
    """Bring the index up to date if it is missing or stale (for the server's background loop);
    None when it was fresh. Raises `IndexBusy` if another run holds the lock longer than `wait`."""
    if index_status(config, today, audience).fresh:
        return None
    return update_index(config, today, wait=wait, procs=procs, audience=audience)


def update_index(config: Config, today: dt.date, *, rebuild: bool = False, wait: float = 60.0,
                 procs: int = 2, progress: Progress | None = None, audience: Audience = Audience.PUBLIC,
                 changed: Iterable[Path] = ()) -> IndexReport:
    """Bring one audience's index (the public one unless told) up to date with the content directory,
    touching only what changed. Files in `changed` are read again even if their stat looks the same."""
    _check_content(config)
    paths = IndexPaths(config.ensure_instance(), audience)
    with writer_lock(paths.lock, wait):
        manifest = read_manifest(paths)
        build.repair(paths.generations, manifest.generation if manifest else None)
        for leftover in paths.root.glob(f".{paths.manifest.name}.*.tmp"):  # a manifest half-written by a crash
            leftover.unlink(missing_ok=True)
        scan = scan_content(config.content)
        key = paths.keys()
        reason = "--rebuild was asked for" if rebuild else _rebuild_reason(paths, manifest, scan)
        if reason is None and manifest is not None:
            plan = plan_changes(manifest, scan, today, key, _relative(config.content, changed))
            if len(plan.read) <= max(50, REBUILD_SHARE * len(scan.files)):
                try:
                    return _update(paths, manifest, scan, plan, today, key, progress)
                except (OSError, ValueError, LookupError, whoosh_index.IndexError) as exc:
                    reason = f"the index could not be updated ({type(exc).__name__})"
            else:
                reason = f"{len(plan.read)} files changed"
        return _rebuild(paths, manifest, scan, today, key, reason or "", procs, progress)


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


def _next_generation(paths: IndexPaths, manifest: Manifest | None) -> str:
    numbers = [int(p.name) for p in paths.generations.glob("*") if p.name.isdigit()]
    if manifest is not None and manifest.generation.isdigit():
        numbers.append(int(manifest.generation))
    return f"{max(numbers, default=0) + 1:06d}"


def _warnings(scan: Scan, entries: dict[str, Entry], key: Keys) -> tuple[str, ...]:
    lines = [invalid_warning(scan, stat) for i, stat in scan.files.items()
             if entries.get(key(i), None) is not None and entries[key(i)].state == "invalid"]
    lines += [f"warning: {display_path(scan.root / path)}: not indexed: another file already has this id; "
              f"run 'archive check' for details" for path in scan.duplicates]
    return tuple(lines)


def _rebuild(paths: IndexPaths, old: Manifest | None, scan: Scan, today: dt.date, key: Keys, reason: str,
             procs: int, progress: Progress | None) -> IndexReport:
    generation = _next_generation(paths, old)
    directory = paths.generation(generation)
    build.create_generation(directory, scan.root, paths.audience)
    vocabulary_hash = scan_content(directory).vocabulary_hash  # of the copies it is built with
    stats = list(scan.files.values())
    done = [0]

    def advance(count: int) -> None:
        done[0] += count
        if progress:
            progress(done[0], len(stats))

    judged = build.build_generation(directory, scan.root, stats, scan.ids, today, key, procs, advance,
                                    paths.audience)
    entries = {key(j.id): j.entry for j in judged}
    if paths.audience is Audience.PUBLIC:
        write_catalogue(directory, judged, scan, today, key)
    manifest = Manifest((old.serial if old else 0) + 1, SCHEMA_VERSION, generation, vocabulary_hash,
                        today.isoformat(), valid_until(entries, today), entries)
    write_manifest(paths, manifest)  # the swap: readers now open the new generation
    build.repair(paths.generations, generation)
    before = old.indexed_ids if old else frozenset()
    after = manifest.indexed_ids
    return IndexReport(generation, True, reason, added=tuple(sorted(after - before)),
                       removed=tuple(sorted(before - after)), public=len(after),
                       warnings=_warnings(scan, entries, key), audience=paths.audience)


def _update(paths: IndexPaths, manifest: Manifest, scan: Scan, plan: Plan, today: dt.date, key: Keys,
            progress: Progress | None) -> IndexReport:
    directory = paths.generation(manifest.generation)
    audience = paths.audience
    places, themes = load_vocabularies(directory)
    ids = set(scan.ids)
    entries = dict(plan.kept)
    documents, deletions = [], [e.id for e in plan.removed if e.indexed and e.id]
    added, updated, removed = [], [], list(deletions)
    purge = bool(deletions)  # a testimony leaves the index, or its consent changed: no trace may stay
    results: list[Judged] = []
    for number, stat in enumerate(plan.read, 1):
        if progress:
            progress(number, len(plan.read))
        result: Judged = judge(read_testimony(scan.root, stat, places, themes, ids), today, places, key, audience)
        before = manifest.entries.get(key(stat.id))
        entries[key(stat.id)] = result.entry
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
    new = Manifest(manifest.serial + 1, SCHEMA_VERSION, manifest.generation, manifest.vocabulary_hash,
                   today.isoformat(), valid_until(entries, today), entries)
    write_manifest(paths, new)
    return IndexReport(manifest.generation, False, "", tuple(sorted(added)), tuple(sorted(updated)),
                       tuple(sorted(removed)), len(new.indexed_ids), _warnings(scan, entries, key), audience)
