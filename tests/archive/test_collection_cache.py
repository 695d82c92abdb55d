"""Reloading a collection with a read cache parses only the files that changed, and misses no change."""

from __future__ import annotations

import os
from pathlib import Path

import archive.collection as collection_module
from archive.collection import load_collection


def _count_reads(monkeypatch) -> list[Path]:
    reads: list[Path] = []
    real = collection_module.read_testimony

    def counting(path, display=None):
        reads.append(path)
        return real(path, display)

    monkeypatch.setattr(collection_module, "read_testimony", counting)
    return reads


def test_an_unchanged_file_is_not_parsed_again(write_collection, make_testimony, monkeypatch) -> None:
    root = write_collection({f"en/t{i}.md": make_testimony(f"t{i}") for i in range(1, 4)})
    reads = _count_reads(monkeypatch)
    cache: dict = {}
    load_collection(root, cache)
    assert len(reads) == 3
    reads.clear()
    replacement = root / "en" / "t2.md.new"
    replacement.write_text(make_testimony("t2", {"title": "A changed title"}), encoding="utf-8")
    os.replace(replacement, root / "en" / "t2.md")  # as curators save: a new inode
    reloaded = load_collection(root, cache)
    assert reads == [root / "en" / "t2.md"]
    assert reloaded.get("t2").title == "A changed title"
    assert reloaded.get("t1") is not None and reloaded.get("t3") is not None


def test_an_edit_in_place_and_a_deletion_are_seen(write_collection, make_testimony) -> None:
    root = write_collection({"en/t1.md": make_testimony("t1"), "en/t2.md": make_testimony("t2")})
    cache: dict = {}
    assert set(load_collection(root, cache).testimonies) == {"t1", "t2"}
    (root / "en" / "t1.md").write_text(make_testimony("t1", {"consent.access": "withdrawn"}), encoding="utf-8")
    (root / "en" / "t2.md").unlink()
    reloaded = load_collection(root, cache)
    assert set(reloaded.testimonies) == {"t1"}
    assert reloaded.get("t1").consent.access.value == "withdrawn"
    assert list(cache) == [root / "en" / "t1.md"]


def test_the_cache_gives_the_same_collection_and_problems(write_collection, make_testimony) -> None:
    root = write_collection({"en/t1.md": make_testimony("t1"), "en/bad.md": make_testimony("bad", drop=("title",)),
                             "en/t3.md": make_testimony("t3", {"places": ["nowhere"]})})
    cache: dict = {}
    first = load_collection(root, cache)
    again = load_collection(root, cache)
    plain = load_collection(root)
    assert first.problems == again.problems == plain.problems and first.problems
    assert first.testimonies == again.testimonies == plain.testimonies
