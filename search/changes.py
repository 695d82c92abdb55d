"""What an index run must do: which files to read again, and what consent makes of each one.

Pure functions over the manifest, a scan of the content directory and a day; the
consent decision itself is always `archive.consent`'s.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Mapping

from archive import consent
from archive.collection import display_path
from archive.consent import Audience, TestimonyView
from archive.errors import Gone, NotFound
from archive.model import Testimony
from archive.vocabulary import Gazetteer

from .manifest import Entry, Keys, Manifest
from .sources import FileStat, Loaded, Scan

__all__ = ["Plan", "Judged", "plan_changes", "judge", "valid_until", "invalid_warning", "consent_fingerprint"]


@dataclass(frozen=True)
class Plan:
    """Files to read and judge again, entries whose file is gone, and entries that stay as they are."""

    read: tuple[FileStat, ...]
    removed: tuple[Entry, ...]
    kept: Mapping[str, Entry]


@dataclass(frozen=True)
class Judged:
    """One file after consent has looked at it: its new entry and, if the audience may see it, its view."""

    id: str
    entry: Entry
    view: TestimonyView | None
    problems: tuple[str, ...] = ()


def _clock_moved(embargo_until: str | None, day: dt.date, today: dt.date) -> bool:
    """True if the embargo clock shows this file differently on the indexed day and today (either way)."""
    if embargo_until is None or day == today:
        return False
    end = dt.date.fromisoformat(embargo_until)
    return consent.embargoed(end, day) != consent.embargoed(end, today)


def plan_changes(manifest: Manifest, scan: Scan, today: dt.date, key: Keys,
                 force: frozenset[str] = frozenset()) -> Plan:
    """Compare the files with the manifest: new, edited, moved, removed, and embargoes ended since.

    Files whose relative path is in `force` are read again even if their stat looks unchanged
    (a save within the file system's timestamp resolution that kept the size).
    """
    day = dt.date.fromisoformat(manifest.day)
    keys = {key(i): stat for i, stat in scan.files.items()}
    appeared = keys.keys() - manifest.entries.keys()
    vanished = manifest.entries.keys() - keys.keys()
    read: list[FileStat] = []
    kept: dict[str, Entry] = {}
    for k, stat in keys.items():
        entry = manifest.entries.get(k)
        if (entry is None
                or stat.path in force
                or (entry.path, entry.mtime_ns, entry.size) != (key(stat.path), stat.mtime_ns, stat.size)
                or _clock_moved(entry.embargo_until, day, today)
                # a translation's validity depends on its original existing
                or (entry.translation_of is not None and entry.translation_of in appeared | vanished)):
            read.append(stat)
        else:
            kept[k] = entry
    removed = tuple(manifest.entries[k] for k in sorted(vanished))
    return Plan(tuple(read), removed, kept)


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
    try:
        view = consent.view(testimony, audience, today=today, places=places)
    except (NotFound, Gone):
        return Judged(stat.id, Entry(state=state.value, indexed=False, **base), None)  # type: ignore[arg-type]
    entry = Entry(state=state.value, indexed=True, id=testimony.id,
                  consent=key(f"consent:{consent_fingerprint(testimony)}"), **base)  # type: ignore[arg-type]
    return Judged(stat.id, entry, view)


def valid_until(entries: Mapping[str, Entry], today: dt.date) -> str | None:
    """The first day after `today` on which the embargo clock changes a file's state, making the index stale."""
    ends = [consent.next_change(dt.date.fromisoformat(e.embargo_until), today)
            for e in entries.values() if e.embargo_until]
    found = [end for end in ends if end is not None]
    return min(found).isoformat() if found else None


def invalid_warning(scan: Scan, stat: FileStat) -> str:
    """The line that reports a file left out of the index because it is invalid."""
    return (f"warning: {display_path(scan.root / stat.path)}: not indexed: the file is invalid; "
            f"run 'archive check' for details")
