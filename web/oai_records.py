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

What the fingerprint is made from is the public version, the three vocabulary files (collection.yaml
included) and the public original a translation links to; the ledger keeps a hash of those (`k`) beside
it, so a new public set reads only the views whose hash is new. The list itself comes from the
catalogue's listing facts (web.public_set); a view is read when its record is written on a page.

A deleted record belongs to no set (what it was about is no longer public), so harvesters
learn of withdrawals by harvesting without `set`.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from flask import current_app

import archive.store.files
from archive.consent import TestimonyView
from archive.vocabulary import Vocabulary

from .gate import public_view, public_views, site, withdrawn_ids
from .metadata import dublin_core

__all__ = ["Record", "records", "set_spec", "list_sets", "LEDGER_NAME"]

LEDGER_NAME = "oai-datestamps.json"
DELETED = "deleted"
HIDDEN = "hidden"  # in the ledger only: listed before, now 404; a return to public gets a new datestamp


@dataclass(frozen=True)
class Record:
    """One OAI record: a deleted one has only its id and datestamp."""

    id: str
    datestamp: dt.datetime
    sets: tuple[str, ...]
    deleted: bool = False

    def view(self) -> TestimonyView | None:
        """The public view, read now (None for a deleted record, or one no longer public in this public set)."""
        return None if self.deleted else public_view(self.id)


def set_spec(kind: str, entry_id: str) -> str:
    """'place:syria:idlib-governorate:saraqib': the kind, then the entry's path from its root."""
    vocabulary: Vocabulary[Any] = site().vocabularies.places if kind == "place" else site().vocabularies.themes
    return ":".join([kind, *reversed(vocabulary.ancestors(entry_id)), entry_id])


class _Sets:
    """Every set a public view belongs to: each of its (public-level) places and themes and their parents; the
    sets of each place and theme worked out once per list."""

    def __init__(self) -> None:
        self.collection = site().vocabularies
        self.known: dict[tuple[str, str], tuple[str, ...]] = {}

    def _of(self, kind: str, entry_id: str) -> tuple[str, ...]:
        found = self.known.get((kind, entry_id))
        if found is None:
            vocabulary: Vocabulary[Any] = self.collection.places if kind == "place" else self.collection.themes
            found = () if entry_id not in vocabulary else (kind, *(
                set_spec(kind, member) for member in (entry_id, *vocabulary.ancestors(entry_id))))
            self.known[(kind, entry_id)] = found
        return found

    def __call__(self, places: tuple[str, ...], themes: tuple[str, ...]) -> tuple[str, ...]:
        found = {spec for place in places for spec in self._of("place", place)}
        found.update(spec for theme in themes for spec in self._of("theme", theme))
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


@functools.lru_cache(maxsize=4096)  # a list's records share few datestamps
def _parse(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)


def _made_from(version: str, vocabulary: str, linked: str | None) -> str:
    """A hash of everything a record's fingerprint is made from (its view is the public form `version` names)."""
    return hashlib.sha256(f"{version}\0{vocabulary}\0{linked or ''}".encode()).hexdigest()[:16]


def _update_ledger(path: Path, current: dict[str, str], fingerprint: Callable[[str], str | None]) -> dict[str, Any]:
    """Merge what is public now ({id: `_made_from` hash, or DELETED}) into the ledger, with the `fingerprint` of
    each id whose hash is new (None: not public after all); returns {id: {"f", "d"}} after it."""
    with archive.store.files.locked(path.with_suffix(".lock"), mode=0o644):
        try:
            ledger = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            ledger = {}
        if not isinstance(ledger, dict):
            ledger = {}
        now, changed = _stamp(_now()), False
        for testimony_id, made_from in current.items():
            entry = ledger.get(testimony_id)
            if made_from == DELETED:
                if isinstance(entry, dict) and entry.get("f") != DELETED:  # else withdrawn before it was listed
                    ledger[testimony_id], changed = {"f": DELETED, "d": now}, True
                continue
            if isinstance(entry, dict) and entry.get("k") == made_from and entry.get("f") not in (DELETED, HIDDEN):
                continue  # made from the same public form: the same fingerprint
            found = fingerprint(testimony_id)
            if found is None:
                continue
            if not isinstance(entry, dict) or entry.get("f") != found:
                entry = {"f": found, "d": now}
            ledger[testimony_id], changed = {**entry, "k": made_from}, True
        for testimony_id, entry in ledger.items():  # listed before, now answered 404: never shown again
            if testimony_id not in current and isinstance(entry, dict) and entry.get("f") != HIDDEN:
                ledger[testimony_id] = {"f": HIDDEN, "d": now}
                changed = True
        if changed:
            archive.store.files.replace(path, json.dumps(ledger, ensure_ascii=False, sort_keys=True))
    return ledger


def _build() -> list[Record]:
    public = public_views()
    vocabulary = site().vocabularies.digest
    current: dict[str, str] = {}
    sets_of: dict[str, tuple[str, ...]] = {}
    sets = _Sets()
    for listed in public.views.listed():
        sets_of[listed.id] = sets(listed.places, listed.themes)
        linked = listed.translation_of if listed.translation_of in public else None
        current[listed.id] = _made_from(public.views.versions[listed.id], vocabulary, linked)

    def fingerprint(testimony_id: str) -> str | None:
        view = public.views.get(testimony_id)
        return None if view is None else _fingerprint(view, sets_of[testimony_id])

    for testimony_id in withdrawn_ids():
        current[testimony_id] = DELETED
    ledger = _update_ledger(Path(current_app.config["ARCHIVE_INSTANCE"]) / LEDGER_NAME, current, fingerprint)
    found = []
    for testimony_id, entry in ledger.items():
        try:
            datestamp = _parse(entry["d"])
        except (KeyError, TypeError, ValueError):
            continue
        made_from = current.get(testimony_id)
        if made_from is not None and made_from != DELETED and entry.get("k") == made_from:
            found.append(Record(testimony_id, datestamp, sets_of[testimony_id]))
        elif entry.get("f") == DELETED and made_from == DELETED:
            found.append(Record(testimony_id, datestamp, (), True))  # in no set: only its id and datestamp
    return sorted(found, key=lambda r: (r.datestamp, r.id))


def records() -> list[Record]:
    """Every record, oldest datestamp first (then by id): worked out once per public set."""
    return public_views().memo("oai-records", _build)


def list_sets() -> list[tuple[str, str]]:
    """(setSpec, setName) of every set that holds a public record, parents before children."""
    collection = site().vocabularies
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
