"""What an index run must do: which files to read again, and what consent makes of each one.

Pure functions over the manifest, a scan of the content directory and a day; the
consent decision itself is always `archive.consent`'s.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Iterable, Mapping

from archive import consent
from archive.consent import Audience, TestimonyView
from archive.collection import display_path
from archive.errors import Gone, NotFound
from archive.model import Testimony
from archive.vocabulary import Gazetteer

from .buckets import Buckets, fill
from .manifest import Entry, Head, Keys
from .manifest_store import Store
from .curator_catalogue import Facts, facts
from .sources import FileStat, Loaded, Scan

__all__ = ["Plan", "Judged", "plan_changes", "judge", "valid_until", "warnings", "invalid_files", "consent_fingerprint",
           "kept_digests"]


@dataclass(frozen=True)
class Plan:
    """Files to read and judge again, with the entries they had; entries whose file is gone; and the
    hashes of the buckets that changed (None for a bucket now empty), to be kept once that is done."""

    read: tuple[FileStat, ...]
    before: Mapping[str, Entry]  # keys(id) -> the entry of a file to read again, if it had one
    removed: Mapping[str, Entry]  # keys(id) -> the entry of a file that is gone (or now a duplicate)
    digests: Mapping[str, str | None]
    buckets: Buckets


@dataclass(frozen=True)
class Judged:
    """One file after consent has looked at it: its new entry and, if the audience may see it, its view."""

    id: str
    entry: Entry
    view: TestimonyView | None
    problems: tuple[str, ...] = ()
    facts: Facts | None = None  # for the curator index's catalogue (search.curator_catalogue), when valid
    row: tuple[object, ...] | None = None  # a full build's worker sends the view's catalogue row instead of the view


def _clock_moved(embargo_until: str | None, day: dt.date, today: dt.date) -> bool:
    """True if the embargo clock shows this file differently on the indexed day and today (either way)."""
    if embargo_until is None or day == today:
        return False
    end = dt.date.fromisoformat(embargo_until)
    return consent.embargoed(end, day) != consent.embargoed(end, today)


def plan_changes(store: Store, head: Head, scan: Scan, today: dt.date, key: Keys,
                 force: frozenset[str] = frozenset()) -> Plan:
    """Compare the files with the manifest: new, edited, moved, removed, and embargoes ended since.

    Only the buckets whose hash changed are compared file by file (search.buckets), and the
    buckets of files that must be read whatever their stat: an embargo that ended, a translation
    whose original appeared or went, a relative path in `force` (a save within the file system's
    timestamp resolution that kept the size).
    """
    buckets = fill(scan, key)
    stored = store.digests()
    changed = {t for t in stored.keys() | buckets.digests.keys() if stored.get(t) != buckets.digests.get(t)}
    day = dt.date.fromisoformat(head.day)
    forced: set[str] = set()
    if day != today:
        for tag, entry in store.buckets_where("embargo_until IS NOT NULL"):
            if _clock_moved(entry.embargo_until, day, today):
                changed.add(tag)
                forced.add(entry.path)
    for path in force:
        changed.add(buckets.tag_of(path))
        forced.add(key(path))
    read, before, removed, moved = _compare(store, buckets, scan, changed, key, forced)
    if moved:  # a translation's validity depends on its original existing
        translations = store.translations_of(moved)
        if translations:
            changed |= {tag for tag, _ in translations}
            forced |= {entry.path for _, entry in translations}
            read, before, removed, moved = _compare(store, buckets, scan, changed, key, forced)
    digests = {tag: buckets.digests.get(tag) for tag in changed}
    return Plan(tuple(sorted(read, key=lambda f: f.path)), before, removed, digests, buckets)


def _compare(store: Store, buckets: Buckets, scan: Scan, changed: set[str], key: Keys, forced: set[str]
             ) -> tuple[list[FileStat], dict[str, Entry], dict[str, Entry], set[str]]:
    """The files of the changed buckets against their entries: (to read, their entries, gone, the keys of
    the ids that appeared or went)."""
    entries = {k: entry for k, (_, entry) in store.entries(changed).items()}
    files = {key(f.id): f for f in buckets.files(changed) if scan.files.get(f.id) is f}
    read, before = [], {}
    for k, stat in files.items():
        entry = entries.get(k)
        if entry is not None:
            path = key(stat.path)
            if (entry.path, entry.mtime_ns, entry.size) == (path, stat.mtime_ns, stat.size) and path not in forced:
                continue
            before[k] = entry
        read.append(stat)
    removed = {k: entries[k] for k in sorted(entries.keys() - files.keys())}
    return read, before, removed, (files.keys() - entries.keys()) | removed.keys()


def kept_digests(digests: Mapping[str, str | None], read: Iterable[tuple[str, Entry, FileStat]]) -> dict[str, str | None]:
    """The buckets' hashes to keep, but none (so that the next run compares them file by file) for a
    bucket with a file read at another stat than the scan's (bucket, entry, the scan's stat): it changed
    between the scan and its read (search.sources.read_testimony), and the scan's hash would hide it if
    it were put back as the scan saw it."""
    kept = dict(digests)
    for tag, entry, stat in read:
        if (entry.mtime_ns, entry.size) != (stat.mtime_ns, stat.size):
            kept[tag] = None
    return kept


def consent_fingerprint(t: Testimony) -> str:
    """A hash of everything consent decides with: if it changes, an update may narrow what is public."""
    passages: list[str] = []

    def collect(field: str, text: str) -> str:
        consent.redact(text, Audience.CURATOR, lambda passage: passages.append(f"{field}:{passage}") or "")
        return text

    consent.map_texts(t, collect)  # the redacted passages of every field the public sees
    c = t.consent
    data = repr((c.access.value, c.identity.value, c.place_detail.value, str(c.embargo_until), t.status.value,
                 t.narrator.name, t.narrator.pseudonym, t.places, passages))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:16]


def judge(loaded: Loaded, today: dt.date, places: Gazetteer, key: Keys,
          audience: Audience = Audience.PUBLIC) -> Judged:
    """The view of a file read for this audience's index, if consent allows one on this day.

    An invalid file is never indexed; curators see every valid one, whatever its state.
    """
    stat, testimony = loaded.stat, loaded.testimony
    translation = key(loaded.translation_of) if loaded.translation_of else None
    base: dict[str, object] = dict(path=key(stat.path), mtime_ns=stat.mtime_ns, size=stat.size,
                                   version=key(f"version:{loaded.file_hash}"), translation_of=translation)
    if testimony is None:
        errors = tuple(str(p) for p in loaded.problems if not p.warning)
        return Judged(stat.id, Entry(state="invalid", indexed=False, **base), None, errors)  # type: ignore[arg-type]
    state = consent.state(testimony, today)
    base["embargo_until"] = testimony.consent.embargo_until.isoformat() if testimony.consent.embargo_until else None
    kept = facts(testimony, key) if audience is Audience.CURATOR else None
    try:
        view = consent.view(testimony, audience, today=today, places=places)
    except (NotFound, Gone):
        return Judged(stat.id, Entry(state=state.value, indexed=False, **base), None,  # type: ignore[arg-type]
                      facts=kept)
    entry = Entry(state=state.value, indexed=True, id=testimony.id,
                  consent=key(f"consent:{consent_fingerprint(testimony)}"), **base)  # type: ignore[arg-type]
    return Judged(stat.id, entry, view, facts=kept)


def valid_until(embargoes: Iterable[str], today: dt.date) -> str | None:
    """The first day after `today` on which the embargo clock changes a file's state, making the index stale."""
    ends = [consent.next_change(dt.date.fromisoformat(until), today) for until in embargoes]
    found = [end for end in ends if end is not None]
    return min(found).isoformat() if found else None


def warnings(scan: Scan, invalid: Iterable[str]) -> tuple[str, ...]:
    """The lines that report files left out of the index: invalid ones (by path) and duplicated ids."""
    base = display_path(scan.root)  # worked out once: the same as display_path of each file in it

    def shown(relative: str) -> str:
        return relative if base == "." else f"{base}/{relative}"

    lines = [f"warning: {shown(path)}: not indexed: the file is invalid; run 'archive check' for details"
             for path in invalid]
    lines += [f"warning: {shown(path)}: not indexed: another file already has this id; "
              f"run 'archive check' for details" for path in scan.duplicates]
    return tuple(lines)


def invalid_files(store: Store, scan: Scan, key: Keys) -> list[str]:
    """The paths of the files the manifest holds as invalid: found among the files of the same stat,
    so that a run does not hash every path (the manifest keeps only keys(path))."""
    invalid = store.invalid_stats()
    if not invalid:
        return []
    times = {mtime_ns for mtime_ns, _, _ in invalid}
    wanted = {(mtime_ns, size, path) for mtime_ns, size, path in invalid}
    return sorted(f.path for f in scan.files.values()
                  if f.mtime_ns in times and (f.mtime_ns, f.size, key(f.path)) in wanted)
