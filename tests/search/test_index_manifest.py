"""The index manifest (an SQLite file): it never runs ahead of the index, survives a crash mid-write,
keeps nothing of a hidden testimony in clear, does not trust an old JSON manifest, and lets a
one-file update look at one bucket of entries, not all of them."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import search.build
import search.manifest_store
from archive.config import Config
from search.indexer import index_status, update_index
from search.manifest import IndexPaths, read_manifest, read_serial
from search.query import parse_query
from search.searcher import SearchIndex
from tests.support import builder
from tests.support.builder import write_testimony

TODAY = dt.date(2025, 6, 1)


@pytest.fixture
def config(tmp_path: Path) -> Config:
    content = builder.write_collection(tmp_path / "content", vocabulary="search", testimonies={
        f"story-{n:03d}": {"body": f"Account number {n}."} for n in range(120)})
    config = Config(content, tmp_path / "instance")
    update_index(config, TODAY, procs=1)
    return config


def _found(config: Config, words: str) -> set[str]:
    index = SearchIndex(config)
    try:
        return {hit.id for hit in index.search(parse_query({"q": words, "per_page": 100})).hits}
    finally:
        index.close()


def test_a_public_testimony_made_hidden_leaves_no_trace_in_the_manifest(config):
    write_testimony(config.content, "zqvanishing", body="Soon hidden.")
    update_index(config, TODAY)
    paths = IndexPaths(config.instance)
    assert b"zqvanishing" in paths.manifest.read_bytes()  # the positive control: kept while public
    write_testimony(config.content, "zqvanishing", body="Soon hidden.", access="restricted")
    assert update_index(config, TODAY).removed == ("zqvanishing",)
    assert b"zqvanishing" not in paths.manifest.read_bytes()  # secure_delete: no old row in a free page
    assert not list(paths.root.glob("*-journal"))
    assert "zqvanishing" not in read_manifest(paths).indexed_ids


def test_the_manifest_is_not_written_when_the_index_commit_fails(config, monkeypatch):
    paths = IndexPaths(config.instance)
    before = read_serial(paths)
    write_testimony(config.content, "story-007", body="A revised account with zqrevision.")

    def failing(*args, **kwargs):
        raise OSError("the disk is full")

    monkeypatch.setattr(search.build, "update_generation", failing)
    monkeypatch.setattr(search.build, "build_generation", failing)
    with pytest.raises(OSError):
        update_index(config, TODAY)
    assert read_serial(paths) == before  # it never runs ahead of the index
    monkeypatch.undo()
    assert update_index(config, TODAY).updated == ("story-007",)  # the next run redoes the work
    assert _found(config, "zqrevision") == {"story-007"}


def test_a_manifest_write_that_fails_after_the_commit_is_redone(config, monkeypatch):
    paths = IndexPaths(config.instance)
    write_testimony(config.content, "story-008", body="An account with zqmarked in it.")
    update_index(config, TODAY)
    assert _found(config, "zqmarked") == {"story-008"}  # the positive control
    before = read_serial(paths)
    write_testimony(config.content, "story-008", body="An account with zqmarked in it.", access="withdrawn")

    def failing(self, *args, **kwargs):
        raise sqlite3.OperationalError("attempt to write a readonly database")

    for method in ("update", "replace"):  # the update, and the rebuild it falls back to
        monkeypatch.setattr(search.manifest_store.Store, method, search.manifest_store._translated(failing))
    with pytest.raises(OSError):
        update_index(config, TODAY)
    assert read_serial(paths) == before  # it lags the index: the entry still says indexed
    assert _found(config, "zqmarked") == set()  # the index itself already dropped it
    monkeypatch.undo()
    assert index_status(config, TODAY).state == "stale"
    report = update_index(config, TODAY)
    assert report.removed == ("story-008",) and "story-008" not in read_manifest(paths).indexed_ids


def test_a_writer_killed_mid_transaction_is_rolled_back(config):
    paths = IndexPaths(config.instance)
    before = read_serial(paths)
    script = (  # a writer that spills changed pages to the file, then dies before it commits
        "import os, sqlite3, sys\n"
        "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "db.execute('PRAGMA cache_size = 1')\n"
        "db.execute('BEGIN IMMEDIATE')\n"
        "db.execute(\"UPDATE entries SET id = 'zqtorn' || key, state = 'public'\")\n"
        "db.execute('UPDATE head SET serial = 999')\n"
        "os._exit(0)\n")
    subprocess.run([sys.executable, "-c", script, str(paths.manifest)], check=True)
    assert paths.manifest.with_name(paths.manifest.name + "-journal").exists()  # a hot journal was left
    assert read_serial(paths) == before  # the next reader rolls it back
    assert b"zqtorn" not in paths.manifest.read_bytes()
    assert not update_index(config, TODAY).changed


def test_an_old_json_manifest_is_never_trusted(config):
    paths = IndexPaths(config.instance)
    serial, serving = read_serial(paths)
    paths.manifest.unlink()  # as an instance from before the SQLite manifest has it
    paths.legacy_manifest.write_text(json.dumps({
        "serial": 7, "schema_version": "x", "generation": serving, "vocabulary_hash": "", "day": TODAY.isoformat(),
        "valid_until": None, "entry_fields": [], "entries": {}}), encoding="utf-8")
    assert read_serial(paths) is None and read_manifest(paths) is None  # readers see no index, not the old one
    assert index_status(config, TODAY).state == "missing"
    report = update_index(config, TODAY)
    assert report.rebuilt and report.reason == "an earlier version made the index"
    assert not paths.legacy_manifest.exists() and read_serial(paths)[1] != serving
    assert read_serial(paths)[0] > serial  # no reader takes it for the manifest it knew
    assert len(read_manifest(paths).indexed_ids) == 120


def test_a_damaged_manifest_is_rebuilt(config):
    paths = IndexPaths(config.instance)
    paths.manifest.write_bytes(b"not a database at all" * 100)
    assert read_serial(paths) is None
    report = update_index(config, TODAY)
    assert report.rebuilt and len(read_manifest(paths).indexed_ids) == 120
    assert index_status(config, TODAY).fresh


def test_a_one_file_update_reads_the_entries_of_one_bucket(config, monkeypatch):
    asked: list[set[str]] = []
    real = search.manifest_store.Store.entries

    def entries(self, buckets):
        asked.append(set(buckets))
        return real(self, buckets)

    monkeypatch.setattr(search.manifest_store.Store, "entries", entries)
    write_testimony(config.content, "story-042", body="Account number 42, told again with zqagain.")
    report = update_index(config, TODAY)
    assert report.updated == ("story-042",) and len(asked) == 1 and len(asked[0]) == 1
    assert _found(config, "zqagain") == {"story-042"}
    asked.clear()
    assert index_status(config, TODAY).fresh and asked == [set()]  # nothing changed: no entry is read
