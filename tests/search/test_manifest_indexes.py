"""What every update asks of the manifest is answered from small indexes, not a pass over every entry,
in new manifests and in ones written before the indexes existed; and the answers are the same."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from archive.config import Config
from search.indexer import update_index
from search.manifest import PARTIAL_INDEXES, IndexPaths

from tests.support import builder
from tests.support.builder import write_testimony

TODAY = dt.date(2025, 6, 1)
QUERIES = {  # the questions of search.manifest_store that each index serves
    "entries_invalid": "SELECT mtime_ns, size, path FROM entries WHERE state = 'invalid'",
    "entries_embargo": "SELECT key, embargo_until FROM entries WHERE embargo_until IS NOT NULL",
    "entries_indexed": "SELECT count(*) FROM entries WHERE indexed",
}


def _indexes(manifest: Path) -> set[str]:
    with sqlite3.connect(manifest) as db:
        return {name for name, in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}


def _plans(manifest: Path) -> dict[str, str]:
    with sqlite3.connect(manifest) as db:
        return {name: " ".join(row[-1] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}"))
                for name, sql in QUERIES.items()}


def test_updates_use_the_indexes_and_an_older_manifest_gets_them(tmp_path):
    content = builder.write_collection(tmp_path / "content", vocabulary="search", testimonies={
        "open": {"body": "An open account."}, "later": {"body": "Later.", "embargo_until": "2030-01-01"}})
    config = Config(content, tmp_path / "instance")
    report = update_index(config, TODAY, procs=1)
    manifest = IndexPaths(config.instance).manifest
    names = {index.split()[0] for index in PARTIAL_INDEXES}
    assert names <= _indexes(manifest)
    assert all(name in plan for name, plan in _plans(manifest).items()), _plans(manifest)
    assert report.public == 1

    with sqlite3.connect(manifest) as db:  # as a manifest of the version before
        for name in names:
            db.execute(f"DROP INDEX {name}")
    assert not names & _indexes(manifest)
    (content / "t" / "broken.md").write_text("---\nid: broken\n---\nNo front matter to speak of.\n", encoding="utf-8")
    write_testimony(content, "open", body="An open account, edited.")
    report = update_index(config, TODAY)
    assert not report.rebuilt and report.updated == ("open",) and report.public == 1
    assert any("broken.md" in line for line in report.warnings)  # the invalid file, found through its index
    assert names <= _indexes(manifest)
