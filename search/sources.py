"""The content directory as the indexer reads it: files with their stat, vocabularies, one testimony at a time.

The indexer must not parse ten thousand files to notice that one changed, so it
scans names and stats here and reads only the files it needs, each exactly as
`archive.collection.load_collection` would (same parser, same reference checks).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from archive.collection import display_path, resolve_testimony, testimony_files
from archive.errors import Problem
from archive.collection_files import load_places, load_themes
from archive.loader import file_hash, parse_testimony
from archive.model import Testimony
from archive.vocabulary import Gazetteer, Themes

__all__ = ["FileStat", "Scan", "Loaded", "scan_content", "load_vocabularies", "read_testimony",
           "VOCABULARY_FILES"]

VOCABULARY_FILES = ("places.yaml", "themes.yaml")


@dataclass(frozen=True)
class FileStat:
    """One testimony file: its id (the stem), path relative to the content root, and stat."""

    id: str
    path: str
    mtime_ns: int
    size: int


@dataclass(frozen=True)
class Scan:
    """Every testimony file by id, and the vocabularies' hash.

    An id that several files share is in `duplicates` (every copy's path) and not in `files`:
    as in `load_collection`, neither copy is indexed, whatever the folder order.
    """

    root: Path
    files: Mapping[str, FileStat]
    duplicates: tuple[str, ...]
    vocabulary_hash: str
    ids: frozenset[str] = frozenset()  # every id in the tree, duplicated ones too (translation_of may name one)


@dataclass(frozen=True)
class Loaded:
    """One file read: the testimony if it is valid, else its problems; the hash of its bytes either way."""

    stat: FileStat
    file_hash: str
    testimony: Testimony | None
    problems: tuple[Problem, ...]
    translation_of: str | None = None


def scan_content(root: Path) -> Scan:
    """Names and stats of every testimony file, without reading them."""
    files: dict[str, FileStat] = {}
    shared: dict[str, list[str]] = {}
    for path in testimony_files(root):
        try:
            stat = path.stat()
        except OSError:
            continue  # vanished between the walk and the stat
        relative = path.relative_to(root).as_posix()
        shared.setdefault(path.stem, []).append(relative)
        files[path.stem] = FileStat(path.stem, relative, stat.st_mtime_ns, stat.st_size)
    duplicates = [p for paths in shared.values() if len(paths) > 1 for p in paths]
    for stem, paths in shared.items():
        if len(paths) > 1:
            del files[stem]
    digest = hashlib.sha256()
    for name in VOCABULARY_FILES:
        try:
            digest.update((root / name).read_bytes())
        except OSError:
            digest.update(b"\0missing")
        digest.update(b"\0")
    return Scan(root, files, tuple(duplicates), digest.hexdigest()[:16], frozenset(shared))


def load_vocabularies(root: Path) -> tuple[Gazetteer, Themes]:
    """The gazetteer and the theme vocabulary of a content directory (empty when a file is missing)."""
    places_path, themes_path = (root / name for name in VOCABULARY_FILES)
    places = load_places(places_path, display_path(places_path))[0] if places_path.is_file() else []
    themes = load_themes(themes_path, display_path(themes_path))[0] if themes_path.is_file() else []
    return Gazetteer(p for _, p in places), Themes(t for _, t in themes)


def read_testimony(root: Path, stat: FileStat, places: Gazetteer, themes: Themes, ids: set[str]) -> Loaded:
    """Read and check one file as `load_collection` does; `ids` holds every testimony id in the tree."""
    path = root / stat.path
    display = display_path(path)
    try:
        digest = file_hash(path.read_bytes())
    except OSError:
        digest = ""
    testimony, found, lines = parse_testimony(path, display)
    if testimony is None or any(not p.warning for p in found):
        return Loaded(stat, digest, None, tuple(found))
    resolved, more = resolve_testimony(testimony, places, themes, ids, lines, display)
    return Loaded(stat, testimony.file_hash, resolved, tuple(found) + tuple(more), testimony.translation_of)
