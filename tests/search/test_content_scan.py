"""One scan of the content directory: the loader, the index and the site agree on what the collection is.

Each test builds a tree with the awkward cases (dot-files, dot-folders, nested folders, other
names, links, a fifo, an id in two folders) and asks all three: `load_collection` (the pages),
`update_index` (search) and `content_signature` (what makes the site and the indexer look again).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from archive import collection as loader
from archive.collection import load_collection
from archive.config import Config
from archive.consent import Audience
from archive.errors import Gone, NotFound
from archive.scanning import scan
from search.indexer import update_index
from search.manifest import IndexPaths, read_manifest
from search.sources import scan_content
from tests.support import builder
from tests.support.builder import write_testimony
from web.site import content_signature

TODAY = dt.date(2025, 6, 1)
SHOWN = {"alpha", "beta", "gamma", "inner", "linked"}  # what every reader must publish


def _put(path: Path, testimony_id: str, **fields) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(builder.testimony_text(testimony_id, **fields), encoding="utf-8")
    return path


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = builder.write_collection(tmp_path / "content", vocabulary="search", testimonies={"alpha": {}, "beta": {}})
    _put(root / "deep" / "er" / "gamma.md", "gamma")  # nested folders
    _put(root / "t" / ".draft.md", "draft")  # a dot-file
    _put(root / ".git" / "secretive.md", "secretive")  # a dot-folder at the top
    _put(root / "t" / ".cache" / "cached.md", "cached")  # and below
    _put(root / "t" / "notes.txt", "notes")  # other names
    _put(root / "t" / "alpha.md.bak", "alpha", title="An old copy")
    _put(root / "t" / "readme.markdown", "readme")
    _put(root / "folder.md" / "inner.md", "inner")  # a folder whose name ends in .md is a folder
    _put(tmp_path / "elsewhere" / "linked.md", "linked")
    (root / "t" / "linked.md").symlink_to(tmp_path / "elsewhere" / "linked.md")  # a link to a file counts
    _put(tmp_path / "outside" / "faraway.md", "faraway")
    (root / "linked-folder").symlink_to(tmp_path / "outside", target_is_directory=True)  # never entered
    (root / "t" / "broken.md").symlink_to(tmp_path / "nowhere.md")  # listed, so that check reports it
    os.mkfifo(root / "t" / "pipe.md")  # not a regular file: never opened (reading it would block)
    _put(root / "t" / "twin.md", "twin")  # one id in two folders: neither is published
    _put(root / "zz" / "twin.md", "twin")
    return root


def _public(root: Path) -> set[str]:
    """The ids the pages publish today."""
    collection = load_collection(root)
    shown = set()
    for testimony_id in collection.testimonies:
        try:
            collection.view(testimony_id, Audience.PUBLIC, TODAY)
        except (NotFound, Gone):
            continue
        shown.add(testimony_id)
    return shown


def _indexed(config: Config) -> frozenset[str]:
    return read_manifest(IndexPaths(config.instance)).indexed_ids


def test_the_three_readers_see_one_collection(tree: Path, tmp_path: Path) -> None:
    listing = scan(tree)
    assert [f.path for f in listing.files] == [
        "deep/er/gamma.md", "folder.md/inner.md", "t/alpha.md", "t/beta.md", "t/broken.md", "t/linked.md",
        "t/twin.md", "zz/twin.md"]
    assert list(loader.testimony_files(tree)) == [tree / f.path for f in listing.files]
    assert set(listing.duplicates) == {"twin"} and listing.by_id["t/broken.md".split("/")[1][:-3]].missing
    collection = load_collection(tree)
    assert set(collection.testimonies) == SHOWN
    assert set(collection.duplicates) == {"twin"}
    assert any(p.path.endswith("broken.md") for p in collection.errors)  # the broken link is reported
    index = scan_content(tree)
    assert set(index.files) == SHOWN | {"broken"} and index.ids == listing.ids
    config = Config(tree, tmp_path / "instance")
    report = update_index(config, TODAY, procs=1)
    assert set(report.added) == SHOWN == _indexed(config)
    assert any("broken.md: not indexed" in w for w in report.warnings)
    assert sum("twin.md: not indexed" in w for w in report.warnings) == 2


@pytest.mark.parametrize("change", ["dot-file", "dot-folder", "other-name", "linked-folder"])
def test_files_outside_the_collection_change_nothing(tree: Path, tmp_path: Path, change: str) -> None:
    config = Config(tree, tmp_path / "instance")
    update_index(config, TODAY, procs=1)
    signature = content_signature(tree)
    edited, added = {"dot-file": (tree / "t" / ".draft.md", tree / "t" / ".another.md"),
                     "dot-folder": (tree / ".git" / "secretive.md", tree / "t" / ".cache" / "new-one.md"),
                     "other-name": (tree / "t" / "alpha.md.bak", tree / "t" / "new-one.txt"),
                     "linked-folder": (tmp_path / "outside" / "faraway.md", tmp_path / "outside" / "new-one.md")}[change]
    edited.write_text(builder.testimony_text("alpha", title="Changed", body="Another account."), encoding="utf-8")
    _put(added, "new-one")
    assert content_signature(tree) == signature
    assert not update_index(config, TODAY).changed
    assert _public(tree) == SHOWN == _indexed(config)
    _put(tree / "t" / "new-one.md", "new-one")  # the positive control: the same file where it counts
    assert content_signature(tree) != signature
    assert update_index(config, TODAY).added == ("new-one",) and "new-one" in _public(tree)


@pytest.mark.parametrize("change", ["edit", "nested-add", "into-dot-folder", "remove", "collection.yaml"])
def test_a_change_in_the_collection_is_seen_by_all_three(tree: Path, tmp_path: Path, change: str) -> None:
    config = Config(tree, tmp_path / "instance")
    update_index(config, TODAY, procs=1)
    signature = content_signature(tree)
    expected = set(SHOWN)
    if change == "edit":
        write_testimony(tree, "beta", access="restricted")
        expected.discard("beta")
    elif change == "nested-add":
        _put(tree / "a" / "b" / "c" / "delta.md", "delta")
        expected.add("delta")
    elif change == "into-dot-folder":
        (tree / "t" / ".trash").mkdir()
        (tree / "t" / "beta.md").rename(tree / "t" / ".trash" / "beta.md")
        expected.discard("beta")
    elif change == "remove":
        (tree / "deep" / "er" / "gamma.md").unlink()
        expected.discard("gamma")
    else:
        text = (tree / "collection.yaml").read_text(encoding="utf-8")
        (tree / "collection.yaml").write_text(text.replace("title:", "title: Renamed", 1) + "\n", encoding="utf-8")
    assert content_signature(tree) != signature
    assert _public(tree) == expected
    update_index(config, TODAY)
    assert _indexed(config) == expected


def test_an_id_that_gains_and_loses_a_copy_in_another_folder(tree: Path, tmp_path: Path) -> None:
    config = Config(tree, tmp_path / "instance")
    update_index(config, TODAY, procs=1)
    shutil.copy(tree / "t" / "alpha.md", tree / "deep" / "alpha.md")  # the original's own stat is unchanged
    report = update_index(config, TODAY)
    assert report.removed == ("alpha",) and "alpha" not in _indexed(config)
    assert "alpha" not in _public(tree) and "alpha" in scan(tree).duplicates
    (tree / "t" / "alpha.md").unlink()  # the copy is now the only file with the id
    report = update_index(config, TODAY)
    assert report.added == ("alpha",) and "alpha" in _indexed(config)
    assert "alpha" in _public(tree)
    (tree / "zz" / "twin.md").unlink()
    assert "twin" in update_index(config, TODAY).added and "twin" in _public(tree)


def test_a_file_moved_between_folders_keeps_its_place_in_all_three(tree: Path, tmp_path: Path) -> None:
    config = Config(tree, tmp_path / "instance")
    update_index(config, TODAY, procs=1)
    (tree / "elsewhere").mkdir()
    (tree / "t" / "beta.md").rename(tree / "elsewhere" / "beta.md")
    report = update_index(config, TODAY)
    assert not report.added and not report.removed and _indexed(config) == SHOWN
    assert scan(tree).by_id["beta"].path == "elsewhere/beta.md"
    assert _public(tree) == SHOWN
