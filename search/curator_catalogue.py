"""The curator catalogue: what curator pages count and check over every testimony, in one SQLite file beside
each curator index generation, so that no web worker parses the collection (docs/serving.md).

Written by the indexer in the same run as the curator index it sits beside, as the public catalogue is
(search.catalogue): a full build writes a new file into the new generation before the manifest names it;
an update changes it in one transaction after the Whoosh commit and before the manifest. It holds:

    meta     its format, and how many files share an id with another (none of them is indexed)
    files    per testimony file the run judged: the keyed hash of its id (`Keys`, as the manifest's
             entries are keyed), its id in clear when the file is valid (curator pages show every id; the curator index
             keeps them too), its language, places and themes as written (ids, JSON lists)
    repeats  per valid testimony, the keyed hashes of what a bulk import must not repeat (its folded
             title with its event date, its source URL: `archive.store.importing.repeat_keys`), with its id

It is in the curator index's folder, which nothing that serves the public opens (search.manifest).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, NamedTuple

from archive.model import Testimony
from archive.store.importing import repeat_keys

from .manifest import Keys
from .sources import Scan
from .sqlite_files import ReadOnly, write_new

if TYPE_CHECKING:
    from .changes import Judged

__all__ = ["NAME", "FORMAT", "Facts", "facts", "curator_catalogue_current", "write_curator_catalogue",
           "update_curator_catalogue", "CuratorCatalogue"]

NAME = "curator-catalogue.sqlite"
FORMAT = "1"  # changes with the tables: a curator index whose catalogue has another is rebuilt
_SCHEMA = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT);
CREATE TABLE files (kid TEXT PRIMARY KEY, id TEXT, language TEXT, places TEXT, themes TEXT) WITHOUT ROWID;
CREATE TABLE repeats (key TEXT NOT NULL, kid TEXT NOT NULL, id TEXT NOT NULL);
CREATE INDEX repeats_key ON repeats (key);
CREATE INDEX repeats_kid ON repeats (kid);
"""


class Facts(NamedTuple):
    """What the curator catalogue keeps of one valid testimony (small: it travels back from a build's workers)."""

    id: str
    language: str
    places: str  # ids as written, a JSON list
    themes: str
    repeats: tuple[str, ...]  # keyed


def facts(testimony: Testimony, key: Keys) -> Facts:
    """A valid testimony's row (`key`: the manifest's keyed hash)."""
    url = testimony.source.url if testimony.source else None
    repeats = tuple(key(k) for k in repeat_keys(testimony.title, testimony.event_date, url))
    return Facts(testimony.id, testimony.language, json.dumps(list(testimony.places)),
                 json.dumps(list(testimony.themes)), repeats)


def _rows(judged: Iterable[Judged], key: Keys) -> tuple[list[tuple[object, ...]], list[tuple[str, str, str]]]:
    files, repeats = [], []
    for j in judged:
        kid, found = key(j.id), j.facts
        if found is None:  # an invalid file: counted, never listed
            files.append((kid, None, None, None, None))
            continue
        files.append((kid, found.id, found.language, found.places, found.themes))
        repeats += [(k, kid, found.id) for k in found.repeats]
    return files, repeats


def _write_rows(connection: sqlite3.Connection, judged: Iterable[Judged], scan: Scan, key: Keys) -> None:
    files, repeats = _rows(judged, key)
    connection.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?)", files)
    connection.executemany("INSERT INTO repeats VALUES (?, ?, ?)", repeats)
    connection.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", [
        ("format", FORMAT), ("duplicates", str(len(scan.duplicates)))])


def curator_catalogue_current(directory: Path) -> bool:
    """True when the curator generation in `directory` has a catalogue of this format (else it is rebuilt)."""
    try:
        CuratorCatalogue(Path(directory) / NAME)
    except (OSError, sqlite3.Error):
        return False
    return True


def write_curator_catalogue(directory: Path, judged: Iterable[Judged], scan: Scan, key: Keys) -> None:
    """A new curator generation's catalogue: every file the build judged."""
    write_new(Path(directory) / NAME, _SCHEMA, lambda connection: _write_rows(connection, judged, scan, key))


def update_curator_catalogue(directory: Path, judged: Iterable[Judged], gone: Iterable[str], scan: Scan,
                             key: Keys) -> None:
    """Change a serving curator generation's catalogue in one transaction: the files read again, and the
    keyed ids (the manifest's keys) of the files that are gone."""
    judged = list(judged)
    if not curator_catalogue_current(Path(directory)):
        raise OSError(f"the curator catalogue in {directory} is missing or of another format")  # the caller rebuilds
    connection = sqlite3.connect(Path(directory) / NAME, timeout=30)
    try:
        with connection:
            kids = [(key(j.id),) for j in judged] + [(kid,) for kid in gone]
            connection.executemany("DELETE FROM files WHERE kid = ?", kids)
            connection.executemany("DELETE FROM repeats WHERE kid = ?", kids)
            _write_rows(connection, judged, scan, key)
    finally:
        connection.close()


class CuratorCatalogue:
    """One curator catalogue, read-only; a connection per thread."""

    def __init__(self, path: Path):
        self.path = Path(path)
        if not self.path.is_file():
            raise OSError(f"there is no curator catalogue at {path}")
        self._query = ReadOnly(self.path).query
        meta = dict(self._query("SELECT name, value FROM meta"))
        if meta.get("format") != FORMAT:
            raise OSError(f"the curator catalogue {path} is of another format")
        self.duplicates = int(str(meta.get("duplicates") or 0))

    def languages(self) -> list[str]:
        """The language of every valid testimony, each once."""
        return sorted(str(row[0]) for row in self._query("SELECT DISTINCT language FROM files WHERE id IS NOT NULL"))

    def invalid(self) -> int:
        """How many files have problems: the invalid ones, and every copy of an id several files share."""
        (count,) = self._query("SELECT count(*) FROM files WHERE id IS NULL")[0]
        return int(count) + self.duplicates  # type: ignore[call-overload]

    def valid_ids(self) -> list[str]:
        return sorted(str(row[0]) for row in self._query("SELECT id FROM files WHERE id IS NOT NULL"))

    def uses(self, kind: str) -> dict[str, int]:
        """How many valid testimonies name each place (`kind` "place") or theme ("theme")."""
        column = "places" if kind == "place" else "themes"
        rows = self._query(f"SELECT entry.value, count(*) FROM files, json_each(files.{column}) AS entry "
                           "WHERE files.id IS NOT NULL GROUP BY entry.value")
        return {str(entry): int(count) for entry, count in rows}  # type: ignore[call-overload]

    def holder(self, keyed: str) -> str | None:
        """The id of the testimony with this keyed repeat key, if any."""
        rows = self._query("SELECT id FROM repeats WHERE key = ? ORDER BY id LIMIT 1", (keyed,))
        return str(rows[0][0]) if rows else None
