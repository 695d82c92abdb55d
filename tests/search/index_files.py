"""The words stored in index files: which files hold a word, raw or inside Whoosh's compressed fields."""

from __future__ import annotations

import os
import zlib
from pathlib import Path
from typing import Iterable


def _inflated(data: bytes) -> Iterable[bytes]:
    """The file's bytes, then every zlib stream inside it (Whoosh compresses stored fields)."""
    yield data
    for i in range(len(data) - 1):
        if data[i] == 0x78 and data[i + 1] in (0x01, 0x5E, 0x9C, 0xDA):
            try:
                yield zlib.decompressobj().decompress(data[i:])
            except zlib.error:
                continue


def files_containing(root: Path, words: Iterable[str]) -> dict[str, list[str]]:
    """Every file under `root` whose bytes, raw or inflated, contain one of the words (ASCII case folded)."""
    needles = [w.lower().encode("utf-8") for w in words]
    found: dict[str, list[str]] = {}
    for folder, _, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            hits = set()
            for chunk in _inflated(path.read_bytes()):
                chunk = chunk.lower()
                hits.update(w.decode() for w in needles if w in chunk)
            if hits:
                found[str(path)] = sorted(hits)
    return found
