"""collection.yaml, places.yaml and themes.yaml as a worker keeps them: small, public, read again when they change."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from archive.collection import display_path
from archive.collection_files import load_collection_info
from archive.model import CollectionInfo
from archive.vocabulary import Gazetteer, Themes
from search.sources import load_vocabularies, vocabulary_hash

__all__ = ["Vocabularies", "VOCABULARY_FILES", "read_vocabularies"]

VOCABULARY_FILES = ("collection.yaml", "places.yaml", "themes.yaml")


@dataclass(frozen=True)
class Vocabularies:
    """collection.yaml, places.yaml and themes.yaml as read, with a hash of all three (all public)."""

    root: Path
    info: CollectionInfo | None
    places: Gazetteer
    themes: Themes
    digest: str


def read_vocabularies(root: Path) -> Vocabularies:
    digest = vocabulary_hash(root, VOCABULARY_FILES)  # hashed before reading, as the index does
    path = root / "collection.yaml"
    info = load_collection_info(path, display_path(path))[0] if path.is_file() else None
    places, themes = load_vocabularies(root)
    return Vocabularies(root, info, places, themes, digest)
