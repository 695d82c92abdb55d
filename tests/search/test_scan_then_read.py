"""A scan is older than the reads it leads to: what an index run keeps of a file is the stat it read it at.

The server's indexer hands `update_index` the scan it polled with (made before the writers' lock), and a
full build reads its last files long after its scan. A file can change in between. The run must read it
as it is then, and keep that read's own stat, so that the next run compares the files with what was
actually indexed, even when the file is later put back, byte for byte and to the nanosecond, as the
scan saw it.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from archive.config import Config
from search.indexer import update_index
from search.query import parse_query
from search.searcher import SearchIndex
from search.sources import UNSTABLE, read_testimony, scan_content, load_vocabularies

from tests.support import builder
from tests.support.builder import write_testimony

TODAY = dt.date(2024, 6, 1)


def _config(tmp_path: Path) -> Config:
    content = builder.write_collection(tmp_path / "content", vocabulary="search", testimonies={
        "alpha": dict(title="Alpha account", body="The bakery was shelled at dawn."),
        "beta": dict(title="Beta account", body="We carried water from the river."),
    })
    return Config(content, tmp_path / "instance")


def _found(config: Config, q: str) -> set[str]:
    return {hit.id for hit in SearchIndex(config).search(parse_query({"q": q})).hits}


def test_a_file_put_back_as_the_scan_saw_it_is_read_again(tmp_path):
    config = _config(tmp_path)
    update_index(config, TODAY, procs=1)
    path = write_testimony(config.content, "alpha", title="Alpha account", body="Withdrawn zorvquel.",
                           access="withdrawn")
    withdrawn, seen = path.read_bytes(), path.stat()
    scan = scan_content(config.content)  # the scan sees the withdrawal...
    write_testimony(config.content, "alpha", title="Alpha account", body="Public again zorvquel.")
    os.utime(path, ns=(seen.st_atime_ns, seen.st_mtime_ns + 5_000_000))  # ...the read finds it public
    report = update_index(config, TODAY, scan=scan)
    assert report.updated == ("alpha",) and _found(config, "zorvquel") == {"alpha"}  # positive control

    path.write_bytes(withdrawn)  # withdrawn again, and given back the very stat the scan saw
    os.utime(path, ns=(seen.st_atime_ns, seen.st_mtime_ns))
    assert path.stat().st_mtime_ns == seen.st_mtime_ns and path.stat().st_size == seen.st_size
    report = update_index(config, TODAY)
    assert report.removed == ("alpha",)
    assert _found(config, "zorvquel") == set()


def test_a_file_that_changes_while_it_is_read_is_read_again(tmp_path, monkeypatch):
    config = _config(tmp_path)
    path = config.content / "t" / "alpha.md"
    places, themes = load_vocabularies(config.content)
    stat = scan_content(config.content).files["alpha"]
    steady = read_testimony(config.content, stat, places, themes, {"alpha", "beta"})
    assert steady.stat.mtime_ns == path.stat().st_mtime_ns and steady.testimony is not None

    import archive.loader as loader
    parse = loader.parse_testimony

    def parse_while_written(file: Path, display: str | None = None):  # the file changes during the read
        parsed = parse(file, display)
        os.utime(path, ns=(0, path.stat().st_mtime_ns + 1_000_000))
        return parsed

    monkeypatch.setattr("search.sources.parse_testimony", parse_while_written)
    moving = read_testimony(config.content, stat, places, themes, {"alpha", "beta"})
    assert moving.stat.mtime_ns == UNSTABLE
