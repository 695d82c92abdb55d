"""The records OAI-PMH serves, their sets, and the datestamps of their public form.

Which records: every testimony in the public set (web.gate), and a *deleted* record (id and
datestamp only) for every id the gate answers 410 (withdrawn) that this repository listed while
it was public, so a harvester that may hold it learns to drop it; a withdrawn id never listed
is never named (nobody could have harvested it). A restricted, embargoed, draft, duplicated or
unknown id never appears, exactly as the site answers it 404 like an unknown id, even when it
was public before (it then leaves the lists without a deletion record).

When a record last changed: a ledger in the instance directory (`oai-datestamps.json`) keeps,
per id, a fingerprint of what a harvester receives (the public version, the oai_dc elements and
the sets, or "deleted") and the moment that fingerprint was first seen. The datestamp moves only
when that public form moves, so an edit to a hidden field or a redacted passage never shows.
The ledger is updated under a file lock the first time each new public set is served.

A deleted record belongs to no set (what it was about is no longer public), so harvesters
learn of withdrawals by harvesting without `set`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app

import archive.store.files
from archive.consent import TestimonyView
from archive.vocabulary import Vocabulary

from .gate import public_views, site, withdrawn_ids
from .metadata import dublin_core

__all__ = ["Record", "records", "set_spec", "list_sets", "LEDGER_NAME"]

LEDGER_NAME = "oai-datestamps.json"
DELETED = "deleted"
HIDDEN = "hidden"  # in the ledger only: listed before, now 404; a return to public gets a new datestamp


@dataclass(frozen=True)
class Record:
    """One OAI record: `view` is None for a deleted one."""

    id: str
    datestamp: dt.datetime
    sets: tuple[str, ...]
    view: TestimonyView | None

    @property
    def deleted(self) -> bool:
        return self.view is None


def set_spec(kind: str, entry_id: str) -> str:
    """'place:syria:idlib-governorate:saraqib': the kind, then the entry's path from its root."""
    vocabulary: Vocabulary[Any] = site().collection.places if kind == "place" else site().collection.themes
    return ":".join([kind, *reversed(vocabulary.ancestors(entry_id)), entry_id])


def _sets_of(view: TestimonyView) -> tuple[str, ...]:
    """Every set a public view belongs to: each of its (public-level) places and themes and their parents."""
    collection = site().collection
    found: set[str] = set()
    for kind, ids, vocabulary in (("place", view.places, collection.places), ("theme", view.themes, collection.themes)):
        for entry_id in ids:
            if entry_id not in vocabulary:
                continue
            found.add(kind)
            for member in (entry_id, *vocabulary.ancestors(entry_id)):
                found.add(set_spec(kind, member))
    return tuple(sorted(found))


def _fingerprint(view: TestimonyView, sets: tuple[str, ...]) -> str:
    public = json.dumps([view.version, dublin_core(view), sets], ensure_ascii=False)
    return hashlib.sha256(public.encode()).hexdigest()


def _now() -> dt.datetime:
    fixed = current_app.config.get("ARCHIVE_OAI_NOW")  # tests may fix the clock
    now = fixed() if callable(fixed) else dt.datetime.now(dt.timezone.utc)
    return now.replace(microsecond=0)


def _stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)


def _update_ledger(path: Path, current: dict[str, str]) -> dict[str, Any]:
    """Merge what is public now ({id: fingerprint}) into the ledger; returns {id: {"f", "d"}} after it."""
    with archive.store.files.locked(path.with_suffix(".lock"), mode=0o644):
        try:
            ledger = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            ledger = {}
        if not isinstance(ledger, dict):
            ledger = {}
        now, changed = _stamp(_now()), False
        for testimony_id, fingerprint in current.items():
            entry = ledger.get(testimony_id)
            if fingerprint == DELETED and not isinstance(entry, dict):
                continue  # withdrawn before it was ever listed: nothing to tell a harvester
            if not isinstance(entry, dict) or entry.get("f") != fingerprint:
                ledger[testimony_id] = {"f": fingerprint, "d": now}
                changed = True
        for testimony_id, entry in ledger.items():  # listed before, now answered 404: never shown again
            if testimony_id not in current and isinstance(entry, dict) and entry.get("f") != HIDDEN:
                ledger[testimony_id] = {"f": HIDDEN, "d": now}
                changed = True
        if changed:
            archive.store.files.replace(path, json.dumps(ledger, ensure_ascii=False, sort_keys=True))
    return ledger


def _build() -> list[Record]:
    public = public_views()
    current: dict[str, str] = {}
    sets_of: dict[str, tuple[str, ...]] = {}
    for testimony_id, view in public.views.items():
        sets_of[testimony_id] = _sets_of(view)
        current[testimony_id] = _fingerprint(view, sets_of[testimony_id])
    for testimony_id in withdrawn_ids():
        current[testimony_id] = DELETED
    ledger = _update_ledger(Path(current_app.config["ARCHIVE_INSTANCE"]) / LEDGER_NAME, current)
    found = []
    for testimony_id, entry in ledger.items():
        try:
            datestamp = _parse(entry["d"])
        except (KeyError, TypeError, ValueError):
            continue
        view = public.views.get(testimony_id)
        if view is not None and entry.get("f") != DELETED:
            found.append(Record(testimony_id, datestamp, sets_of[testimony_id], view))
        elif entry.get("f") == DELETED and current.get(testimony_id) == DELETED:
            found.append(Record(testimony_id, datestamp, (), None))  # in no set: only its id and datestamp
    return sorted(found, key=lambda r: (r.datestamp, r.id))


def records() -> list[Record]:
    """Every record, oldest datestamp first (then by id): worked out once per public set."""
    return public_views().memo("oai-records", _build)


def list_sets() -> list[tuple[str, str]]:
    """(setSpec, setName) of every set that holds a public record, parents before children."""
    collection = site().collection
    specs = sorted({spec for record in records() if not record.deleted for spec in record.sets})
    named = []
    for spec in specs:
        parts = spec.split(":")
        if len(parts) == 1:
            named.append((spec, "Places" if spec == "place" else "Themes"))
            continue
        entry_id = parts[-1]
        if parts[0] == "place":
            place = collection.places.get(entry_id)
            named.append((spec, place.name if place else entry_id))
        else:
            theme = collection.themes.get(entry_id)
            named.append((spec, theme.label if theme else entry_id))
    return named
