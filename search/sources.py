"""The content directory as the indexer reads it: files with their stat, vocabularies, one testimony at a time.

The indexer must not parse ten thousand files to notice that one changed, so it
scans names and stats here and reads only the files it needs, each exactly as
`archive.collection.load_collection` would (same parser, same reference checks).
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import AbstractSet, Mapping

from archive.collection import display_path, resolve_testimony
from archive.errors import Problem
from archive.collection_files import load_places, load_themes
from archive.loader import file_hash, parse_testimony
from archive.model import Place, Testimony, Theme
from archive.scanning import VOCABULARY_FILES, ContentScan, FileStat, scan
from archive.store import files
from archive.vocabulary import Gazetteer, Themes

__all__ = ["FileStat", "Scan", "Loaded", "scan_content", "load_vocabularies", "kept_vocabularies", "generation_vocabularies",
           "keep_parsed_vocabularies", "PARSED_VOCABULARIES", "read_testimony",
           "VOCABULARY_FILES", "vocabulary_hash", "UNSTABLE"]


@dataclass(frozen=True)
class Scan:
    """Every testimony file by id, and the vocabularies' hash, from one `archive.scanning.scan`.

    An id that several files share is in `duplicates` (every copy's path) and not in `files`:
    as in `load_collection`, neither copy is indexed, whatever the folder order.
    """

    root: Path
    files: Mapping[str, FileStat]
    duplicates: tuple[str, ...]
    vocabulary_hash: str
    ids: frozenset[str] = frozenset()  # every id in the tree, duplicated ones too (translation_of may name one)
    listing: ContentScan | None = None  # the scan itself: every file, duplicates too, in scan order


@dataclass(frozen=True)
class Loaded:
    """One file read: the testimony if it is valid, else its problems; the hash of its bytes either way."""

    stat: FileStat
    file_hash: str
    testimony: Testimony | None
    problems: tuple[Problem, ...]
    translation_of: str | None = None


def scan_content(root: Path, listing: ContentScan | None = None) -> Scan:
    """Names and stats of every testimony file, without reading them (`listing` if the caller just scanned)."""
    listing = scan(root) if listing is None else listing
    duplicates = tuple(f.path for copies in listing.duplicates.values() for f in copies)
    return Scan(Path(root), listing.by_id, duplicates, vocabulary_hash(root), listing.ids, listing)


def vocabulary_hash(root: Path, names: tuple[str, ...] = VOCABULARY_FILES) -> str:
    """A hash of the bytes of places.yaml and themes.yaml (what every indexed document is resolved with), or
    of the files `names`."""
    digest = hashlib.sha256()
    for name in names:
        try:
            digest.update((Path(root) / name).read_bytes())
        except OSError:
            digest.update(b"\0missing")
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def load_vocabularies(root: Path) -> tuple[Gazetteer, Themes]:
    """The gazetteer and the theme vocabulary of a content directory (empty when a file is missing)."""
    places, themes = _parse_vocabularies(Path(root))
    return Gazetteer(places), Themes(themes)


def _parse_vocabularies(root: Path) -> tuple[list[Place], list[Theme]]:
    places_path, themes_path = (root / name for name in VOCABULARY_FILES)
    places = load_places(places_path, display_path(places_path))[0] if places_path.is_file() else []
    themes = load_themes(themes_path, display_path(themes_path))[0] if themes_path.is_file() else []
    return [p for _, p in places], [t for _, t in themes]


PARSED_VOCABULARIES = "vocabularies.pickle"  # beside an index generation's copies of places.yaml and themes.yaml


def keep_parsed_vocabularies(directory: Path) -> None:
    """Keep, beside a generation's copies of the vocabularies, what they parse to, with the `vocabulary_hash` of the
    bytes parsed (`generation_vocabularies` takes it only for those very bytes). Parsing and checking the two files
    took 30-50 ms in each process that opened the generation: an index run, a worker's first search."""
    directory = Path(directory)
    found = vocabulary_hash(directory)
    places, themes = _parse_vocabularies(directory)
    if found != vocabulary_hash(directory):
        return  # changed while parsed: keep nothing
    data = {"vocabulary_hash": found, "places": [_fields(p) for p in places], "themes": [_fields(t) for t in themes]}
    files.replace(directory / PARSED_VOCABULARIES, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL), sync=False)


