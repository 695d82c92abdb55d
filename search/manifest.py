"""Where each index lives in the instance directory, and the manifest that says what it holds.

There are two indexes, one per `archive.consent.Audience`, laid out alike:

    <instance>/index/
      lock                      the public index's writers' lock (fcntl); readers never take it
      public.json               the manifest: the serving generation, the day consent was judged
                                for and until when that holds, and per testimony file its stat,
                                version (hash) and the consent state that was indexed, all keyed
                                by a hash of the id (a hidden testimony's slug is not kept in clear);
                                every hash in it is an HMAC under the instance secret (archive.store.secret,
                                <instance>/secret_key, outside this folder), so no guess at a hidden
                                id, file or name can be tested against it offline
      public/<generation>/      a Whoosh index, plus places.yaml and themes.yaml as indexed
      curator.lock              the curator index's writers' lock
      curator.json              its manifest (every valid testimony is indexed, so ids are kept)
      curator/<generation>/     the curator index: every testimony as curators see it, with its state

Nothing that serves the public opens the curator paths: they are only reached through an
`IndexPaths` made with `Audience.CURATOR`.

The manifest is replaced atomically (archive.store.files.replace) and only after the Whoosh commit it
describes, so it may lag the index by one run (the next run redoes that work) but
never runs ahead of it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Mapping

from archive.store import files
from archive.consent import Audience
from archive.store.secret import keyed_hash, load_secret

__all__ = ["IndexPaths", "Entry", "Manifest", "Keys", "read_manifest", "read_serial", "write_manifest"]


@dataclass(frozen=True)
class Keys:
    """How the manifest names an id or a path, and keeps a file's or a consent's hash: an HMAC under the
    instance secret, so no slug of a hidden testimony is kept in clear and no guess can be checked offline."""

    secret: bytes = field(repr=False)

    def __call__(self, text: str) -> str:
        return keyed_hash(self.secret, "archive index manifest", text)


@dataclass(frozen=True)
class IndexPaths:
    """The paths of one audience's index (the public one unless told) under an instance directory."""

    instance: Path
    audience: Audience = Audience.PUBLIC

    @property
    def root(self) -> Path:
        return self.instance / "index"

    @property
    def manifest(self) -> Path:
        return self.root / f"{self.audience.value}.json"

    @property
    def lock(self) -> Path:
        return self.root / ("lock" if self.audience is Audience.PUBLIC else f"{self.audience.value}.lock")

    @property
    def generations(self) -> Path:
        return self.root / self.audience.value

    def generation(self, name: str) -> Path:
        return self.generations / name

    def keys(self) -> Keys:
        """The manifest's keyed hash, under this instance's secret (made on first use)."""
        return Keys(load_secret(self.instance))


@dataclass(frozen=True)
class Entry:
    """One testimony file as the last run saw it, and what that run did with it.

    Entries are keyed by `keys(id)`; the id itself is kept only while the testimony is
    indexed (the index needs it to delete the document): in the public manifest only while it
    is public; the path only as `keys(path)`; the version and the consent fingerprint only
    keyed too (`Keys`).
    """

    path: str
    mtime_ns: int
    size: int
    version: str
    state: str  # archive.consent.State value on the indexed day, or "invalid"
    indexed: bool
    id: str | None = None
    embargo_until: str | None = None
    translation_of: str | None = None  # keys() of the original's id
    consent: str | None = None  # changes.consent_fingerprint of an indexed testimony


@dataclass(frozen=True)
class Manifest:
    """What the serving generation holds and until when it is valid; `serial` grows with every write."""

    serial: int
    schema_version: str
    generation: str
    vocabulary_hash: str
    day: str  # the date consent was evaluated for (ISO)
    valid_until: str | None  # ISO date from which an embargo ends, so the index is stale
    entries: Mapping[str, Entry] = field(default_factory=dict)

    @property
    def indexed_ids(self) -> frozenset[str]:
        return frozenset(e.id for e in self.entries.values() if e.indexed and e.id)

    def is_expired(self, today: dt.date) -> bool:
        """True when an embargo has ended since (or the date moved back before) the indexed day."""
        if today < dt.date.fromisoformat(self.day):
            return True
        return self.valid_until is not None and today >= dt.date.fromisoformat(self.valid_until)


_ENTRY_FIELDS = tuple(f.name for f in fields(Entry))


_HEAD = re.compile(rb'\{"serial":(\d+),"schema_version":"[^"]*","generation":"([0-9A-Za-z_-]+)"')


def read_serial(paths: IndexPaths) -> tuple[int, str] | None:
    """(serial, generation) from the head of the manifest: a cheap check that readers can make often."""
    try:
        with open(paths.manifest, "rb") as stream:
            match = _HEAD.match(stream.read(256))
    except OSError:
        return None
    return (int(match.group(1)), match.group(2).decode()) if match else None


def read_manifest(paths: IndexPaths) -> Manifest | None:
    """The manifest, or None if there is none or it cannot be read (the index is then rebuilt)."""
    try:
        data = json.loads(paths.manifest.read_text("utf-8"))
        if data.pop("entry_fields") != list(_ENTRY_FIELDS):
            return None
        entries = {k: Entry(*row) for k, row in data.pop("entries").items()}
        return Manifest(entries=entries, **data)
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def write_manifest(paths: IndexPaths, manifest: Manifest) -> None:
    """Replace the manifest atomically: readers see the old one or the new one, never a mix."""
    data: dict[str, Any] = {f.name: getattr(manifest, f.name) for f in fields(Manifest) if f.name != "entries"}
    data["entry_fields"] = _ENTRY_FIELDS
    data["entries"] = {k: [getattr(e, name) for name in _ENTRY_FIELDS] for k, e in sorted(manifest.entries.items())}
    files.replace(paths.manifest, json.dumps(data, ensure_ascii=False, separators=(",", ":")))
