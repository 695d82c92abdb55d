"""An update from the changed paths (the background indexer's route: archive.following) leaves the index, its
catalogue and the manifest exactly as an update from a full scan of the same files does.

Two instances share one secret (so their keyed hashes agree) and index the same content directory; after each
change one is updated from the scan the follower made from the kernel's notices, the other from a full scan
of its own, and everything each wrote is compared: every table of the manifest and of the catalogue (but the
head's serial and the catalogue's token, new with each write) and every stored document of the Whoosh index.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path
from typing import Any, Callable

import pytest
from whoosh import index as whoosh_index

from archive.config import Config
from archive.following import Following
from archive.notified import INotify
from search import buckets
from search.buckets import fill
from search.catalogue import NAME
from search.indexer import update_index
from search.manifest import IndexPaths, read_serial
from search.sources import scan_content

from tests.support import builder
from tests.support.builder import write_testimony

pytestmark = pytest.mark.skipif(INotify is None, reason="needs Linux inotify")
TODAY = dt.date(2024, 6, 1)


def _tables(path: Path, skip: dict[str, str]) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        names = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {name: sorted(connection.execute(f"SELECT * FROM {name} {skip.get(name, '')}").fetchall(), key=repr)
                for name in names}


def written(instance: Path) -> dict[str, Any]:
    """Everything the public index run wrote, but what is new with every write."""
    paths = IndexPaths(instance)
    serial = read_serial(paths)
    assert serial is not None
    generation = paths.generation(serial[1])
    with whoosh_index.open_dir(str(generation)).searcher() as searcher:
        documents = sorted((repr(sorted(fields.items())) for fields in searcher.all_stored_fields()))
    manifest = _tables(paths.manifest, {})
    manifest["head"] = [row[:1] + row[2:] for row in manifest["head"]]  # the serial is the clock's
    return {"generation": generation.name, "documents": documents, "manifest": manifest,
            "catalogue": _tables(generation / NAME, {"meta": "WHERE name != 'token'"})}


CHANGES: dict[str, Callable[[Path], None]] = {
    "an edit": lambda root: write_testimony(root, "alpha", title="Alpha account", body="A later sentence."),
    "a withdrawal": lambda root: write_testimony(root, "beta", title="Beta account", access="withdrawn"),
    "a restriction": lambda root: write_testimony(root, "gamma", folder="east", access="restricted"),
    "a new testimony": lambda root: write_testimony(root, "delta", folder="east", title="Delta account"),
    "a removal": lambda root: (root / "t" / "alpha.md").unlink(),
    "a duplicate id": lambda root: write_testimony(root, "zeta", folder="east", title="A second zeta"),
    "a move": lambda root: (root / "east" / "epsilon.md").rename(root / "t" / "epsilon.md"),
    "an embargo": lambda root: write_testimony(root, "epsilon", embargo_until="2030-01-01"),
}


def _collection(content: Path, others: int = 0) -> Path:
    builder.write_collection(content, vocabulary="search")
    for testimony_id, folder in (("alpha", "t"), ("beta", "t"), ("gamma", "east"), ("epsilon", "east"),
                                 ("zeta", "t")):
        write_testimony(content, testimony_id, folder=folder, title=f"{testimony_id.title()} account")
    for number in range(others):
        write_testimony(content, f"other{number}", folder=("t", "east", "north")[number % 3])
    return content


@pytest.fixture
def kept():
    buckets.keep_last()
    yield
    buckets.keep_last(False)


def test_an_update_from_the_changed_paths_writes_what_a_full_scan_update_writes(tmp_path, kept):
    content = _collection(tmp_path / "content")
    followed, scanned = Config(content, tmp_path / "followed"), Config(content, tmp_path / "scanned")
    update_index(followed, TODAY, procs=1)
    scanned.instance.mkdir()
    shutil.copy(followed.instance / "secret_key", scanned.instance / "secret_key")
    update_index(scanned, TODAY, procs=1)
    following = Following(content, full_every=3600)
    try:
        following.next()
        for name, change in CHANGES.items():
            before = written(followed.instance)
            change(content)
            listing = following.next()
            assert following.route == "changed paths", name
            by_route = update_index(followed, TODAY, procs=1, scan=scan_content(content, listing))
            by_scan = update_index(scanned, TODAY, procs=1)
            assert not by_route.rebuilt and written(followed.instance) != before, name  # the positive control
            assert (by_route.added, by_route.updated, by_route.removed) == (by_scan.added, by_scan.updated,
                                                                          by_scan.removed), name
            assert written(followed.instance) == written(scanned.instance), name
    finally:
        following.close()


def test_the_buckets_worked_out_again_are_those_of_a_full_fill(tmp_path, kept):
    content = _collection(tmp_path / "content", others=40)
    key = IndexPaths(tmp_path / "instance").keys()
    following = Following(content, full_every=3600)
    try:
        fill(scan_content(content, following.next()), key)
        for name, change in CHANGES.items():
            change(content)
            refilled = fill(scan_content(content, following.next()), key)
            whole = buckets._fill(scan_content(content), key)  # the whole fill, leaving the one kept as it is
            assert refilled.digests == whole.digests, name
            assert {n: [f.path for f in files] for n, files in refilled.members.items()} == {
                n: [f.path for f in files] for n, files in whole.members.items()}, name
    finally:
        following.close()