def generation_vocabularies(directory: Path) -> tuple[Gazetteer, Themes]:
    """`load_vocabularies` of an index generation: from what `keep_parsed_vocabularies` kept when it was made from
    the bytes the files hold now; else (none kept, another version's, unreadable) parsed again."""
    directory = Path(directory)
    try:
        with open(directory / PARSED_VOCABULARIES, "rb") as stream:
            data = pickle.load(stream)
        if data["vocabulary_hash"] == vocabulary_hash(directory):
            return (Gazetteer(Place(**fields) for fields in data["places"]),
                    Themes(Theme(**fields) for fields in data["themes"]))
    except Exception:  # noqa: BLE001 - a copy that cannot be used is parsed again, whatever is wrong with it
        pass
    return load_vocabularies(directory)


def _fields(entry: Place | Theme) -> dict[str, object]:
    """The entry's fields by name, one level deep: made again with the class itself, so a copy kept by a version
    whose Place or Theme had other fields fails (and is parsed again) instead of making a half entry."""
    return {f.name: getattr(entry, f.name) for f in dataclasses.fields(entry)}


def _vocabulary_bytes(root: Path) -> list[bytes | None]:
    return [_bytes(Path(root) / name) for name in VOCABULARY_FILES]


def kept_vocabularies(root: Path) -> tuple[Gazetteer, Themes]:
    """`generation_vocabularies` for an index run (which holds the writers' lock), worked out again only when the
    two files' bytes differ from the last call's (in a process that follows the files, they seldom change); and
    kept parsed beside a generation made before they were."""
    if not (Path(root) / PARSED_VOCABULARIES).is_file():
        keep_parsed_vocabularies(Path(root))
    found = _vocabulary_bytes(Path(root))
    if _kept and _kept[0] == found:
        return _kept[1]  # type: ignore[return-value]
    loaded = generation_vocabularies(Path(root))
    if found == _vocabulary_bytes(Path(root)):  # unchanged while parsed
        _kept[:] = [found, loaded]
    return loaded


_kept: list[object] = []  # [the files' bytes, what they parse to] of the last kept_vocabularies


def _bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def read_testimony(root: Path, stat: FileStat, places: Gazetteer, themes: Themes, ids: AbstractSet[str]) -> Loaded:
    """Read and check one file as `load_collection` does; `ids` holds every testimony id in the tree.

    The stat it returns is the file's own just before it was read, not the scan's (which may be older:
    a scan made before the writers' lock, or a long build's); if the file changed while it was read,
    a stat no scan can match (`UNSTABLE`), so that the next run reads it again."""
    path = root / stat.path
    display = display_path(path)
    before = _stat_now(path, stat)
    try:
        digest = file_hash(path.read_bytes())
    except OSError:
        digest = ""
    testimony, found, lines = parse_testimony(path, display)
    after = _stat_now(path, stat)
    now = (before or stat) if after == before else stat._replace(mtime_ns=UNSTABLE)
    if testimony is None or any(not p.warning for p in found):
        return Loaded(now, digest, None, tuple(found))
    resolved, more = resolve_testimony(testimony, places, themes, ids, lines, display)
    return Loaded(now, testimony.file_hash, resolved, tuple(found) + tuple(more), testimony.translation_of)


UNSTABLE = -1  # the mtime_ns of a file that changed while it was read: no scan sees it, so it is read again


def _stat_now(path: Path, stat: FileStat) -> FileStat | None:
    """The file's stat now, as the scan takes it (following a link), or None if it cannot be had."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return stat._replace(mtime_ns=st.st_mtime_ns, size=st.st_size, ino=st.st_ino, ctime_ns=st.st_ctime_ns)
