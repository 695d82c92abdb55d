"""What curator pages read, instead of the whole collection (docs/serving.md): each page reads only what it shows.

- Places, themes and collection.yaml: the site's vocabularies (web.vocabularies), kept in memory.
- One testimony as its file says now (`current`): found through the site's scan of names and stats, read
  and checked as `archive check` and the indexer do (`search.sources.read_testimony`); its file (`locate`)
  and every id a file has (`taken_ids`) from the same scan, made again when it lacks the file asked for.
- What is counted or checked over every testimony (the languages, the files with problems, the uses of a
  place or theme, what an import must not repeat, the testimonies a vocabulary change must keep valid):
  the catalogue beside the curator index (search.curator_catalogue), as of the indexer's last run; a
  curator's own save is in it before the save's response (web.curate.publish).
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from flask import current_app

from archive.collection import load_collection
from archive.config import Config
from archive.consent import Audience
from archive.model import Testimony
from archive.scanning import ContentScan
from archive.store.importing import Repeats
from search.curator_catalogue import NAME, CuratorCatalogue
from search.manifest import IndexPaths, read_serial
from search.sources import read_testimony

from ..gate import site, today
from ..vocabularies import Vocabularies

__all__ = ["vocabularies", "locate", "taken_ids", "current", "catalogue", "repeats", "invalid_files", "valid_files"]

EXTENSION = "archive_curator_catalogue"


def vocabularies() -> Vocabularies:
    """collection.yaml, places.yaml and themes.yaml as the site keeps them (root, places, themes)."""
    return site().vocabularies


def locate(testimony_id: str) -> Path | None:
    """The file of an id, the first in scan order when several share it (as `editing.existing_ids`); a scan
    that lacks it, or names a file gone since, is made again once before the answer is None."""
    for attempt in range(2):
        scan = site().scan()
        stat = scan.files.get(testimony_id)
        if stat is None and scan.listing is not None:
            stat = next(iter(scan.listing.duplicates.get(testimony_id, ())), None)
        if stat is not None and (scan.root / stat.path).is_file():
            return scan.root / stat.path
        if attempt == 0:
            site().rescan()
    return None


def taken_ids() -> frozenset[str]:
    """Every id a testimony file has (duplicated ones too), from the site's scan (a save checks again under the
    content lock)."""
    return site().scan().ids


def current(testimony_id: str) -> Testimony | None:
    """The valid testimony with this id as its one file says now; None for an unknown, invalid or duplicated id."""
    scan = site().scan()
    stat = scan.files.get(testimony_id)
    if stat is None:
        return None
    words = vocabularies()
    return read_testimony(scan.root, stat, words.places, words.themes, scan.ids).testimony  # type: ignore[arg-type]


def _config() -> Config:
    return Config(Path(current_app.config["ARCHIVE_CONTENT"]), Path(current_app.config["ARCHIVE_INSTANCE"]))


def catalogue() -> CuratorCatalogue:
    """The serving curator generation's catalogue, opened again when the index moves on; the curator index is
    built first when there is none (as `finding.find` does)."""
    paths = IndexPaths(_config().instance, Audience.CURATOR)
    for attempt in range(2):
        head = read_serial(paths)
        path = paths.generation(head[1]) / NAME if head else None
        try:
            stat = path.stat() if path else None
        except OSError:
            stat = None
        if stat is not None:
            mark = (head, stat.st_ino, stat.st_mtime_ns, stat.st_size)
            opened = current_app.extensions.get(EXTENSION)
            if opened is None or opened[0] != mark:
                opened = (mark, CuratorCatalogue(path))  # type: ignore[arg-type]
                current_app.extensions[EXTENSION] = opened
            return opened[1]
        if attempt == 0:
            from search.indexer import update_index

            update_index(_config(), today(), procs=1, audience=Audience.CURATOR)
    raise OSError("the curator index has no catalogue")


def repeats() -> Repeats:
    """What an import must not repeat: the id of the testimony holding a repeat key, if any."""
    opened, key = catalogue(), IndexPaths(_config().instance, Audience.CURATOR).keys()
    return lambda found: opened.holder(key(found))


_META_PROBLEMS: dict[str, int] = {}


def invalid_files() -> int:
    """How many files have problems (`archive check` names them): testimony files, as the curator index's last
    run found them, and collection.yaml, places.yaml and themes.yaml as they are now."""
    words = vocabularies()
    meta = _META_PROBLEMS.get(words.digest)
    if meta is None:  # the three small files alone: a load with no testimony file in its listing
        loaded = load_collection(words.root, listing=ContentScan(words.root, ()))
        if len(_META_PROBLEMS) > 64:
            _META_PROBLEMS.clear()
        meta = _META_PROBLEMS[words.digest] = len({p.path for p in loaded.errors})
    return catalogue().invalid() + meta


def valid_files() -> Iterator[tuple[str, Path]]:
    """Every valid testimony's id and file (as the curator index's last run found them valid), in id order."""
    scan = site().scan()
    for testimony_id in catalogue().valid_ids():
        stat = scan.files.get(testimony_id)
        if stat is not None:
            yield testimony_id, scan.root / stat.path
